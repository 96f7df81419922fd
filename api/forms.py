from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiScope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=60,
        initial=_("本单位业务系统"),
        help_text=_("便于识别用途，例如“ERP 系统”。"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        choices=ApiScope.choices,
        initial=ApiScope.values,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项权限范围。")},
    )

    def __init__(self, *args, replacing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            # One active token per organisation: a new one revokes the current one, so say so.
            self.fields["confirm_replace"] = forms.BooleanField(
                label=_("我已知晓：生成新令牌后，当前令牌立即失效，使用它的系统须改用新令牌。"),
                error_messages={"required": _("请确认当前令牌将失效。")},
            )


class RevokeForm(forms.Form):
    """Only the CSRF token: the confirmation page itself is the confirmation."""
