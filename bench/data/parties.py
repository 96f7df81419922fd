"""The bench's people: applicant organisations (each with its group and one user) in bulk, and one
officer per authority and per review body through the ORM, like the demo's staff (demo/accounts.py)."""

import datetime
import os
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import reference_data
from accounts.models import (
    ApprovalStatus,
    AuthorityLevel,
    EnterpriseCategory,
    EnterpriseType,
    InstitutionType,
    Organisation,
    OrganisationKind,
    Region,
)
from accounts.two_factor.policy import CONFIRMED_DEVICE_NAME
from demo.accounts import make_id_number, make_uscc

APPLICANT_PREFIX = "benchapp"  # + five digits: 4–20 letters and digits (accounts.validators)
STAFF_PREFIX = "benchauth"
REVIEWER_PREFIX = "benchrev"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华",
    "建国", "志强", "海燕", "晓东", "红梅", "国庆", "文博", "子涵", "雨桐", "浩然", "建华", "立新",
]  # fmt: skip
TRADE_NAMES = [
    "恒通", "华能", "宏达", "金鼎", "瑞丰", "昌盛", "永安", "德力", "东方", "鼎盛", "正泰", "安信", "中科", "长江",
    "远大", "新兴", "联合", "天成", "盛世", "利源", "博远", "伟业", "泰山", "海川", "汇丰", "信达", "凯达", "宝钢",
]  # fmt: skip
TRADES = [
    ("锅炉制造", "有限公司"), ("压力容器制造", "有限公司"), ("特种设备安装工程", "有限公司"),
    ("电梯", "股份有限公司"), ("起重机械", "有限公司"), ("气体", "有限责任公司"), ("管道工程", "有限公司"),
    ("机电设备", "有限公司"), ("重工", "股份有限公司"), ("化工装备", "有限公司"),
]  # fmt: skip
# Rough shares of special-equipment producers by province (more in the manufacturing provinces);
# every province gets at least one organisation.
PROVINCE_WEIGHTS = {
    "32": 9, "44": 9, "33": 8, "37": 8, "41": 5, "13": 5, "51": 4, "31": 4, "11": 4, "42": 4, "43": 3, "34": 3,
    "35": 3, "21": 3, "36": 2, "50": 2, "12": 2, "61": 2, "14": 2, "22": 1, "23": 1, "45": 2, "53": 1, "52": 1,
    "15": 1, "65": 1, "62": 1, "46": 1, "64": 1, "63": 1, "54": 1,
}  # fmt: skip


@dataclass
class Applicant:
    index: int
    org_id: int
    group_id: int
    user_id: int
    username: str
    kind: str
    name: str
    province: str  # "320000"
    region_id: str  # a county code
    credit_code: str
    address: str
    contact_name: str
    contact_mobile: str
    contact_phone: str


@dataclass
class Staff:
    user_id: int
    username: str
    organisation: object
    totp_key_hex: str


def person_name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def counties_by_province():
    result = {}
    for code, name in Region.objects.filter(level=Region.Level.COUNTY).values_list("code", "name"):
        result.setdefault(code[:2] + "0000", []).append((code, name))
    return result


def make_applicants(writer, count, password_hash, rng, now):
    """`count` applicant organisations with their groups and one user each, written in bulk."""
    User = get_user_model()
    provinces = {
        code: name for code, name in Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name")
    }
    counties = counties_by_province()
    province_codes = sorted(provinces)
    weights = [PROVINCE_WEIGHTS.get(code[:2], 1) for code in province_codes]
    group_ids = writer.ids(Group, count)
    org_ids = writer.ids(Organisation, count)
    user_ids = writer.ids(User, count)
    membership_ids = writer.ids(User.groups.through, count)

    applicants, groups, orgs, users, memberships = [], [], [], [], []
    for i in range(count):
        index = i + 1
        # The first 31 cover every province; the rest follow the weights.
        province = province_codes[i] if i < len(province_codes) else rng.choices(province_codes, weights)[0]
        county, county_name = rng.choice(counties[province])
        kind = OrganisationKind.INSTITUTION if rng.random() < 0.1 else OrganisationKind.ENTERPRISE
        trade, suffix = rng.choice(TRADES)
        short = provinces[province].removesuffix("省").removesuffix("市").removesuffix("自治区")
        if kind == OrganisationKind.ENTERPRISE:
            name = f"{short}{rng.choice(TRADE_NAMES)}{rng.choice(TRADE_NAMES)}{trade}{suffix}"
            credit = make_uscc(f"91{county}", f"B{index:07d}")
        else:
            name = f"{short}{county_name}{rng.choice(('特种设备技术研究所', '机电设备检修中心', '热力服务中心'))}"
            credit = make_uscc(f"12{county}", f"C{index:07d}")
        contact = person_name(rng)
        mobile = f"166{index:08d}"
        joined = now - datetime.timedelta(days=rng.uniform(800, 1500))
        applicant = Applicant(
            index=index,
            org_id=org_ids[i],
            group_id=group_ids[i],
            user_id=user_ids[i],
            username=f"{APPLICANT_PREFIX}{index:05d}",
            kind=kind,
            name=name,
            province=province,
            region_id=county,
            credit_code=credit,
            address=f"{provinces[province]}{county_name}工业园{rng.randint(1, 300)}号",
            contact_name=contact,
            contact_mobile=mobile,
            contact_phone=f"0{rng.randint(10, 999)}-{rng.randint(10000000, 99999999)}",
        )
        applicants.append(applicant)
        org_uuid = uuid.uuid4()
        groups.append((group_ids[i], f"org:{kind}:{org_uuid}"))
        orgs.append(
            (
                org_ids[i], org_uuid, kind, name, group_ids[i],
                EnterpriseCategory.LEGAL_PERSON if kind == OrganisationKind.ENTERPRISE else "",
                EnterpriseType.COMPANY if kind == OrganisationKind.ENTERPRISE else "",
                InstitutionType.PUBLIC_INSTITUTION if kind == OrganisationKind.INSTITUTION else "",
                credit, None, "", "", county, applicant.address, contact,
                make_id_number(county, datetime.date(1970 + index % 30, 1 + index % 12, 1 + index % 28), index % 1000),
                mobile, applicant.contact_phone, ApprovalStatus.APPROVED,
                joined if kind == OrganisationKind.INSTITUTION else None, None, joined,
            )
        )  # fmt: skip
        users.append(
            (
                user_ids[i], password_hash, None, False, applicant.username, contact[1:], contact[0],
                f"{applicant.username}@example.com", False, True, joined, mobile, contact, "", org_ids[i],
            )
        )  # fmt: skip
        memberships.append((membership_ids[i], user_ids[i], group_ids[i]))

    writer.write(Group, ["id", "name"], groups)
    writer.write(
        Organisation,
        [
            "id", "uuid", "kind", "name", "group_id", "enterprise_category", "enterprise_type", "institution_type",
            "unified_social_credit_code", "organization_code", "business_licence", "authority_level", "region_id",
            "address", "contact_name", "contact_id_number", "contact_mobile", "contact_phone", "approval_status",
            "approved_at", "approved_by_id", "created_at",
        ],
        orgs,
    )  # fmt: skip
    writer.write(
        User,
        [
            "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined", "mobile", "real_name", "id_number", "organisation_id",
        ],
        users,
    )  # fmt: skip
    writer.write(User.groups.through, ["id", "user_id", "group_id"], memberships)
    return applicants


def make_staff(organisation, username, mobile, staff_group, password_hash, rng):
    """One officer of `organisation` in the staff group, with a confirmed TOTP device."""
    User = get_user_model()
    name = person_name(rng)
    user = User.objects.create(
        username=username,
        password=password_hash,
        mobile=mobile,
        email=f"{username}@example.com",
        real_name=name,
        last_name=name[0],
        first_name=name[1:],
        is_staff=True,
        date_joined=timezone.now(),
    )
    organisation.add_member(user)
    user.groups.add(staff_group)
    key = os.urandom(20).hex()
    TOTPDevice.objects.create(user=user, name=CONFIRMED_DEVICE_NAME, key=key, confirmed=True)
    return Staff(user.pk, username, organisation, key)


def make_officers(authorities, review_bodies, password_hash, rng):
    """{authority id: Staff}, {review body id: Staff}."""
    authority_group = Group.objects.get(name=reference_data.staff_group_name(reference_data.AUTHORITY_STAFF))
    review_group = Group.objects.get(name=reference_data.staff_group_name(reference_data.REVIEW_BODY_STAFF))
    officers, reviewers = {}, {}
    for n, authority in enumerate(authorities, start=1):
        suffix = "samr" if authority.authority_level == AuthorityLevel.NATIONAL else authority.region_id
        officers[authority.pk] = make_staff(
            authority, f"{STAFF_PREFIX}{suffix}", f"1770000{n:04d}", authority_group, password_hash, rng
        )
    for n, body in enumerate(review_bodies, start=1):
        reviewers[body.pk] = make_staff(
            body, f"{REVIEWER_PREFIX}{n}", f"1770001{n:04d}", review_group, password_hash, rng
        )
    return officers, reviewers


def random_generator(seed):
    # S311: reproducible bench data, not secrets.
    return random.Random(seed)  # noqa: S311
