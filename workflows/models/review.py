"""鉴定评审: agreeing the review date, the review report and the applicant's feedback."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage, private_upload_path


class ProposalSide(models.TextChoices):
    REVIEW_BODY = "review_body", _("鉴定评审机构")
    APPLICANT = "applicant", _("申请单位")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("待确认")
    AGREED = "agreed", _("已确认")
    SUPERSEDED = "superseded", _("已另行提议")
    RESCHEDULED = "rescheduled", _("已变更")  # an agreed date later changed by agreement


class ReviewAppointment(models.Model):
    """One proposal of review dates (协商鉴定评审时间); the other party confirms one date or
    answers with a proposal of its own, which supersedes this one. After a date is agreed, either
    party may propose to change it before it arrives (`replaces_date`, the reason in `comment`)."""

    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="review_proposals", verbose_name=_("许可申请")
    )
    side = models.CharField(_("提议方"), max_length=20, choices=ProposalSide.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提议人")
    )
    dates = models.JSONField(_("提议日期"), default=list)  # ISO dates, earliest first
    comment = models.TextField(_("说明"), blank=True)
    replaces_date = models.DateField(_("原定评审日期"), null=True, blank=True)  # set on a proposal to change
    status = models.CharField(_("状态"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    agreed_date = models.DateField(_("确认日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("提议时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("鉴定评审时间协商")
        verbose_name_plural = _("鉴定评审时间协商")

    def __str__(self):
        return ", ".join(self.dates)


class ReviewConclusion(models.TextChoices):
    QUALIFIED = "qualified", _("符合条件")
    QUALIFIED_AFTER_RECTIFICATION = "qualified_after_rectification", _("整改后符合条件")
    NOT_QUALIFIED = "not_qualified", _("不符合条件")


class ReviewReport(models.Model):
    """评审报告 (TSG 07-2019 §3.4.3), submitted by the review body with its materials."""

    application = models.OneToOneField(
        "workflows.Application", on_delete=models.CASCADE, related_name="review_report", verbose_name=_("许可申请")
    )
    review_body = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("鉴定评审机构")
    )
    reviewed_from = models.DateField(_("评审开始日期"))
    reviewed_to = models.DateField(_("评审结束日期"))
    conclusion = models.CharField(_("评审结论"), max_length=40, choices=ReviewConclusion.choices)
    summary = models.TextField(_("评审意见"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审报告")
        verbose_name_plural = _("评审报告")

    def __str__(self):
        return str(_("评审报告（%(ref)s）") % {"ref": self.application.reference})


class ReviewFileKind(models.TextChoices):
    REPORT = "report", _("评审报告")
    MATERIAL = "material", _("评审材料")


class ReviewFile(models.Model):
    """The report file and the other materials (备忘录, 整改材料, ...) the review body uploads."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(ReviewReport, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("类别"), max_length=20, choices=ReviewFileKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_path, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("评审文件")
        verbose_name_plural = _("评审文件")

    def __str__(self):
        return self.original_name


class ReviewFeedback(models.Model):
    """评审反馈表: the applicant's answers to the configurable feedback form, after the report."""

    application = models.OneToOneField(
        "workflows.Application", on_delete=models.CASCADE, related_name="review_feedback", verbose_name=_("许可申请")
    )
    schema_version = models.ForeignKey(
        "forms_config.FormSchemaVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("反馈表版本")
    )
    data = models.JSONField(_("填写内容"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填写人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审反馈表")
        verbose_name_plural = _("评审反馈表")

    def __str__(self):
        return str(_("评审反馈表（%(ref)s）") % {"ref": self.application.reference})
