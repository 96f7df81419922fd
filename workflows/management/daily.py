"""What the daily commands (send_license_reminders, sweep_deadlines; Celery beat runs them through
workflows/tasks.py) share: a --date to act as another day, for a missed run or a test."""

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act as (YYYY-MM-DD), default today")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date {date!r}: expected YYYY-MM-DD") from exc
        self.run(today)

    def run(self, today):
        raise NotImplementedError
