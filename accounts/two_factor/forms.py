import math

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """A 6-digit code checked against one TOTP device, with django-otp's throttling: after each wrong
    code the device refuses any code for 1, 2, 4, 8, ... seconds (OTP_TOTP_THROTTLE_FACTOR)."""

    token = forms.CharField(
        label=_("动态验证码"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
        error_messages={"required": _("请输入身份验证器显示的6位动态验证码。")},
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if len(token) != 6 or not token.isdigit():
            raise forms.ValidationError(_("动态验证码为6位数字。"))
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(self.throttled_message(details))
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("动态验证码不正确或已过期，请重新输入。"))
        return token

    @staticmethod
    def throttled_message(details):
        locked_until = (details or {}).get("locked_until")
        seconds = math.ceil((locked_until - timezone.now()).total_seconds()) if locked_until else 1
        return _("动态验证码错误次数过多，请 %(seconds)s 秒后再试。") % {"seconds": max(seconds, 1)}
