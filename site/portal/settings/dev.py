"""Laptop settings: DEBUG on, SQLite unless DATABASE_URL says otherwise."""

from . import env
from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
# The demo (`manage.py load_demo`: demo accounts and applications) exists in dev, test and bench settings only.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

# Background jobs run in-process, at once, with no broker: `make run` needs no Redis and no
# worker. A failed delivery is not retried in the request; `manage.py deliver_outbox` retries.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# Eager tasks would log a "Task … succeeded" line per e-mail and SMS into the server's console; the
# outbox (发送记录) is the record, and failures still log as warnings.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}  # noqa: F405
# Mail is printed in the console unless EMAIL_BACKEND names another (a local SMTP catcher, say).
EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

try:
    from .local import *  # noqa: F403
except ImportError:
    pass

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405  (the SQLite file and uploads live here)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
