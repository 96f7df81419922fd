"""许可证 (License): what 准予许可 issues; valid four years (TSG 07-2019 §1.5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class License(models.Model):
    number = models.CharField(_("许可证编号"), max_length=40, unique=True)
    application = models.OneToOneField(
        "workflows.Application", on_delete=models.PROTECT, related_name="license", verbose_name=_("许可申请")
    )
    holder = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="licenses", verbose_name=_("持证单位")
    )
    authority = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="issued_licenses", verbose_name=_("发证机关")
    )
    # Copied from the application's items: a licence says forever what it was issued for.
    items = models.JSONField(_("许可项目"), default=list)
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), db_index=True)

    class Meta:
        ordering = ["-issued_on", "pk"]
        verbose_name = _("许可证")
        verbose_name_plural = _("许可证")

    def __str__(self):
        return self.number
