"""Laptop settings: DEBUG on, SQLite unless DATABASE_URL says otherwise."""

from . import env
from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
# The demo (`manage.py load_demo`: demo accounts and applications) exists in dev, test and bench settings only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# A refused URL shows the Chinese 404 page, not Django's technical page with every URL pattern
# (portal/errors.py DevelopmentNotFoundMiddleware; just before axes, which must stay last).
# DEBUG_TECHNICAL_404=1 brings Django's page back for a developer chasing a URL pattern.
DEBUG_TECHNICAL_404 = env.get_bool("DEBUG_TECHNICAL_404", False)
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "portal.errors.DevelopmentNotFoundMiddleware")

# Background jobs run in-process, at once, with no broker: `make run` needs no Redis and no
# worker. A failed delivery is not retried in the request; `manage.py deliver_outbox` retries.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# Eager tasks would log a "Task … succeeded" line per e-mail and SMS into the server's console; the
# outbox (发送记录) is the record, and failures still log as warnings.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}  # noqa: F405
# Mail is printed in the console unless EMAIL_BACKEND names another (a local SMTP catcher, say).
EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# The demo's signing certificates (load_demo, demo/signing.py): files under var/signing/, their
# passphrase a published default unless DEMO_SIGNING_PASSPHRASE is set. Never in production.
DEMO_SIGNING_DIR = VAR_DIR / "signing"  # noqa: F405
env.set_default("DEMO_SIGNING_PASSPHRASE", "demo-signing-passphrase")

try:
    from .local import *  # noqa: F403
except ImportError:
    pass

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405  (the SQLite file and uploads live here)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
