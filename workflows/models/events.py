"""The audit trail: every change of an application's state, by whom, when and why."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationEvent(models.Model):
    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="events", verbose_name=_("许可申请")
    )
    transition = models.CharField(_("操作"), max_length=50)
    from_state = models.CharField(_("原状态"), max_length=30)
    to_state = models.CharField(_("新状态"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("操作人")
    )
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"
