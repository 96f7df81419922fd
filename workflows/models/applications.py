"""许可申请 (Application): one applicant's request for one or more licence items.

It starts as a draft bound to a frozen form version (forms_config.FormSchemaVersion) and holds
the raw values the applicant typed, by stable field key, in `data`. Its `state` is a protected
FSMField: only transitions change it (DESIGN.md decision 2). This issue brings the first one,
`submit`; the rest of DOMAIN.md's state machine follows with the workflow issue.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CORRECTION_REQUESTED = "correction_requested", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    REVIEW_SCHEDULED = "review_scheduled", _("已约定评审时间")
    REVIEWED = "reviewed", _("已评审")
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")
    WITHDRAWN = "withdrawn", _("已撤回")


def _may_change(application, user):
    # The guardian permission the applicant organisation's group got when the draft started.
    return user.has_perm("workflows.change_application", application)


def _has_items(application):
    return application.items.exists()


class Application(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("申请编号"), max_length=30, unique=True, null=True, blank=True, editable=False)
    applicant = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申请单位"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="authority_applications",
        verbose_name=_("审批机关"),
    )
    schema_version = models.ForeignKey(
        "forms_config.FormSchemaVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申请书表单版本"),
    )
    data = models.JSONField(_("填写内容"), default=dict, blank=True)
    current_page = models.PositiveSmallIntegerField(_("当前页"), default=1)
    state = FSMField(
        _("状态"), default=ApplicationState.DRAFT, choices=ApplicationState.choices, protected=True, db_index=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("许可申请")
        verbose_name_plural = _("许可申请")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["applicant", "state"])]

    def __str__(self):
        return self.reference or str(_("草稿 %(date)s") % {"date": self.created_at.strftime("%Y-%m-%d")})

    def get_absolute_url(self):
        if self.state == ApplicationState.DRAFT:
            return reverse("applications:page", args=[self.uuid, self.current_page])
        return reverse("applications:detail", args=[self.uuid])

    @property
    def is_draft(self):
        return self.state == ApplicationState.DRAFT

    @transition(
        field=state,
        source=ApplicationState.DRAFT,
        target=ApplicationState.SUBMITTED,
        permission=_may_change,
        conditions=[_has_items],
    )
    def submit(self, by=None):
        """提交: the caller (workflows.services.submit_application) has checked every page."""


class ApplicationItem(models.Model):
    """A licence item and level applied for. Names are copied so that an editor renaming or
    removing a level later does not change what was applied for."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    license_item = models.ForeignKey(
        "cms.LicenseItemPage", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("许可项目")
    )
    level = models.ForeignKey(
        "cms.LicenseLevel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("级别")
    )
    category = models.CharField(_("设备类别"), max_length=50)
    item_name = models.CharField(_("许可项目"), max_length=200)
    level_code = models.CharField(_("级别/参数"), max_length=50, blank=True)
    level_description = models.CharField(_("说明"), max_length=255, blank=True)
    approval_level = models.CharField(_("审批层级"), max_length=20)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("申请许可项目")
        verbose_name_plural = _("申请许可项目")

    def __str__(self):
        return f"{self.item_name} {self.level_code}".strip()
