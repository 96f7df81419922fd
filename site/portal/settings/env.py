"""Every environment variable the site reads, read here and nowhere else (12-factor).

A production setting without a safe default has none: `require()` raises
ImproperlyConfigured with a sentence that says how to fix it.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def get(name, default=None):
    return os.environ.get(name, default)


def require(name, hint):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} is required: {hint}")
    return value


def set_default(name, value):
    """Put `value` into the environment under `name` unless it is set: for a secret the code reads
    from the environment at run time (the demo's signing passphrase), in dev and test settings only."""
    os.environ.setdefault(name, value)


def get_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off.")


def get_int(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def get_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database(default_sqlite_path, name="DATABASE_URL"):
    """DATABASE_URL when set (PostgreSQL in production and CI), else an SQLite file."""
    url = os.environ.get(name)
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            "OPTIONS": {"timeout": 20},
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=get_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} is not a database URL ({exc}); use e.g. postgres://user@127.0.0.1:5432/dbname."
        ) from exc
    return config


REDIS_URL = get("REDIS_URL")


def s3_storage(location):
    """An S3-compatible bucket (MinIO, Ceph, OSS, COS, AWS) for files every app server must
    share: S3_BUCKET, S3_ENDPOINT_URL, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY.

    The bucket stays private: nothing is public-read, links are signed and short-lived, and the
    portal's own private files are never linked at all (core.storage serves them through
    permission-checked views). Existing names are never overwritten."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": require("S3_BUCKET", "name the bucket for uploads and documents."),
            "endpoint_url": get("S3_ENDPOINT_URL") or None,
            "region_name": get("S3_REGION") or None,
            "access_key": get("S3_ACCESS_KEY_ID") or None,
            "secret_key": get("S3_SECRET_ACCESS_KEY") or None,
            "location": location,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 600,
            "file_overwrite": False,
        },
    }
