"""`make bench`: production settings on loopback, plus the bench app and its query counter.

TLS is terminated by nginx in production (docs/operations.md); the load generator talks plain
HTTP to gunicorn on 127.0.0.1, so the HTTPS-only cookie and redirect settings are switched off
here and only here. Everything else (DEBUG off, whitenoise manifest storage, Redis cache,
PostgreSQL, the whole middleware stack) is production's.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-in-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("SMS_BACKEND", "accounts.sms.backends.locmem.LocmemBackend")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
# load_demo gives every authority a signing certificate from the demo CA (production settings
# require one to issue a document); their passphrase, as in the dev settings.
os.environ.setdefault("DEMO_SIGNING_PASSPHRASE", "demo-signing-passphrase")

from .production import *  # noqa: E402, F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench", "demo"]  # noqa: F405
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "bench.urls"

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
# The trivial view is the yardstick: it must not pay for the public page cache's lookup either.
PAGE_CACHE_EXCLUDED_PREFIXES = (*PAGE_CACHE_EXCLUDED_PREFIXES, "/bench/")  # noqa: F405
