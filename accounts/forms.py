"""Registration, login and password-reset forms (seed sections 1.3 and 1.4).

Every rule raises its Chinese message on its own field. Uniqueness is checked here for a clear
message and again by the database's unique constraints in the service.
"""

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import duplicates, uploads
from .models import (
    EnterpriseCategory,
    EnterpriseType,
    InstitutionType,
    OrganisationKind,
    Region,
    SmsPurpose,
)
from .reference_data import has_bureau
from .sms import SmsError, verify_code
from .validators import (
    normalize_code,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
    validate_username,
)

User = get_user_model()


class PortalForm(forms.Form):
    """Says which field is missing in words a clerk understands (Django's own text is 必需字段)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
                field.error_messages["required"] = format_lazy(_("请选择{label}。"), label=field.label)
                field.error_messages["invalid_choice"] = format_lazy(
                    _("所选{label}无效，请重新选择。"), label=field.label
                )
            else:
                field.error_messages["required"] = format_lazy(_("请填写{label}。"), label=field.label)


class AccountFieldsMixin(PortalForm):
    """用户名, 密码, 确认密码, 手机号, 短信验证码: common to every user type."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=20,
        help_text=_("4-20个字符，支持字母、数字组合"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "placeholder": _("4-20个字符，支持字母、数字组合")}),
    )
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        max_length=20,
        help_text=_("8-20个字符，必须由大写字母、小写字母、数字和特殊字符组成"),
        widget=forms.PasswordInput(
            attrs={
                "autocomplete": "new-password",
                "placeholder": _("8-20个字符，必须由(大写字母+小写字母+数字+特殊字符)组成"),
            }
        ),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        max_length=20,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "placeholder": _("请输入密码")}),
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=11,
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "numeric", "placeholder": _("请输入手机号码")}
        ),
    )
    sms_code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "placeholder": _("短信验证码")}
        ),
    )

    # Optional: notices of every step also go by e-mail when an address is given (workflows/notifications.py);
    # the seed guide's registration asks none, so nobody is held up without one.
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        max_length=254,
        help_text=_("选填，用于接收办理进度通知。"),
        error_messages={"invalid": _("请输入有效的电子邮箱地址，例如 name@example.com。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    sms_purpose = SmsPurpose.REGISTER

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        validate_username(username)
        if duplicates.username_taken(username):
            raise forms.ValidationError(duplicates.MESSAGES["username"], code=duplicates.CODE)
        return username

    def clean_mobile(self):
        mobile = self.cleaned_data["mobile"].strip()
        validate_mobile(mobile)
        if duplicates.mobile_taken(mobile):
            raise forms.ValidationError(duplicates.MESSAGES["mobile"], code=duplicates.CODE)
        return mobile

    def clean_password2(self):
        password1 = self.cleaned_data.get("password1")
        password2 = self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise forms.ValidationError(_("两次输入的密码不一致。"), code="password_mismatch")
        return password2

    def _post_clean_password(self):
        password = self.cleaned_data.get("password1")
        if not password:
            return
        probe = User(username=self.cleaned_data.get("username", ""), mobile=self.cleaned_data.get("mobile"))
        try:
            password_validation.validate_password(password, probe)
        except forms.ValidationError as error:
            self.add_error("password1", error)

    def _clean_sms(self):
        mobile = self.cleaned_data.get("mobile")
        code = self.cleaned_data.get("sms_code")
        if not mobile or not code:
            return
        try:
            verify_code(mobile, self.sms_purpose, code, consume=False)
        except SmsError as error:
            self.add_error("sms_code", error.message)

    def clean(self):
        cleaned = super().clean()
        self._post_clean_password()
        self._clean_sms()
        return cleaned


class RegionFieldsMixin(PortalForm):
    """所在地: province → city → county, each list holding only the children of the one above, and
    详细地址. `cleaned_data["region"]` is the county (or the city when it has none).

    Choices are narrowed from the submitted values so the form redisplays correctly without
    JavaScript; static/js/form_widgets.js refills the lists as the user picks. Only a province with
    a provincial bureau is accepted: the region decides the 审批机关 (workflows/authority.py).
    """

    province = forms.ModelChoiceField(label=_("省"), queryset=Region.objects.filter(level=1), empty_label=_("选择省"))
    city = forms.ModelChoiceField(label=_("市"), queryset=Region.objects.filter(level=2), empty_label=_("选择市"))
    county = forms.ModelChoiceField(
        label=_("区/县"), queryset=Region.objects.filter(level=3), empty_label=_("选择区"), required=False
    )
    address = forms.CharField(
        label=_("详细地址"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address", "placeholder": _("请输入详细地址")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._narrow_region_choices()

    def _narrow_region_choices(self):
        province = self.data.get(self.add_prefix("province")) if self.is_bound else None
        city = self.data.get(self.add_prefix("city")) if self.is_bound else None
        # The querysets stay complete for validation; only the displayed options are narrowed.
        self.fields["city"].widget.choices = self._options(2, province, _("选择市"))
        self.fields["county"].widget.choices = self._options(3, city, _("选择区"))
        # static/js/form_widgets.js cascades selects by their level, as in the application form.
        for level, name in enumerate(("province", "city", "county"), start=1):
            self.fields[name].widget.attrs.update({"data-region-level": level})

    @staticmethod
    def _options(level, parent, empty_label):
        if not parent:  # nothing chosen above: an empty list, without asking the database
            return [("", empty_label)]
        regions = Region.objects.filter(level=level, parent_id=parent).only("code", "name")
        return [("", empty_label)] + [(r.code, r.name) for r in regions]

    def clean_region(self, cleaned):
        province, city, county = cleaned.get("province"), cleaned.get("city"), cleaned.get("county")
        if province and not has_bureau(province.code):
            self.add_error("province", _("所选省份没有受理特种设备行政许可的审批机关，请重新选择所在地。"))
            return None
        if province and city and city.parent_id != province.code:
            self.add_error("city", _("所选城市不属于所选省份。"))
            return None
        if city and county and county.parent_id != city.code:
            self.add_error("county", _("所选区县不属于所选城市。"))
            return None
        if city and not county and city.children.exists():
            self.add_error("county", _("请选择区/县。"))
            return None
        return county or city

    def clean(self):
        cleaned = super().clean()
        cleaned["region"] = self.clean_region(cleaned)
        return cleaned


class BusinessLicenceMixin(PortalForm):
    """企业营业执照: checked by content; kept across a failed submission through a signed token."""

    business_licence = forms.FileField(
        label=_("企业营业执照"),
        required=False,
        help_text=_("PDF、JPG或PNG文件，不超过5MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
    business_licence_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_business_licence(self):
        upload = self.cleaned_data.get("business_licence")
        if upload:
            uploads.validate_business_licence(upload, label=self.fields["business_licence"].label)
        return upload

    def restore_business_licence(self):
        """After validation: fall back to the file kept from an earlier failed submission."""
        if self.cleaned_data.get("business_licence"):
            return
        token = self.cleaned_data.get("business_licence_token")
        if token:
            restored = uploads.restore_upload(token)
            if restored is not None:
                self.cleaned_data["business_licence"] = restored

    def keep_business_licence(self, client_ip=""):
        """Called when the form failed: stash a good upload so the user need not pick it again.

        A new upload replaces the file this form kept before; with no room left (per-IP or total
        cap) nothing is kept and the field says so."""
        if "business_licence" in self.errors:
            return
        upload = self.files.get(self.add_prefix("business_licence"))
        if upload:
            key = self.add_prefix("business_licence_token")
            data = self.data.copy()
            try:
                data[key] = uploads.stash_upload(upload, client_ip=client_ip, replaces=self.data.get(key))
            except uploads.StashFull:
                data[key] = ""
                label = self.fields["business_licence"].label
                self.add_error("business_licence", uploads.StashFull.message % {"label": label})
            self.data = data

    @property
    def kept_business_licence_name(self):
        token = self.data.get(self.add_prefix("business_licence_token")) if self.is_bound else None
        return uploads.stashed_name(token) if token else None


class CreditCodeMixin(PortalForm):
    credit_code = forms.CharField(
        label=_("统一社会信用代码/组织机构代码"),
        max_length=18,
        help_text=_(
            "请严格按照营业执照或组织机构代码(18位)或组织机构代码(9位)填写，字母大写，注意不包括字母 I、O、Z、S、V。"
        ),
        widget=forms.TextInput(attrs={"placeholder": _("请输入9位或18位的社会信用代码/组织机构代码")}),
    )

    def clean_credit_code(self):
        code = normalize_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        if duplicates.credit_code_taken(code):
            raise forms.ValidationError(duplicates.MESSAGES["credit_code"], code=duplicates.CODE)
        return code


class ContactFieldsMixin(PortalForm):
    contact_name = forms.CharField(
        label=_("联系人"), max_length=50, widget=forms.TextInput(attrs={"placeholder": _("请输入联系人")})
    )
    contact_id_number = forms.CharField(
        label=_("联系人身份证号码"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("请输入联系人身份证号码")}),
    )

    def clean_contact_id_number(self):
        value = normalize_code(self.cleaned_data.get("contact_id_number", "")).upper()
        if value:
            validate_id_number(value)
        return value


class OrganisationRegistrationForm(
    AccountFieldsMixin, CreditCodeMixin, BusinessLicenceMixin, RegionFieldsMixin, ContactFieldsMixin
):
    name = forms.CharField(
        label=_("企业名称"),
        max_length=200,
        help_text=_("请严格按照营业执照或组织机构代码上的企业名称填写全称。"),
        widget=forms.TextInput(attrs={"placeholder": _("请输入企业名称")}),
    )
    kind = None
    field_order = [
        "enterprise_category",
        "institution_type",
        "username",
        "password1",
        "password2",
        "name",
        "enterprise_type",
        "credit_code",
        "business_licence",
        "business_licence_token",
        "province",
        "city",
        "county",
        "address",
        "contact_name",
        "contact_id_number",
        "mobile",
        "sms_code",
        "email",
    ]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()  # RegionFieldsMixin sets cleaned["region"]
        if not self.errors:
            self.restore_business_licence()
        return cleaned


class EnterpriseRegistrationForm(OrganisationRegistrationForm):
    kind = OrganisationKind.ENTERPRISE
    enterprise_category = forms.ChoiceField(
        label=_("法人/其他组织类型"),
        choices=EnterpriseCategory.choices,
        initial=EnterpriseCategory.LEGAL_PERSON,
        widget=forms.RadioSelect,
    )
    # Not starred in the guide: preselected 公司, and an empty answer is kept empty.
    enterprise_type = forms.ChoiceField(
        label=_("企业类型"),
        choices=EnterpriseType.choices,
        initial=EnterpriseType.COMPANY,
        required=False,
        help_text=_("企业类型选择情况就近选择即可。"),
    )


class InstitutionRegistrationForm(OrganisationRegistrationForm):
    kind = OrganisationKind.INSTITUTION
    institution_type = forms.ChoiceField(label=_("机构类型"), choices=InstitutionType.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("机构名称")
        self.fields["name"].help_text = _("请按照法人证书或组织机构代码证上的名称填写全称。")
        self.fields["name"].widget.attrs["placeholder"] = _("请输入机构名称")
        self.fields["business_licence"].label = _("法人证书或营业执照")


class IndividualRegistrationForm(AccountFieldsMixin, RegionFieldsMixin):
    """个人注册: the person, 所在地 and 详细地址 (kept on the individual's organisation like an
    enterprise's, so the provincial bureau can be derived), then the account."""

    kind = OrganisationKind.INDIVIDUAL
    real_name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"placeholder": _("请输入姓名")})
    )
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=18, widget=forms.TextInput(attrs={"placeholder": _("请输入身份证号码")})
    )
    field_order = [
        "real_name",
        "id_number",
        "province",
        "city",
        "county",
        "address",
        "mobile",
        "sms_code",
        "email",
        "username",
        "password1",
        "password2",
    ]

    def clean_real_name(self):
        return " ".join(self.cleaned_data["real_name"].split())

    def clean_id_number(self):
        value = normalize_code(self.cleaned_data["id_number"]).upper()
        validate_id_number(value)
        if duplicates.id_number_taken(value):
            raise forms.ValidationError(duplicates.MESSAGES["id_number"], code=duplicates.CODE)
        return value


class RegionCompletionForm(RegionFieldsMixin):
    """完善所在地: an applicant account registered without one gives it before applying."""


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。多次输错后账号将被暂时锁定。"),
        "inactive": _("该账号尚未启用。"),
        "pending": _("您的机构注册信息正在审核中，审核通过后即可登录。"),
        "rejected": _("您的机构注册未通过审核，请联系审批机关。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        # Django's backend refuses inactive users with the generic message; an institution
        # waiting for approval must be told why instead. That answer proves the password right, so
        # it is given only while django-axes has not locked the pair: a locked pair goes on to
        # super().clean(), whose AxesStandaloneBackend refuses it with the lockout page.
        if (
            username
            and password
            and self.request is not None
            and AxesProxyHandler.is_allowed(self.request, {"username": username})
        ):
            user = User.objects.filter(username=username, is_active=False).select_related("organisation").first()
            if user and user.check_password(password) and user.organisation:
                status = user.organisation.approval_status
                if status in ("pending", "rejected"):
                    raise forms.ValidationError(self.error_messages[status], code=status)
        return super().clean()


class PasswordResetBySmsForm(PortalForm):
    """找回密码: the registered mobile proves who you are."""

    username = forms.CharField(label=_("用户名"), max_length=150)
    mobile = forms.CharField(label=_("手机号"), max_length=11)
    sms_code = forms.CharField(label=_("短信验证码"), max_length=6)
    password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput, max_length=20)
    password2 = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput, max_length=20)

    def clean(self):
        cleaned = super().clean()
        username, mobile, code = cleaned.get("username"), cleaned.get("mobile"), cleaned.get("sms_code")
        self.user = None
        code_ok = False
        if mobile and code:
            try:
                code_ok = verify_code(mobile, SmsPurpose.RESET_PASSWORD, code, consume=False)
            except SmsError as error:
                self.add_error("sms_code", error.message)
        # Only the phone's holder, with its right code, learns whether the username goes with it:
        # before that the answer is the same for every username and phone, registered or not.
        if username and code_ok:
            self.user = User.objects.filter(username=username, mobile=mobile).first()
            if self.user is None:
                raise forms.ValidationError(_("用户名与手机号不匹配。"), code="no_match")
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user or User(username=username or "", mobile=mobile))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SmsRequestForm(forms.Form):
    mobile = forms.CharField(max_length=11, validators=[validate_mobile])
    purpose = forms.ChoiceField(choices=SmsPurpose.choices)
