"""Background jobs of accounts (Celery; portal/celery.py): the outbox's deliveries. The work itself
lives in accounts/outbox.py; the daily housekeeping, which also deletes stale drafts, is
workflows.tasks.purge_expired."""

from datetime import timedelta

from celery import current_app, shared_task

from . import outbox

# A row due for less than this still has its own task on the way (accounts.outbox.sweep_due).
SWEEP_GRACE = timedelta(minutes=1)


@shared_task(ignore_result=True)
def deliver_message(pk):
    """Send one outbox row (never twice: accounts.outbox.deliver locks it and sends only a pending,
    due row). On a provider's error the next try is queued for when it is due, except in eager
    mode (dev, tests): there it would run at once, inside the user's request, so deliver_due and
    `manage.py deliver_outbox` retry instead."""
    outcome = outbox.deliver(pk)
    if outcome.retry_in is not None and not current_app.conf.task_always_eager:
        outbox.dispatch(pk, countdown=outcome.retry_in)
    return outcome.status


@shared_task(ignore_result=True)
def deliver_due():
    """Every few minutes (CELERY_BEAT_SCHEDULE): queue the pending rows whose try is overdue."""
    return outbox.sweep_due(overdue_by=SWEEP_GRACE)
