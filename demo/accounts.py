"""The demo's people: one account per role sharing one published password and TOTP secret, a staff
account for every authority so that every province can be tried, and the review bodies' fictitious
contacts (the 受理决定书 prints them; a demo must not send applicants to a real switchboard).

Accounts are looked up by username and updated in place, so a run repairs them instead of adding
more; the password and the TOTP device are reset on every run so the printed ones always work.
"""

import base64
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import reference_data
from accounts.models import (
    ApprovalStatus,
    Authority,
    AuthorityLevel,
    EnterpriseCategory,
    EnterpriseType,
    InstitutionType,
    Organisation,
    OrganisationKind,
    Region,
    ReviewBody,
)
from accounts.two_factor.policy import CONFIRMED_DEVICE_NAME
from accounts.validators import org_code_check_char, ric_check_char, uscc_check_char

# Only the demo accounts use it; it passes PasswordComplexityValidator (seed 1.3).
# S105: published on purpose: demo accounts exist only with DEBUG (demo/).
DEMO_PASSWORD = "Demo@2026pass"  # noqa: S105
# Staff log in with a TOTP code as well (accounts/two_factor/). The demo staff accounts share this
# published secret so the demo can be tried with any authenticator app; like the password, it must
# never be used on a real server.
DEMO_TOTP_KEY = b"portal-demo-totp-key"  # 20 bytes, as TOTPDevice keys
DEMO_TOTP_SECRET = base64.b32encode(DEMO_TOTP_KEY).decode("ascii")

CSEI_NAME = "中国特种设备检测研究院"
# Fictitious contacts of the review bodies (accounts/data/review_bodies.json leaves them empty).
REVIEW_BODY_CONTACTS = {CSEI_NAME: ("刘评审", "010-00000000")}

# Wagtail's example groups, named in Chinese by cms/migrations/0004_wagtail_initial_data_in_chinese.py.
WAGTAIL_GROUPS = ("编辑人员", "审核人员")
BEIJING = "110000"
# The other provinces' staff: staff_<region code>, mobile 139000000<first two digits>.
PROVINCE_STAFF_PREFIX = "staff_"


def province_staff_username(region_code):
    return f"{PROVINCE_STAFF_PREFIX}{region_code}"


def make_uscc(registration_prefix, org_body):
    """A valid 18-character code: registration authority, type and region, then the org code."""
    head = registration_prefix + org_body + org_code_check_char(org_body)
    return head + uscc_check_char(head)


def make_id_number(region_code, birth_date, sequence):
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric_check_char(body)


def base_url():
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def upsert_user(username, *, mobile, organisation=None, groups=(), **fields):
    User = get_user_model()
    fields.setdefault("is_staff", False)
    fields.setdefault("is_superuser", False)
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={"mobile": mobile, "email": f"{username}@example.com", "is_active": True, **fields},
    )
    # Reset on every run, so the published demo password always works.
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    if organisation is not None:
        organisation.add_member(user)
    user.groups.add(*[group for group in groups if group is not None])
    return user


def fill_review_body_contacts():
    """The fictitious contacts, only where the review body has none (an administrator's stay)."""
    for name, (contact_name, contact_phone) in REVIEW_BODY_CONTACTS.items():
        ReviewBody.objects.filter(name=name, contact_name="", contact_phone="").update(
            contact_name=contact_name, contact_phone=contact_phone
        )


def load_accounts():
    """The demo accounts, one per role. Returns [(username, role, login URL)] for the table."""
    applicant_url = f"{base_url()}/accounts/login/"
    admin_url = f"{base_url()}/admin/"
    chaoyang = Region.objects.get(code="110105")
    haidian = Region.objects.get(code="110108")
    samr = Authority.objects.national()
    beijing = Authority.objects.for_province(BEIJING)
    csei = ReviewBody.objects.get(name=CSEI_NAME)
    authority_staff = reference_data.staff_group(reference_data.AUTHORITY_STAFF)
    review_body_staff = reference_data.staff_group(reference_data.REVIEW_BODY_STAFF)
    # Wagtail's own page groups (its migrations make them) as well, as the editor always had.
    editors = [reference_data.staff_group(reference_data.EDITOR), *Group.objects.filter(name__in=WAGTAIL_GROUPS)]

    admin = upsert_user(
        "admin", mobile="13800000008", last_name="系统", first_name="管理员", is_staff=True, is_superuser=True
    )

    person_id = make_id_number("110105", datetime.date(1990, 3, 7), 123)
    person_org, _created = Organisation.objects.update_or_create(
        kind=OrganisationKind.INDIVIDUAL,
        contact_id_number=person_id,
        defaults={
            "name": "王小明",
            "region": chaoyang,
            "address": "北京市朝阳区示范街道1号院2号楼301",
            "contact_name": "王小明",
            "contact_mobile": "13800000001",
        },
    )
    upsert_user(
        "demo_person",
        mobile="13800000001",
        organisation=person_org,
        last_name="王",
        first_name="小明",
        real_name="王小明",
        id_number=person_id,
    )

    enterprise_contact_id = make_id_number("110105", datetime.date(1985, 6, 15), 432)
    enterprise, _created = Organisation.objects.update_or_create(
        unified_social_credit_code=make_uscc("91110105", "MA01GL8K"),
        defaults={
            "kind": OrganisationKind.ENTERPRISE,
            "name": "北京示范锅炉制造有限公司",
            "enterprise_category": EnterpriseCategory.LEGAL_PERSON,
            "enterprise_type": EnterpriseType.COMPANY,
            "region": chaoyang,
            "address": "北京市朝阳区示范工业园8号",
            "contact_name": "李华",
            "contact_id_number": enterprise_contact_id,
            "contact_mobile": "13800000002",
            "contact_phone": "010-00000001",
        },
    )
    upsert_user(
        "demo_enterprise",
        mobile="13800000002",
        organisation=enterprise,
        last_name="李",
        first_name="华",
        real_name="李华",
        id_number=enterprise_contact_id,
    )

    institution_contact_id = make_id_number("110108", datetime.date(1978, 11, 2), 246)
    institution, _created = Organisation.objects.update_or_create(
        unified_social_credit_code=make_uscc("12110108", "40000123"),
        defaults={
            "kind": OrganisationKind.INSTITUTION,
            "name": "北京示范特种设备技术研究所",
            "institution_type": InstitutionType.PUBLIC_INSTITUTION,
            "region": haidian,
            "address": "北京市海淀区示范路6号",
            "contact_name": "陈静",
            "contact_id_number": institution_contact_id,
            "contact_mobile": "13800000003",
        },
    )
    upsert_user(
        "demo_institution",
        mobile="13800000003",
        organisation=institution,
        last_name="陈",
        first_name="静",
        real_name="陈静",
        id_number=institution_contact_id,
    )
    # Institutions are checked by staff before their users may log in; the demo one has already
    # been approved (by the demo administrator) so it can be tried straight away.
    if institution.approval_status != ApprovalStatus.APPROVED or institution.approved_at is None:
        institution.approve(by=admin)

    upsert_user(
        "samr_staff",
        mobile="13800000004",
        organisation=samr,
        groups=[authority_staff],
        last_name="赵",
        first_name="敏",
        real_name="赵敏",
        is_staff=True,
    )
    upsert_user(
        "bj_staff",
        mobile="13800000005",
        organisation=beijing,
        groups=[authority_staff],
        last_name="孙",
        first_name="丽",
        real_name="孙丽",
        is_staff=True,
    )
    upsert_user(
        "csei_staff",
        mobile="13800000006",
        organisation=csei,
        groups=[review_body_staff],
        last_name="周",
        first_name="强",
        real_name="周强",
        is_staff=True,
    )
    upsert_user(
        "editor",
        mobile="13800000007",
        groups=editors,
        last_name="吴",
        first_name="编辑",
        real_name="吴编辑",
        is_staff=True,
    )

    return [
        ("demo_person", "个人用户", applicant_url),
        ("demo_enterprise", "企业用户（法人企业）", applicant_url),
        ("demo_institution", "机构用户（已审核通过）", applicant_url),
        ("samr_staff", f"审批机关工作人员（{samr.name}）", admin_url),
        ("bj_staff", f"审批机关工作人员（{beijing.name}）", admin_url),
        ("csei_staff", f"鉴定评审机构工作人员（{csei.name}）", admin_url),
        ("editor", "内容编辑", admin_url),
        ("admin", "超级管理员", admin_url),
    ]


def load_province_staff():
    """One staff account for each provincial bureau other than Beijing's (bj_staff), so every
    province's queue can be tried. Returns [(username, authority name)] in region order."""
    authority_staff = reference_data.staff_group(reference_data.AUTHORITY_STAFF)
    accounts = []
    bureaus = Authority.objects.filter(authority_level=AuthorityLevel.PROVINCIAL).exclude(region_id=BEIJING)
    for bureau in bureaus.select_related("region").order_by("region_id"):
        username = province_staff_username(bureau.region_id)
        upsert_user(
            username,
            mobile=f"139000000{bureau.region_id[:2]}",
            organisation=bureau,
            groups=[authority_staff],
            real_name=f"{bureau.region.name}审批员",
            is_staff=True,
        )
        accounts.append((username, bureau.name))
    return accounts


def load_totp_devices(usernames):
    """One confirmed TOTP device per demo staff account, with the published demo secret; a device
    enrolled by hand is replaced, so the printed secret always works."""
    for user in get_user_model().objects.filter(username__in=usernames):
        TOTPDevice.objects.filter(user=user).exclude(name=CONFIRMED_DEVICE_NAME).delete()
        TOTPDevice.objects.update_or_create(
            user=user,
            name=CONFIRMED_DEVICE_NAME,
            defaults={"key": DEMO_TOTP_KEY.hex(), "confirmed": True},
        )
