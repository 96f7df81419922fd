"""期限届满, daily: record every statutory clock that ran out and tell the staff who owed the step.

    manage.py sweep_deadlines              # today
    manage.py sweep_deadlines --date 2027-05-01

Safe to run more than once a day, or on two machines at once (workflows.deadline_sweep keeps one
DeadlineLapse per application, clock and due date).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from workflows.deadline_sweep import sweep
from workflows.management.daily import DailyCommand


class Command(DailyCommand):
    help = "Record the statutory time limits that ran out (期限届满) and tell the staff concerned."

    def run(self, today):
        recorded = sweep(today)
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(gettext("新记录期限届满 %(count)d 件。") % {"count": recorded})
