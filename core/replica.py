"""Which database heavy read-only work reads from (DATABASE_REPLICA_URL, docs/operations.md).

A replica lags the primary by a moment, and the workflow reads what it has just written (an
officer accepts, the page shows 已受理), so no router sends ordinary reads there. Only work that
reads much, writes nothing and tolerates a second's lag asks for it by name: the staff queue's
CSV/XLSX export and `manage.py export_audit`.
"""

from django.conf import settings

REPLICA = "replica"


def replica_alias():
    return REPLICA if REPLICA in settings.DATABASES else "default"
