"""账号信息: what an applicant may change on its own account without a 变更 application.

The organisation's contact (联系人, 联系人身份证号码), its 详细地址 and 所在地 within the same province,
the user's e-mail, mobile (with a code sent to the new number) and password. The name, the
统一社会信用代码 (an individual's 身份证号码) and the province stay: the province decides the approving
authority (workflows/authority.py), and a licensed organisation changes them through a 变更
application from 我的许可证.

Each save locks the organisation's row and then the user's (always in that order), re-reads them
and refuses a page loaded before another change (`StaleAccount`), so two tabs cannot silently
overwrite each other. Every change is written to Wagtail's log (the field names, never the values).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter, log

from . import duplicates
from .models import Organisation, OrganisationKind, SmsPurpose
from .sms.service import SmsError, consume_code, verify_code

User = get_user_model()

EDIT_LOG_ACTION = "accounts.account.edit"
MOBILE_LOG_ACTION = "accounts.account.change_mobile"
# S105: the name of a log action, not a password.
PASSWORD_LOG_ACTION = "accounts.account.change_password"  # noqa: S105

# What the page may change, by row. An individual's contact is the person (姓名, 身份证号码): fixed.
ORGANISATION_FIELDS = ("contact_name", "contact_id_number", "region", "address")
INDIVIDUAL_ORGANISATION_FIELDS = ("region", "address")
USER_FIELDS = ("email",)

FIELD_LABELS = {
    "contact_name": _("联系人"),
    "contact_id_number": _("联系人身份证号码"),
    "region": _("所在地"),
    "address": _("详细地址"),
    "email": _("电子邮箱"),
    "mobile": _("手机号"),
    "password": _("密码"),
}


class StaleAccount(Exception):
    """The account changed (another tab, another member) after this page was loaded."""

    message = _("账号信息已在其他页面或由本单位其他用户修改，未保存本次修改。请核对下方的最新信息后重新填写。")


class AccountRefusal(ValidationError):
    """A change refused with a message for one form field (`field`, None for the whole form)."""

    def __init__(self, field, message, code):
        super().__init__(message, code=code)
        self.field = field


def applicant_account(user):
    """The user's organisation with its region chain, or None when the user is no applicant's member."""
    if not user.is_authenticated or user.is_staff or user.organisation_id is None:
        return None
    organisation = Organisation.objects.select_related("region__parent__parent").get(pk=user.organisation_id)
    return organisation if organisation.is_applicant else None


def organisation_fields(organisation):
    return INDIVIDUAL_ORGANISATION_FIELDS if organisation.kind == OrganisationKind.INDIVIDUAL else ORGANISATION_FIELDS


def _current(organisation, user):
    values = {name: getattr(organisation, organisation._meta.get_field(name).attname) for name in ORGANISATION_FIELDS}
    values.update({name: getattr(user, name) for name in USER_FIELDS})
    return values


def fingerprint(organisation, user):
    """A keyed digest of the editable values as the page shows them; a save compares it under the lock."""
    values = _current(organisation, user)
    text = "\x1f".join(f"{name}={values[name] or ''}" for name in sorted(values))
    return salted_hmac("accounts.account_settings", text, algorithm="sha256").hexdigest()


def province_code(region):
    return region.code[:2] + "0000" if region is not None else None


def check_region(organisation, region):
    """所在地 may move within the organisation's province only (any, when it has none yet)."""
    if region is None or organisation.region_id is None:
        return
    if province_code(region) != province_code(organisation.region):
        province = organisation.region.lineage()[0].name if organisation.region.parent_id else organisation.region.name
        raise AccountRefusal(
            "province",
            gettext(
                "所在地只能在%(province)s范围内修改：所在省份决定审批机关，跨省变更请办理许可证变更或联系审批机关。"
            )
            % {"province": province},
            code="other_province",
        )


def _locked(user):
    organisation = Organisation.objects.select_for_update().get(pk=user.organisation_id)
    return organisation, User.objects.select_for_update().get(pk=user.pk)


@transaction.atomic
def update_details(user, data, loaded):
    """Save the contact, address, region and e-mail in `data` (cleaned form values) if the account is
    still as the page showed it (`loaded`, its `fingerprint`). Returns the names of the changed fields."""
    organisation, locked_user = _locked(user)
    if fingerprint(organisation, locked_user) != loaded:
        raise StaleAccount
    if "region" in data:
        check_region(organisation, data["region"])
    changed_organisation = []
    for name in organisation_fields(organisation):
        if name in data:
            attname = organisation._meta.get_field(name).attname
            value = data[name]
            if name == "region":
                value = value.pk if value is not None else None
            if (value or "") != (getattr(organisation, attname) or ""):
                setattr(organisation, attname, value if name == "region" else value or "")
                changed_organisation.append(name)
    changed_user = [name for name in USER_FIELDS if name in data and (data[name] or "") != getattr(locked_user, name)]
    for name in changed_user:
        setattr(locked_user, name, data[name] or "")
    if changed_organisation:
        organisation.save(update_fields=[organisation._meta.get_field(n).attname for n in changed_organisation])
    if changed_user:
        locked_user.save(update_fields=changed_user)
    changed = changed_organisation + changed_user
    if changed:
        log(organisation, EDIT_LOG_ACTION, user=user, data={"fields": changed})
    return changed


def change_mobile(user, mobile, code):
    """Make `mobile` the user's number once the code sent to it (SmsPurpose.CHANGE_MOBILE) is right.

    The code is checked outside the transaction, so a wrong try counts even though nothing is saved
    (accounts/sms/service.py). The organisation's 联系人手机号 follows when it was the old number."""
    locked_user = User.objects.only("mobile").get(pk=user.pk)
    if mobile == locked_user.mobile:
        raise AccountRefusal("mobile", gettext("新手机号与当前手机号相同。"), code="same")
    if duplicates.mobile_taken(mobile):
        raise AccountRefusal("mobile", duplicates.MESSAGES["mobile"], code=duplicates.CODE)
    try:
        verify_code(mobile, SmsPurpose.CHANGE_MOBILE, code, consume=False)
    except SmsError as error:
        raise AccountRefusal("sms_code", error.message, code="sms") from None
    try:
        with transaction.atomic():
            organisation, locked_user = _locked(user)
            if User.objects.filter(mobile=mobile).exclude(pk=user.pk).exists():
                raise AccountRefusal("mobile", duplicates.MESSAGES["mobile"], code=duplicates.CODE)
            if not consume_code(mobile, SmsPurpose.CHANGE_MOBILE):
                # The same form sent twice: the first one used the code.
                raise AccountRefusal("sms_code", gettext("短信验证码已使用，请重新获取。"), code="sms")
            old = locked_user.mobile
            locked_user.mobile = mobile
            locked_user.save(update_fields=["mobile"])
            if organisation.contact_mobile in ("", old):
                organisation.contact_mobile = mobile
                organisation.save(update_fields=["contact_mobile"])
            log(organisation, MOBILE_LOG_ACTION, user=user, data={"fields": ["mobile"]})
    except IntegrityError:
        # Another account took the number between the check and the save (the unique constraint).
        raise AccountRefusal("mobile", duplicates.MESSAGES["mobile"], code=duplicates.CODE) from None
    return locked_user


@transaction.atomic
def change_password(user, old_password, new_password):
    """Set a new password if `old_password` is still the current one (checked again under the lock:
    another tab may have changed it meanwhile). Returns the saved user for update_session_auth_hash."""
    organisation, locked_user = _locked(user)
    if not locked_user.check_password(old_password):
        raise AccountRefusal("old_password", gettext("原密码不正确，请重新输入。"), code="password_incorrect")
    locked_user.set_password(new_password)
    locked_user.save(update_fields=["password"])
    log(organisation, PASSWORD_LOG_ACTION, user=user, data={"fields": ["password"]})
    return locked_user


class AccountLogFormatter(LogFormatter):
    """修改账号信息 in an organisation's history: which fields, never their values."""

    label = _("修改账号信息")

    def format_message(self, log_entry):
        names = (log_entry.data or {}).get("fields") or []
        labels = "、".join(str(FIELD_LABELS.get(name, name)) for name in names)
        return gettext("修改账号信息：%(fields)s") % {"fields": labels}


def register_log_actions(actions):
    """The `register_log_actions` hook's part for this page (accounts/wagtail_hooks.py)."""
    for action in (EDIT_LOG_ACTION, MOBILE_LOG_ACTION, PASSWORD_LOG_ACTION):
        actions.register_action(action)(AccountLogFormatter)
