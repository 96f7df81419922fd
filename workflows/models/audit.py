"""Who opened which file of an application (GB/T 22239-2019 8.1.4.3 安全审计; PIPL art. 51).

Transitions are recorded by ApplicationEvent; this records the other thing an auditor asks about:
every time someone other than the applicant downloads an attachment, a review file, an issued
document or the printed 申请书. Rows are written by the download views (workflows.audit) and are
never changed or deleted: save() refuses an update, delete() refuses, no admin screen edits them,
and the housekeeping command leaves them alone (kept at least 6 months, docs/operations.md).

The application link is SET_NULL and the reference and file name are copied into the row, so a
record outlives a purged draft and still says what was opened.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessKind(models.TextChoices):
    ATTACHMENT = "attachment", _("申请材料")
    REVIEW_FILE = "review_file", _("评审文件")
    DOCUMENT = "document", _("文书")
    PRINTED_APPLICATION = "printed_application", _("许可申请书打印件")


class AccessLogManager(models.Manager):
    def record(self, request, application, kind, *, object_uuid=None, object_name="", masked=False):
        """One download by `request.user`, with the client address as django-axes sees it (the same
        address lockouts are keyed on, so both trails agree behind a proxy)."""
        from axes.helpers import get_client_ip_address

        user = request.user
        return self.create(
            application=application,
            application_reference=application.reference or "",
            kind=kind,
            object_uuid=object_uuid,
            object_name=(object_name or "")[:255],
            user=user,
            organisation_id=user.organisation_id,
            ip_address=get_client_ip_address(request) or None,
            masked=masked,
        )


class AccessLog(models.Model):
    application = models.ForeignKey(
        "workflows.Application",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_logs",
        verbose_name=_("许可申请"),
    )
    # Copied when written: the record must still say what was opened after the row behind it is gone.
    application_reference = models.CharField(_("申请编号"), max_length=40, blank=True)
    kind = models.CharField(_("类别"), max_length=30, choices=AccessKind.choices)
    object_uuid = models.UUIDField(_("文件标识"), null=True, blank=True)
    object_name = models.CharField(_("文件名"), max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("下载人")
    )
    # The organisation the user acted for, as it was then (a person may change jobs later).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("下载单位"),
    )
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    masked = models.BooleanField(_("已去标识化"), default=False)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = AccessLogManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("下载记录")
        verbose_name_plural = _("下载记录")
        # No add/change/delete permission exists to tick in a group editor; only reading the trail.
        default_permissions = ()
        permissions = [("view_audit", _("查看审计记录"))]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.application_reference} {self.object_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("下载记录不能修改。"), code="immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("下载记录不能删除。"), code="immutable")


# ----- rows for an auditor: the same columns in the admin report's CSV/XLSX and in export_audit -----


def _local(value):
    from django.utils import timezone

    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def _user_text(user):
    if user is None:
        return ""
    name = getattr(user, "real_name", "") or user.get_full_name()
    return f"{user.get_username()} ({name})" if name else user.get_username()


TRANSITION_HEADINGS = {
    "time": _("时间"),
    "reference": _("申请编号"),
    "action": _("操作"),
    "from_state": _("原状态"),
    "to_state": _("新状态"),
    "user": _("操作人"),
    "organisation": _("操作单位"),
    "comment": _("意见"),
}

DOWNLOAD_HEADINGS = {
    "time": _("时间"),
    "reference": _("申请编号"),
    "kind": _("类别"),
    "object": _("文件名"),
    "object_uuid": _("文件标识"),
    "user": _("下载人"),
    "organisation": _("下载单位"),
    "ip_address": _("IP地址"),
    "masked": _("已去标识化"),
}


def transition_row(event):
    """An ApplicationEvent (select_related application, actor, actor_organisation) as text."""
    return {
        "time": _local(event.created_at),
        "reference": event.application.reference or "",
        "action": str(event.get_transition_display()),
        "from_state": str(event.from_state_label),
        "to_state": str(event.to_state_label),
        "user": _user_text(event.actor),
        "organisation": event.actor_organisation.name if event.actor_organisation_id else "",
        "comment": event.comment,
    }


def download_row(log):
    """An AccessLog (select_related user, organisation) as text."""
    return {
        "time": _local(log.created_at),
        "reference": log.application_reference,
        "kind": str(log.get_kind_display()),
        "object": log.object_name,
        "object_uuid": str(log.object_uuid) if log.object_uuid else "",
        "user": _user_text(log.user),
        "organisation": log.organisation.name if log.organisation_id else "",
        "ip_address": log.ip_address or "",
        "masked": str(_("是")) if log.masked else str(_("否")),
    }
