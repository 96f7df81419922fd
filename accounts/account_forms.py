"""账号信息 forms: the details an applicant may change itself, a new mobile, a new password.

Rules are checked here for a message at the field; accounts/account_settings.py checks again under
the row lock and saves.
"""

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import account_settings, duplicates
from .forms import PortalForm, RegionFieldsMixin
from .models import Region
from .validators import normalize_code, validate_id_number, validate_mobile

PASSWORD_HELP = _("8-20个字符，必须由大写字母、小写字母、数字和特殊字符组成")


class AccountDetailsForm(RegionFieldsMixin):
    """联系人, 联系人身份证号码, 所在地 (within the province), 详细地址, 电子邮箱."""

    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_id_number = forms.CharField(label=_("联系人身份证号码"), max_length=18, required=False)
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        max_length=254,
        help_text=_("选填，用于接收办理进度通知。"),
        error_messages={"invalid": _("请输入有效的电子邮箱地址，例如 name@example.com。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The account as this page showed it: a save after another change is refused, not merged silently.
    loaded = forms.CharField(widget=forms.HiddenInput)

    field_order = ["contact_name", "contact_id_number", "province", "city", "county", "address", "email"]

    def __init__(self, organisation, user, *args, **kwargs):
        self.organisation = organisation
        kwargs.setdefault("initial", self._initial(organisation, user))
        super().__init__(*args, **kwargs)
        if organisation.kind == "individual":
            # An individual's contact is the person: 姓名 and 身份证号码 are the account's identity.
            del self.fields["contact_name"]
            del self.fields["contact_id_number"]
        if organisation.region_id is None:
            # Nothing to keep yet (an individual registers without one): 所在地 may be left empty.
            self.fields["province"].required = False
            self.fields["city"].required = False
        self._narrow_choices()

    @staticmethod
    def _initial(organisation, user):
        initial = {
            "contact_name": organisation.contact_name,
            "contact_id_number": organisation.contact_id_number,
            "address": organisation.address,
            "email": user.email,
            "loaded": account_settings.fingerprint(organisation, user),
        }
        if organisation.region is not None:
            chain = organisation.region.lineage()
            for name, region in zip(("province", "city", "county"), chain, strict=False):
                initial[name] = region.code
        return initial

    def _value(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        return self.initial.get(name)

    def _narrow_choices(self):
        provinces = Region.objects.filter(level=1)
        own = account_settings.province_code(self.organisation.region)
        if own is not None:
            # Only the own province is offered: the province decides the approving authority.
            provinces = provinces.filter(code=own)
        self.fields["province"].widget.choices = self._choices(provinces, _("选择省"))
        self.fields["city"].widget.choices = self._choices(
            Region.objects.filter(level=2, parent_id=self._value("province")), _("选择市")
        )
        self.fields["county"].widget.choices = self._choices(
            Region.objects.filter(level=3, parent_id=self._value("city")), _("选择区")
        )
        for level, name in enumerate(("province", "city", "county"), start=1):
            self.fields[name].widget.attrs.update({"data-region-level": level})

    @staticmethod
    def _choices(queryset, empty_label):
        return [("", empty_label)] + [(r.code, r.name) for r in queryset.only("code", "name")]

    def clean_contact_id_number(self):
        value = normalize_code(self.cleaned_data.get("contact_id_number", "")).upper()
        if value:
            validate_id_number(value)
        return value

    def clean_contact_name(self):
        return " ".join(self.cleaned_data["contact_name"].split())

    def clean_address(self):
        return " ".join(self.cleaned_data.get("address", "").split())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("province") and not cleaned.get("city") and "city" not in self.errors:
            self.add_error("city", _("请选择市。"))
        if "region" not in cleaned:  # RegionFieldsMixin.clean may have derived it already
            cleaned["region"] = self.clean_region(cleaned)
        region = cleaned["region"]
        if region is not None:
            try:
                account_settings.check_region(self.organisation, region)
            except account_settings.AccountRefusal as refusal:
                self.add_error(refusal.field, refusal)
        return cleaned

    def changes(self):
        """The values the service takes: only the fields this organisation may change here."""
        allowed = (*account_settings.organisation_fields(self.organisation), *account_settings.USER_FIELDS)
        return {name: self.cleaned_data[name] for name in allowed if name in self.cleaned_data}


class MobileChangeForm(PortalForm):
    """新手机号 + the code sent to it."""

    mobile = forms.CharField(
        label=_("新手机号"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
    )
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        help_text=_("验证码发送到新手机号。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        validate_mobile(mobile)
        if mobile == self.user.mobile:
            raise forms.ValidationError(_("新手机号与当前手机号相同。"), code="same")
        if duplicates.mobile_taken(mobile):
            raise forms.ValidationError(duplicates.MESSAGES["mobile"], code=duplicates.CODE)
        return mobile


class AccountPasswordForm(PasswordChangeForm):
    """Django's 修改密码 with the portal's words; the password validators apply to the new one."""

    error_messages = {
        "password_mismatch": _("两次输入的密码不一致。"),
        "password_incorrect": _("原密码不正确，请重新输入。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"old_password": _("原密码"), "new_password1": _("新密码"), "new_password2": _("确认新密码")}
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = format_lazy(_("请填写{label}。"), label=label)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = PASSWORD_HELP
        self.fields["new_password2"].help_text = ""
