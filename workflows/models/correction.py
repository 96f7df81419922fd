"""补正告知书 (CorrectionNotice): the one-time list of everything the applicant must correct.

Each CorrectionItem flags a page (all its fields become editable) or a field (a file field is an
attachment) by its stable key, with the officer's comment. The values of the flagged fields are
kept as they were when the notice was issued, so the applicant and the officer can see what changed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CorrectionTarget(models.TextChoices):
    PAGE = "page", _("整页")
    FIELD = "field", _("字段")
    ATTACHMENT = "attachment", _("附件")


class CorrectionNotice(models.Model):
    # One-to-one: a second notice for the same application cannot exist, whatever the code does.
    application = models.OneToOneField(
        "workflows.Application", on_delete=models.CASCADE, related_name="correction_notice", verbose_name=_("许可申请")
    )
    comment = models.TextField(_("补正说明"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    issued_at = models.DateTimeField(_("告知时间"), auto_now_add=True)
    values_before = models.JSONField(_("补正前内容"), default=dict)
    resubmitted_at = models.DateTimeField(_("补正提交时间"), null=True, blank=True)
    changes = models.JSONField(_("补正改动"), default=list, blank=True)

    class Meta:
        verbose_name = _("补正告知书")
        verbose_name_plural = _("补正告知书")

    def __str__(self):
        return str(_("补正告知书（%(ref)s）") % {"ref": self.application.reference})


class CorrectionItem(models.Model):
    notice = models.ForeignKey(CorrectionNotice, on_delete=models.CASCADE, related_name="items")
    target = models.CharField(_("补正对象"), max_length=20, choices=CorrectionTarget.choices)
    key = models.CharField(_("键"), max_length=50)
    label = models.CharField(_("名称"), max_length=200)
    page_number = models.PositiveSmallIntegerField(_("所在页"), default=1)
    comment = models.TextField(_("补正意见"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("补正事项")
        verbose_name_plural = _("补正事项")

    def __str__(self):
        return self.label
