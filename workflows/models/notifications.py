"""In-app notifications (站内消息): one row per recipient, with an unread flag."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    application = models.ForeignKey(
        "workflows.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("许可申请"),
    )
    message = models.CharField(_("内容"), max_length=500)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message
