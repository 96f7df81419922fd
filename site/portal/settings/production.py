"""Production settings: every secret comes from the environment, with no default."""

from . import env
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.require(
    "SECRET_KEY", "set a long random string (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS") or env.require(
    "ALLOWED_HOSTS", "set the comma-separated host names the site answers to."
)
env.require("DATABASE_URL", "production runs on PostgreSQL, e.g. postgres://portal@db:5432/portal.")

STATIC_ROOT = env.get("STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CELERY_BROKER_URL = env.require(
    "CELERY_BROKER_URL", "name the Redis broker of the background jobs, e.g. redis://redis:6379/1 (docs/operations.md)."
)
# Every link in an e-mail or SMS and the QR code on every licence is absolute: without the site's
# address they would send readers to http://127.0.0.1:8000 (base.py's laptop default).
WAGTAILADMIN_BASE_URL = env.require(
    "WAGTAILADMIN_BASE_URL", "give the site's public address, e.g. https://tsxk.example.gov.cn (links in notices)."
)
# The licences' QR codes and verification links: never the request's host in production.
PORTAL_BASE_URL = env.get("PORTAL_BASE_URL") or WAGTAILADMIN_BASE_URL
# Every issued document carries its authority's signature; one without a certificate issues nothing
# (docs/operations.md, "Signing certificates").
DOCUMENT_SIGNING_REQUIRED = env.get_bool("DOCUMENT_SIGNING_REQUIRED", True)
SMS_BACKEND = env.require("SMS_BACKEND", "name the dotted path of an SMS provider backend (see docs/operations.md).")

# --- Several machines (docs/operations.md, "Running on several machines"). Each is off unless
# its variable is set, so one machine needs none of them.

# Uploads and issued documents in an S3-compatible store that every app server shares.
if env.get("S3_BUCKET"):
    STORAGES["private"] = env.s3_storage("private")
    STORAGES["default"] = env.s3_storage("media")

# A streaming replica for the heavy read-only work (the queue export, the audit export); see
# core/replica.py. Everything else, and every write, stays on the primary.
if env.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env.database(None, name="DATABASE_REPLICA_URL")  # noqa: F405

# Wagtail search on OpenSearch instead of the database backend.
if env.get("OPENSEARCH_URL"):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch3",
            "URLS": env.get_list("OPENSEARCH_URL"),
            "INDEX": env.get("OPENSEARCH_INDEX", "portal"),
            "TIMEOUT": 5,
        }
    }
