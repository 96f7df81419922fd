"""The audit trail: every action on an application, by whom, when, from and to which state, why.

Rows are written by workflows.actions in the transaction of the action itself and are never
changed or deleted afterwards.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Every action of the state machine (docs/domain.md); the value is the transition's name.
    `DEEMED_ACCEPTANCE` alone is no transition: the audit record the daily sweep writes when the
    受理 limit ran out without a 补正告知 (AUDIT_ONLY)."""

    SUBMIT = "submit", _("提交申请")
    WITHDRAW = "withdraw", _("撤回申请")
    REQUEST_CORRECTION = "request_correction", _("补正告知")
    RESUBMIT = "resubmit", _("补正后重新提交")
    DEEMED_ACCEPTANCE = "deemed_acceptance", _("视为受理")
    ACCEPT = "accept", _("受理")
    REFUSE_ACCEPTANCE = "refuse_acceptance", _("不予受理")
    PROPOSE_REVIEW_DATES = "propose_review_dates", _("提议鉴定评审时间")
    AGREE_REVIEW_DATE = "agree_review_date", _("确认鉴定评审时间")
    REQUEST_RECTIFICATION = "request_rectification", _("需要整改")
    SUBMIT_RECTIFICATION_REPORT = "submit_rectification_report", _("提交整改报告")
    CONFIRM_RECTIFICATION = "confirm_rectification", _("整改确认")
    SUBMIT_REVIEW_REPORT = "submit_review_report", _("提交评审报告")
    SUBMIT_FEEDBACK = "submit_feedback", _("提交评审反馈表")
    APPROVE = "approve", _("准予许可")
    DENY = "deny", _("不予许可")


# Audit records that are no action of the state machine: nobody takes them, the law does
# (Administrative Licensing Law art. 32: an application not told to correct within the 受理 limit
# is accepted from the day it was received; workflows.deadline_sweep records it, without an actor).
AUDIT_ONLY = frozenset({Action.DEEMED_ACCEPTANCE})


class ApplicationEvent(models.Model):
    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="events", verbose_name=_("许可申请")
    )
    transition = models.CharField(_("操作"), max_length=50, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=30)
    to_state = models.CharField(_("新状态"), max_length=30)
    # None only for an AUDIT_ONLY record the system wrote (视为受理).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    # The organisation the actor acted for, as it was then (a person may change jobs later).
    actor_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作单位"),
    )
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        # 统计分析 (workflows/statistics.py) reads a period's events by action across all
        # applications; without it that is a scan of the whole audit trail.
        indexes = [models.Index(fields=["transition", "created_at"], name="event_transition_time")]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("办理记录不能修改。"), code="immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("办理记录不能删除。"), code="immutable")

    @property
    def from_state_label(self):
        from .applications import ApplicationState

        return ApplicationState(self.from_state).label if self.from_state else ""

    @property
    def to_state_label(self):
        from .applications import ApplicationState

        return ApplicationState(self.to_state).label if self.to_state else ""
