"""Delete what the portal no longer needs: stale stashed uploads, old SMS codes, abandoned drafts,
private files a crashed process left without a row (accounts.orphans) and old outbox rows.

Run daily by Celery beat (CELERY_BEAT_SCHEDULE, workflows.tasks.purge_expired). Personal data is
kept no longer than its purpose needs (PIPL art. 19): an SMS code only matters for its 5 minutes
and for today's send count; a draft nobody has saved for
settings.DATA_RETENTION["DRAFT_RETENTION_DAYS"] days is deleted with its uploaded files (through
workflows.services.delete_draft, the same path as the applicant's 删除). The outbox's sent and
failed rows (an address or mobile each) go after settings.OUTBOX_RETENTION_DAYS; pending ones stay
until they are sent or fail.

Audit records are never touched here: transitions (ApplicationEvent) belong to submitted
applications, which are not drafts, and download records (AccessLog) outlive their application.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import DeliveryStatus, OutboundMessage, SmsCode
from accounts.orphans import purge_orphan_files
from accounts.uploads import purge_stale_stashes
from workflows.models import Application, ApplicationState
from workflows.services import delete_draft

DEFAULT_RETENTION = {"DRAFT_RETENTION_DAYS": 365, "SMS_CODE_RETENTION_DAYS": 2}


def retention_days(name):
    return {**DEFAULT_RETENTION, **getattr(settings, "DATA_RETENTION", {})}[name]


def purge_sms_codes(now):
    cutoff = now - timedelta(days=retention_days("SMS_CODE_RETENTION_DAYS"))
    deleted, _ = SmsCode.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def purge_outbox(now):
    cutoff = now - timedelta(days=getattr(settings, "OUTBOX_RETENTION_DAYS", 180))
    finished = [DeliveryStatus.SENT, DeliveryStatus.FAILED]
    deleted, _ = OutboundMessage.objects.filter(status__in=finished, created_at__lt=cutoff).delete()
    return deleted


def purge_stale_drafts(now):
    """Delete every draft not saved since the cutoff, one by one, each in its own transaction
    (a failing one leaves the others deleted and is retried tomorrow)."""
    cutoff = now - timedelta(days=retention_days("DRAFT_RETENTION_DAYS"))
    stale = Application.objects.filter(state=ApplicationState.DRAFT, updated_at__lt=cutoff).values_list("pk", flat=True)
    deleted = 0
    for pk in list(stale):
        with transaction.atomic():
            # Locked and checked again: the applicant may have saved it since the list was read.
            draft = (
                Application.objects.select_for_update()
                .filter(pk=pk, state=ApplicationState.DRAFT, updated_at__lt=cutoff)
                .first()
            )
            if draft is None:
                continue
            delete_draft(draft)
            deleted += 1
    return deleted


class Command(BaseCommand):
    help = "删除过期的暂存上传文件、短信验证码记录、长期未保存的草稿和无记录引用的孤立文件（审计记录不删除）"

    def handle(self, *args, **options):
        now = timezone.now()
        files = purge_stale_stashes()
        codes = purge_sms_codes(now)
        drafts = purge_stale_drafts(now)
        # After the drafts: their files are deleted with them, so nothing is counted twice.
        orphans = purge_orphan_files()
        messages = purge_outbox(now)
        self.stdout.write(
            f"stashed uploads removed: {files}; SMS codes removed: {codes}; stale drafts removed: {drafts}; "
            f"orphaned files removed: {orphans}; outbox messages removed: {messages}"
        )
