"""整改 during the 鉴定评审 (TSG 07-2019 §3.4.2: rectification is allowed within 6 months).

The review body records what must be rectified and by when (`request_rectification`), the applicant
uploads its 整改报告 (`submit_rectification_report`), the review body confirms it
(`confirm_rectification`); only then may it submit the review report. One request is open at a
time (not yet confirmed); a later one is a new row. Whether a request is overdue (its deadline has
passed with no report) is computed when read, never stored.
"""

import calendar
import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage, private_upload_path

# §3.4.2: the rectification period is at most 6 months.
MAX_MONTHS = 6
REPORT_KINDS = ("pdf", "jpg", "png")


def add_months(day, months):
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_deadline(today=None):
    return add_months(today or timezone.localdate(), MAX_MONTHS)


def deadline_problem(deadline, today=None):
    """The message for a 整改期限 outside today … today + 6 months, or None."""
    today = today or timezone.localdate()
    if deadline < today:
        return _("整改期限不能早于今天。")
    if deadline > latest_deadline(today):
        return _("整改期限自今天起最长 6 个月，最晚为 %(latest)s。") % {"latest": f"{latest_deadline(today):%Y-%m-%d}"}
    return None


def rectifications_of(application):
    """The application's rectification requests, oldest first: the prefetched rows when the page
    prefetched them, otherwise read once per instance (the transitions' conditions and the page
    ask several times). The actions clear the copy after they change a row."""
    prefetched = getattr(application, "_prefetched_objects_cache", {})
    if "rectifications" in prefetched:
        return list(prefetched["rectifications"])
    cached = application.__dict__.get("_rectifications")
    if cached is None:
        cached = list(RectificationRequest.objects.filter(application=application).order_by("requested_at", "pk"))
        application.__dict__["_rectifications"] = cached
    return cached


def forget_rectifications(application):
    application.__dict__.pop("_rectifications", None)
    getattr(application, "_prefetched_objects_cache", {}).pop("rectifications", None)


def open_rectification(application):
    """The request not yet confirmed, if any."""
    return next((r for r in rectifications_of(application) if r.confirmed_at is None), None)


class RectificationRequest(models.Model):
    """需要整改: what the applicant must rectify, by when; its 整改报告; the review body's 整改确认."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "workflows.Application", on_delete=models.CASCADE, related_name="rectifications", verbose_name=_("许可申请")
    )
    items = models.JSONField(_("整改事项"), default=list)  # the items' texts, in order
    deadline = models.DateField(_("整改期限"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    requested_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    report = models.FileField(
        _("整改报告"), storage=private_storage, upload_to=private_upload_path, max_length=200, blank=True
    )
    report_name = models.CharField(_("文件名"), max_length=200, blank=True)
    report_content_type = models.CharField(_("文件类型"), max_length=100, blank=True)
    report_size = models.PositiveIntegerField(_("大小（字节）"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    reported_at = models.DateTimeField(_("整改报告提交时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("整改确认时间"), null=True, blank=True)
    confirmation_comment = models.TextField(_("确认意见"), blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("整改要求")
        verbose_name_plural = _("整改要求")

    def __str__(self):
        return str(_("整改要求（期限 %(deadline)s）") % {"deadline": f"{self.deadline:%Y-%m-%d}"})

    @property
    def is_open(self):
        return self.confirmed_at is None

    @property
    def is_reported(self):
        return self.reported_at is not None

    def is_overdue(self, today=None):
        """The deadline has passed and no 整改报告 came."""
        return self.is_open and not self.is_reported and (today or timezone.localdate()) > self.deadline

    @property
    def overdue(self):
        return self.is_overdue()

    @property
    def reported_late(self):
        return self.is_reported and timezone.localdate(self.reported_at) > self.deadline

    @property
    def status_label(self):
        if self.confirmed_at is not None:
            return _("已确认")
        if self.is_reported:
            return _("待确认")
        if self.is_overdue():
            return _("逾期未提交整改报告")
        return _("待提交整改报告")


def rectifications_shown(application):
    """The requests to show on a page: none can exist before a review date was agreed (no query then)."""
    if application.review_date is None:
        return []
    return rectifications_of(application)
