"""Account services (注册, 找回密码, 机构审核): the business steps behind the registration and reset
views and the staff's decision on an institution account."""

import contextlib

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from wagtail.log_actions import log

from . import duplicates, uploads
from .models import ApprovalStatus, Organisation, OrganisationKind, SmsPurpose
from .sms.service import SmsError, consume_code, send_code

User = get_user_model()

APPROVE_LOG_ACTION = "accounts.organisation.approve"
REJECT_LOG_ACTION = "accounts.organisation.reject"
REGION_LOG_ACTION = "accounts.organisation.region"


# The codes sent to a number that is to become an account's: refused for a registered number.
NEW_NUMBER_PURPOSES = (SmsPurpose.REGISTER, SmsPurpose.CHANGE_MOBILE)


class DuplicateRegistration(Exception):
    """Two people registered the same username, mobile, ID number or credit code at the same moment.

    `errors` is {form field: message}, the words the form itself gives for a taken value.
    """

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def request_sms_code(mobile, purpose):
    """Send a code for registration, password reset or a new mobile; returns seconds until the next may be sent.

    A registration or new-mobile code is refused for a phone that already has an account. A reset code for a
    phone without an account is not sent, but it goes through the same interval and daily limits
    (deliver=False), so every answer, refusals and countdown included, is the same as for a
    registered phone and the endpoint does not reveal who is registered.
    """
    registered = User.objects.filter(mobile=mobile).exists()
    # A new number (registration, 更换手机号 on the account page) must not belong to an account yet.
    if purpose in NEW_NUMBER_PURPOSES and registered:
        raise SmsError(gettext("该手机号已注册，请直接登录或找回密码。"), code="registered")
    return send_code(mobile, purpose, deliver=registered or purpose != SmsPurpose.RESET_PASSWORD)


def register_applicant(kind, data):
    """Create the applicant organisation and its first user in one transaction.

    Institutions (机构用户) start pending and inactive: staff approve them in the admin.
    """
    stored = []  # the business licence written to storage: deleted again if the transaction fails
    try:
        with transaction.atomic():
            organisation = _create_organisation(kind, data, stored)
            user = User(
                username=data["username"],
                mobile=data["mobile"],
                email=data.get("email", ""),
                real_name=data.get("real_name") or data.get("contact_name", ""),
                id_number=data.get("id_number", ""),
                is_active=kind != OrganisationKind.INSTITUTION,
            )
            user.set_password(data["password1"])
            user.save()
            organisation.add_member(user)
            consume_code(data["mobile"], SmsPurpose.REGISTER)
    except BaseException as exc:
        # The rows roll back, a file in storage would stay: personal data belonging to no one.
        for field_file in stored:
            with contextlib.suppress(OSError):
                field_file.storage.delete(field_file.name)
        if isinstance(exc, IntegrityError):
            # A registration that committed in between holds the value: say which, as the form would.
            raise DuplicateRegistration(duplicates.taken(data)) from exc
        raise
    token = data.get("business_licence_token")
    if token:
        uploads.discard_stash(token)
    return user


def _create_organisation(kind, data, stored):
    if kind == OrganisationKind.INDIVIDUAL:
        # The person's ID number on the organisation too: its unique constraint refuses a second
        # individual account for the same person (accounts/models/organisations.py).
        return Organisation.objects.create(
            kind=kind,
            name=data["real_name"],
            contact_name=data["real_name"],
            contact_mobile=data["mobile"],
            contact_id_number=data["id_number"],
            region=data["region"],
            address=data.get("address", ""),
        )
    code = data["credit_code"]
    organisation = Organisation(
        kind=kind,
        name=data["name"],
        enterprise_category=data.get("enterprise_category", ""),
        enterprise_type=data.get("enterprise_type", ""),
        institution_type=data.get("institution_type", ""),
        unified_social_credit_code=code if len(code) == 18 else None,
        organization_code=code if len(code) == 9 else None,
        region=data["region"],
        address=data.get("address", ""),
        contact_name=data["contact_name"],
        contact_id_number=data.get("contact_id_number", ""),
        contact_mobile=data["mobile"],
        approval_status=ApprovalStatus.PENDING if kind == OrganisationKind.INSTITUTION else ApprovalStatus.APPROVED,
    )
    licence = data.get("business_licence")
    if licence:
        organisation.business_licence.save(licence.name, licence, save=False)
        stored.append(organisation.business_licence)
    organisation.save()
    return organisation


def region_missing(user):
    """An applicant account whose organisation has no 所在地 (registered before individuals were
    asked for one): it gives it on 完善所在地 before it may start an application."""
    organisation = user.organisation if user.is_authenticated and user.organisation_id else None
    return organisation is not None and organisation.is_applicant and not organisation.region_id


class RegionAlreadySet(ValidationError):
    """The organisation's 所在地 was given meanwhile (another tab or another member)."""


@transaction.atomic
def complete_region(organisation, region, address, by):
    """完善所在地: store the organisation's region and 详细地址 once, written to its history.

    The row is locked and read again: a second tab or another member of the organisation gets
    RegionAlreadySet and the first answer stays."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.region_id:
        raise RegionAlreadySet(gettext("所在地已填写，无需重复提交。"), code="region_set")
    locked.region = region
    locked.address = address
    locked.save(update_fields=["region", "address"])
    log(locked, REGION_LOG_ACTION, user=by, data={"region": region.code})
    return locked


@transaction.atomic
def reset_password(user, mobile, new_password):
    user.set_password(new_password)
    user.save(update_fields=["password"])
    consume_code(mobile, SmsPurpose.RESET_PASSWORD)


class AlreadyDecided(ValidationError):
    """The institution was approved or rejected meanwhile (a double click, or two staff at once)."""


@transaction.atomic
def decide_institution(organisation, decision, by):
    """审核通过 (`decision` "approve": the account's users may log in from now on) or 不予通过
    ("reject") a pending institution, written to its history.

    The row is locked and its status read again, so two staff pressing at once (or one pressing
    twice) cannot both decide: the second gets AlreadyDecided and nothing changes."""
    if decision not in ("approve", "reject"):
        raise ValueError(decision)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk, kind=OrganisationKind.INSTITUTION)
    if locked.approval_status != ApprovalStatus.PENDING:
        raise AlreadyDecided(
            gettext("“%(name)s”已审核（%(status)s），未作改动。")
            % {"name": locked.name, "status": locked.get_approval_status_display()},
            code="decided",
        )
    if decision == "approve":
        locked.approve(by=by)
        log(locked, APPROVE_LOG_ACTION, user=by)
    else:
        locked.reject(by=by)
        log(locked, REJECT_LOG_ACTION, user=by)
    return locked
