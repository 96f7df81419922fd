"""期限届满, daily: record every statutory clock that ran out and tell the staff who owed the step.

    manage.py sweep_deadlines              # today
    manage.py sweep_deadlines --date 2027-05-01

Safe to run more than once a day, or on two machines at once (workflows.deadline_sweep keeps one
DeadlineLapse per application, clock and due date).
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext

from workflows.deadline_sweep import sweep


class Command(BaseCommand):
    help = "Record the statutory time limits that ran out (期限届满) and tell the staff concerned."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act as (YYYY-MM-DD), default today")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date {date!r}: expected YYYY-MM-DD") from exc
        recorded = sweep(today)
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(gettext("新记录期限届满 %(count)d 件。") % {"count": recorded})
