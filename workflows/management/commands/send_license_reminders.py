"""换证提醒, daily: remind holders 12, 9 and 6 months before their licence expires.

    manage.py send_license_reminders              # today
    manage.py send_license_reminders --date 2027-05-01

Safe to run more than once a day (workflows.reminders keeps one LicenseReminder per licence and
month); a late run sends only the most recent reminder due.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from workflows.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Send the licence renewal reminders (换证提醒) due today."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act as (YYYY-MM-DD), default today")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date {date!r}: expected YYYY-MM-DD") from exc
        sent = send_due_reminders(today)
        self.stdout.write(f"renewal reminders sent: {sent}")
