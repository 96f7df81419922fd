"""SMS verification codes (短信验证码). Only a hash of the code is stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsPurpose(models.TextChoices):
    REGISTER = "register", _("注册")
    RESET_PASSWORD = "reset_password", _("找回密码")
    CHANGE_MOBILE = "change_mobile", _("更换手机号")


class SmsCode(models.Model):
    mobile = models.CharField(_("手机号"), max_length=11)
    purpose = models.CharField(_("用途"), max_length=20, choices=SmsPurpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["mobile", "purpose", "created_at"])]

    def __str__(self):
        # Masked: the admin and logs must not show whole phone numbers.
        return f"{self.mobile[:3]}****{self.mobile[-4:]} {self.get_purpose_display()}"
