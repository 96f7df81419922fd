"""Try the outbox's pending e-mails and SMS that are due, now (what the periodic deliver_due task
does every 5 minutes under Celery beat).

    manage.py deliver_outbox

For development, where tasks run eagerly and no beat runs (settings/dev.py), and for an operator
who wants the queue tried at once after an outage. With a broker the rows are queued for the
workers; in eager mode they are sent from this process.
"""

from django.core.management.base import BaseCommand

from accounts.outbox import sweep_due


class Command(BaseCommand):
    help = "Queue (or, without a broker, send) the pending outbox messages that are due."

    def handle(self, *args, **options):
        self.stdout.write(f"outbox messages due: {sweep_due()}")
