"""Daily jobs of workflows (Celery beat, CELERY_BEAT_SCHEDULE in settings/base.py). Each wraps its
management command, so a job run by hand and one run by beat are the same code."""

from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def send_license_reminders():
    # 换证提醒 at 12/9/6 months (workflows/reminders.py); safe to run twice a day.
    call_command("send_license_reminders")


@shared_task(ignore_result=True)
def sweep_deadlines():
    # Applications past their statutory deadline (workflows/deadline_sweep.py).
    call_command("sweep_deadlines")


@shared_task(ignore_result=True)
def purge_expired():
    # Retention: stale stashes, SMS codes, drafts, orphaned files, old outbox rows
    # (workflows/management/commands/purge_expired.py).
    call_command("purge_expired")
