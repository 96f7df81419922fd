"""Test settings: cheap hashing, in-memory cache and SMS, uploads in a temporary folder."""

import tempfile
from pathlib import Path

from . import env
from .base import *  # noqa: F403

DEBUG = False
# S105: test settings only; production reads DJANGO_SECRET_KEY.
SECRET_KEY = "test-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405  (load_demo: dev, test and bench only)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SMS_BACKEND = "accounts.sms.backends.locmem.LocmemBackend"
# On in tests whatever the shell says: tests/conftest.py verifies force-logged-in staff.
STAFF_2FA_REQUIRED = True
# Off whatever the shell says: an authority without a 电子签章证书 issues unsigned documents, so only
# the signing tests give one (tests/support/signing.py identity_for_test).
DOCUMENT_SIGNING_REQUIRED = False

_tmp = Path(tempfile.mkdtemp(prefix="portal-test-"))
MEDIA_ROOT = _tmp / "media"
PRIVATE_MEDIA_ROOT = _tmp / "private"
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# load_demo's signing certificates (demo/signing.py): a temporary folder, the published passphrase.
DEMO_SIGNING_DIR = _tmp / "signing"
env.set_default("DEMO_SIGNING_PASSPHRASE", "demo-signing-passphrase")
LOGGING = {"version": 1, "disable_existing_loggers": False}
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The live-server browser tests serve static files from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Celery tasks run in-process (eager); tests/test_background_jobs.py runs a real worker instead.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# No PDF warm-up per test process unless asked (tests/forms_config/test_pdf_warm_up.py asks).
PDF_WARM_UP = env.get_bool("PDF_WARM_UP", False)
PAGE_CACHE_SECONDS = 0  # off, so no test sees another test's pages; tests/cms/test_page_cache.py turns it on
