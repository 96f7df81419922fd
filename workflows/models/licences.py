"""许可证 (License): what 准予许可 issues; valid four years (TSG 07-2019 §1.5).

A licence is a record of what was issued, copied at issue time: the holder's name, code and
address and the items as they were then, so the register and the public verification (许可证查询)
say what the certificate says whatever changes later. A renewal (换证), added items (增项) or a
change of name or address (变更) issues a new licence and marks the previous one superseded.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LicenseStatus(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("已过期")
    SUPERSEDED = "superseded", _("已换发")


class License(models.Model):
    number = models.CharField(_("许可证编号"), max_length=40, unique=True)
    application = models.OneToOneField(
        "workflows.Application", on_delete=models.PROTECT, related_name="license", verbose_name=_("许可申请")
    )
    holder = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="licenses", verbose_name=_("持证单位")
    )
    holder_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    holder_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    holder_address = models.CharField(_("住所"), max_length=255, blank=True)
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="issued_licenses", verbose_name=_("发证机关")
    )
    # Copied from the application's items: a licence says forever what it was issued for.
    items = models.JSONField(_("许可项目"), default=list)
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), db_index=True)
    # HMAC of the printed content (workflows.verification): printed on the PDF and shown by the
    # public verification page, so a PDF whose text was altered no longer matches its code.
    verification_code = models.CharField(_("校验码"), max_length=19, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("换发为"),
    )

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")

    def __str__(self):
        return self.number

    def status(self, today=None):
        if self.superseded_by_id:
            return LicenseStatus.SUPERSEDED
        if self.valid_until < (today or timezone.localdate()):
            return LicenseStatus.EXPIRED
        return LicenseStatus.VALID

    def get_status_display(self):
        return self.status().label

    @property
    def is_valid(self):
        return self.status() == LicenseStatus.VALID


class LicenseReminder(models.Model):
    """One row per reminder sent, so the daily command never sends the same one twice."""

    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="reminders")
    months_before = models.PositiveSmallIntegerField(_("提前月数"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("换证提醒")
        verbose_name_plural = _("换证提醒")
        constraints = [
            models.UniqueConstraint(fields=["license", "months_before"], name="one_reminder_per_license_and_month"),
        ]

    def __str__(self):
        return f"{self.license} −{self.months_before}"
