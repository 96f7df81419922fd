"""Settings for the real server process of tests/security/test_crash_consistency.py.

The test settings, with every path under VAR_DIR (the database file on SQLite, the private
storage) so that the server, the set-up and the inspecting processes all see the same files, and
the one fault-injection knob: FAULT_INJECTION_SLEEP seconds of pause in workflows.documents.issue
between writing a document's file and its row. No settings module of the site defines it.
"""

import os

from portal.settings.test import *  # noqa: F403

MEDIA_ROOT = VAR_DIR / "media"  # noqa: F405
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "core.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
}
FAULT_INJECTION_SLEEP = float(os.environ.get("FAULT_INJECTION_SLEEP") or 0)
# The staff second factor is tested elsewhere; here the officer only has to reach the action.
STAFF_2FA_REQUIRED = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"workflows.documents": {"handlers": ["stderr"], "level": "WARNING"}},
}
