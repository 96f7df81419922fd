"""换证提醒, daily: remind holders 12, 9 and 6 months before their licence expires.

    manage.py send_license_reminders              # today
    manage.py send_license_reminders --date 2027-05-01

Safe to run more than once a day (workflows.reminders keeps one LicenseReminder per licence and
month); a late run sends only the most recent reminder due.
"""

from workflows.management.daily import DailyCommand
from workflows.reminders import send_due_reminders


class Command(DailyCommand):
    help = "Send the licence renewal reminders (换证提醒) due today."

    def run(self, today):
        sent = send_due_reminders(today)
        self.stdout.write(f"renewal reminders sent: {sent}")
