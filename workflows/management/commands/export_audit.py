"""Export the audit trail for an auditor: transitions (ApplicationEvent) and downloads (AccessLog)
since a date, as CSV or JSON Lines, to stdout or a file.

    manage.py export_audit --since 2026-01-01 --format csv --output audit.csv
    manage.py export_audit --since 2026-01-01 --format jsonl | gzip > audit.jsonl.gz

Every row has a `record` column (transition / download) and the columns of both kinds, in the
order of the 审计记录 report (workflows.models.audit); rows are in time order. Read-only.
"""

import csv
import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.spreadsheets import neutralise_row
from core.replica import replica_alias
from workflows.models import AccessLog, ApplicationEvent
from workflows.models.audit import DOWNLOAD_HEADINGS, TRANSITION_HEADINGS, download_row, transition_row

COLUMNS = ["record", *dict.fromkeys([*TRANSITION_HEADINGS, *DOWNLOAD_HEADINGS])]
BATCH = 2000


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--since {value!r}: expected YYYY-MM-DD") from exc


def audit_rows(since, until=None):
    """(created_at, row) of both kinds from local midnight of `since`, merged in time order."""
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    # A whole half-year of records, read once: from the replica when there is one.
    database = replica_alias()
    events = (
        ApplicationEvent.objects.using(database)
        .filter(created_at__gte=start)
        .select_related("application", "actor", "actor_organisation")
    )
    downloads = AccessLog.objects.using(database).filter(created_at__gte=start).select_related("user", "organisation")
    if until is not None:
        end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.min)) + datetime.timedelta(days=1)
        events, downloads = events.filter(created_at__lt=end), downloads.filter(created_at__lt=end)
    rows = [(e.created_at, e.pk, {"record": "transition", **transition_row(e)}) for e in events.iterator(BATCH)]
    rows += [(d.created_at, d.pk, {"record": "download", **download_row(d)}) for d in downloads.iterator(BATCH)]
    rows.sort(key=lambda row: (row[0], row[2]["record"], row[1]))
    return [row for _time, _pk, row in rows]


class Command(BaseCommand):
    help = "导出审计记录（办理记录和下载记录），CSV 或 JSON Lines"

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="first day included, YYYY-MM-DD (local time)")
        parser.add_argument("--until", help="last day included, YYYY-MM-DD (default: up to now)")
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
        parser.add_argument("--output", help="file to write (default: stdout)")

    def handle(self, *args, **options):
        since = parse_date(options["since"])
        until = parse_date(options["until"]) if options["until"] else None
        rows = audit_rows(since, until)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                self.write(out, rows, options["format"])
            self.stderr.write(f"{len(rows)} audit records written to {options['output']}")
        else:
            self.write(self.stdout, rows, options["format"])

    def write(self, out, rows, fmt):
        if fmt == "jsonl":
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        # A BOM so that Excel opens the Chinese text as UTF-8 when the file is written to disk.
        if out is not self.stdout and out is not sys.stdout:
            out.write("\ufeff")
        writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="", lineterminator="\n")
        writer.writeheader()
        # Reasons and names typed by applicants are text, never formulas (accounts/spreadsheets.py).
        writer.writerows(neutralise_row(row) for row in rows)
