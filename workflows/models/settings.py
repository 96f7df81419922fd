"""Site-wide workflow settings editable in the admin (设置 → 办理设置)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="cog")
class WorkflowSettings(BaseGenericSetting):
    feedback_form = models.ForeignKey(
        "forms_config.ApplicationFormSchema",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评审反馈表表单"),
        help_text=_("申请单位在评审报告提交后填写的评审反馈表，用“申请书表单”编辑。"),
    )

    panels = [FieldPanel("feedback_form")]

    class Meta:
        verbose_name = _("办理设置")
        verbose_name_plural = _("办理设置")
