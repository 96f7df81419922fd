"""Laptop settings: DEBUG on, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403

DEBUG = True
ALLOWED_HOSTS = ["*"]

try:
    from .local import *  # noqa: F403
except ImportError:
    pass

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405  (the SQLite file and uploads live here)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
WHITENOISE_USE_FINDERS = True
