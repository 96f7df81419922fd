"""The outbox (发送记录): every e-mail and SMS the portal sends, one row each.

A row is written in the same transaction as the action it tells about, so a rolled-back action
leaves none, and a committed one is never forgotten: accounts/tasks.py delivers it in the
background, retries it with growing delays and records the provider's error, and staff see each
row's status in the admin (accounts/outbox_admin.py, and per application on its detail page).

The row points at what it is about (an application, a licence) through a generic relation, so
workflows can list an application's rows without accounts knowing about workflows.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_mobile


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


def mask_email(value):
    """zhang.san@example.com -> z*******@example.com: the domain and the first letter stay."""
    local, at, domain = (value or "").partition("@")
    if not at:
        return mask_mobile(value)
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"


class OutboundMessageQuerySet(models.QuerySet):
    def about(self, *objects):
        """The rows linked to any of `objects` (an application, its licence); None is skipped."""
        condition = models.Q(pk__in=[])
        for obj in objects:
            if obj is not None:
                condition |= models.Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        return self.filter(condition)

    def due(self, now=None):
        """Pending rows whose next try is due: the sweeper's work (accounts.tasks.deliver_due)."""
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now or timezone.now())


class OutboundMessage(models.Model):
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    # An e-mail address or a mobile number: personal data, masked in every list (mask_email, mask_mobile).
    recipient = models.CharField(_("收件人"), max_length=254)
    subject = models.CharField(_("主题"), max_length=255, blank=True)
    body = models.TextField(_("内容"))
    # SMS only: the provider's template and its parameters (accounts.sms.backends: "notice" or
    # "verification_code"); a verification code is stored masked, never in clear.
    template = models.CharField(_("短信模板"), max_length=50, blank=True)
    params = models.JSONField(_("模板参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), default=timezone.now, null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        permissions = [("retry_outboundmessage", _("重新发送失败的通知"))]

    def __str__(self):
        return f"{self.get_channel_display()} {self.masked_recipient}"

    @property
    def masked_recipient(self):
        return mask_email(self.recipient) if self.channel == Channel.EMAIL else mask_mobile(self.recipient)
