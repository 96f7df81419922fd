"""`manage.py load_demo` (demo/): setup_portal's reference data plus the demo accounts and
applications `make run` loads, safe to run again."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from wagtail.models import Page, Site

from accounts.models import (
    ApprovalStatus,
    Authority,
    AuthorityLevel,
    Organisation,
    OrganisationKind,
    Region,
    ReviewBody,
)
from accounts.validators import validate_credit_code, validate_id_number, validate_mobile
from cms.models import HomePage
from demo import accounts as demo_accounts
from demo import applications as demo_application_module
from demo.accounts import DEMO_PASSWORD
from forms_config.models import ApplicationFormSchema, FormSchemaVersion
from forms_config.reference_data import FEEDBACK_FORM, form_data
from workflows.actions import available_actions
from workflows.models import (
    Action,
    Application,
    ApplicationState,
    Document,
    DocumentKind,
    ProposalSide,
    ProposalStatus,
    WorkflowSettings,
)

pytestmark = pytest.mark.django_db
User = get_user_model()

APPLICANTS = {"demo_person": "individual", "demo_enterprise": "enterprise", "demo_institution": "institution"}
STAFF = {
    "samr_staff": ("国家市场监督管理总局", "审批机关工作人员"),
    "bj_staff": ("北京市市场监督管理局", "审批机关工作人员"),
    "csei_staff": ("中国特种设备检测研究院", "鉴定评审机构工作人员"),
}
PROVINCE_STAFF = 30  # staff_<region code> for every provincial bureau but Beijing's


@pytest.fixture
def demo_output():
    """Run the command twice, as `make run` does on every start; return the second run's output."""
    call_command("load_demo", force=True, stdout=StringIO())
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def first_output():
    """One run on an empty database, as after the first `migrate`; its output."""
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def log_in(username):
    # django-axes' backend needs the request it would rate-limit.
    return authenticate(request=RequestFactory().post("/accounts/login/"), username=username, password=DEMO_PASSWORD)


def test_samr_and_one_bureau_per_province(demo_output):
    assert Authority.objects.count() == 32
    samr = Authority.objects.national()
    assert samr.name == "国家市场监督管理总局" and samr.region is None
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    assert provinces.count() == 31
    for province in provinces:
        bureau = Authority.objects.for_province(province.code)
        assert bureau.name == f"{province.name}市场监督管理局"
        assert bureau.authority_level == AuthorityLevel.PROVINCIAL
    assert Authority.objects.for_province("450000").name == "广西壮族自治区市场监督管理局"
    assert Authority.objects.for_province("110000").name == "北京市市场监督管理局"


def test_review_bodies(demo_output):
    names = set(ReviewBody.objects.values_list("name", flat=True))
    assert names == {
        "中国特种设备检测研究院",
        "北京市特种设备检验检测研究院",
        "江苏省特种设备安全监督检验研究院",
        "广东省特种设备检测研究院",
    }
    # The demo fills in fictitious contacts the production data leaves empty.
    csei = ReviewBody.objects.get(name="中国特种设备检测研究院")
    assert (csei.contact_name, csei.contact_phone) == ("刘评审", "010-00000000")
    assert not ReviewBody.objects.filter(region__isnull=True).exists()


def counts():
    return [
        model.objects.count()
        for model in (Organisation, User, Group, Page, ApplicationFormSchema, Application, Document)
    ]


def test_running_twice_changes_nothing(demo_output):
    before = counts()
    call_command("load_demo", force=True, stdout=StringIO())
    assert counts() == before
    assert User.objects.count() == 8 + PROVINCE_STAFF
    assert Application.objects.count() == 3


def test_one_user_per_role_each_in_its_organisation_group(demo_output):
    for username, kind in APPLICANTS.items():
        user = User.objects.get(username=username)
        assert user.organisation.kind == kind
        assert user.groups.filter(pk=user.organisation.group_id).exists()
        assert user.is_active and not user.is_staff
    for username, (organisation, role) in STAFF.items():
        user = User.objects.get(username=username)
        assert user.organisation.name == organisation
        assert user.is_staff and not user.is_superuser
        assert set(user.groups.values_list("name", flat=True)) == {role, user.organisation.group.name}
        assert user.has_perm("wagtailadmin.access_admin")
    editor = User.objects.get(username="editor")
    assert editor.is_staff and set(editor.groups.values_list("name", flat=True)) == {
        "内容编辑",
        "编辑人员",
        "审核人员",
    }
    assert editor.has_perm("wagtailadmin.access_admin")
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_active


def test_applicant_data_passes_the_registration_rules(demo_output):
    person = User.objects.get(username="demo_person")
    assert person.real_name == "王小明" and person.organisation.name == "王小明"
    validate_id_number(person.id_number)
    enterprise = Organisation.objects.get(name="北京示范锅炉制造有限公司")
    assert enterprise.kind == OrganisationKind.ENTERPRISE and enterprise.region_id == "110105"
    assert (enterprise.enterprise_category, enterprise.enterprise_type) == ("legal_person", "company")
    validate_credit_code(enterprise.unified_social_credit_code)
    validate_id_number(enterprise.contact_id_number)
    institution = User.objects.get(username="demo_institution").organisation
    assert institution.approval_status == ApprovalStatus.APPROVED and institution.approved_at is not None
    validate_credit_code(institution.unified_social_credit_code)
    mobiles = list(User.objects.values_list("mobile", flat=True))
    assert len(set(mobiles)) == len(mobiles)
    for mobile in mobiles:
        validate_mobile(mobile)


def test_home_page_is_the_default_site_root(demo_output):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title == "特种设备行政许可申报系统" and home.slug == "home" and home.live
    assert "特种设备" in home.intro
    assert HomePage.objects.count() == 1
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()


def test_every_demo_account_logs_in(demo_output):
    for username in [*APPLICANTS, *STAFF, "editor", "admin"]:
        assert log_in(username) == User.objects.get(username=username), username


def test_prints_a_short_summary_of_the_logins(demo_output):
    summary = demo_output[demo_output.index("演示账号") :].splitlines()
    # The password once, the accounts under where they log in, one line for the other bureaus.
    assert summary[0] == f"演示账号 {len(APPLICANTS) + len(STAFF) + 2 + PROVINCE_STAFF} 个，密码均为 {DEMO_PASSWORD}："
    assert sum(DEMO_PASSWORD in line for line in summary) == 1
    assert summary[1] == "申请人在 http://127.0.0.1:8000/accounts/login/ 登录："
    assert [line.split()[0] for line in summary[2:5]] == list(APPLICANTS)
    assert summary[5] == "工作人员在 http://127.0.0.1:8000/admin/ 登录："
    assert [line.split()[0] for line in summary[6:11]] == [*STAFF, "editor", "admin"]
    assert "国家市场监督管理总局" in summary[6] and "中国特种设备检测研究院" in summary[8]
    assert summary[11].split() == [
        "staff_<行政区划代码>",
        "其他",
        "30",
        "个省级审批机关各一个，如",
        "staff_330000（浙江省市场监督管理局），密码同上",
    ]
    assert "两步验证" in summary[12] and demo_accounts.DEMO_TOTP_SECRET in summary[12]
    # Short enough for a terminal: no line of the accounts wider than 100 columns.
    assert max(len(line) for line in summary[:12]) < 100
    assert not [line for line in demo_output.splitlines() if line.lstrip().startswith("staff_3")]


def test_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()


def test_the_feedback_form_is_published_and_set(demo_output):
    form = WorkflowSettings.load().feedback_form
    assert form is not None and form.title == form_data(FEEDBACK_FORM)["name"] and form.live
    schema = FormSchemaVersion.objects.freeze(form).parsed
    labels = {spec.label for spec in schema.fields_by_key.values()}
    assert {"评审组是否按时到场", "评审人员工作作风", "意见和建议", "填表人", "联系电话"} <= labels
    assert schema.fields_by_key["conduct"].value["choices"] == ["满意", "基本满意", "不满意"]
    assert not schema.fields_by_key["suggestions"].value["required"]
    answers = {
        "arrived_on_time": "是",
        "followed_rules": "是",
        "conduct": "满意",
        "misconduct": "否",
        "overall": "满意",
        "respondent_name": "李华",
        "respondent_phone": "13800000002",
    }
    assert schema.problems(answers) == []
    # A violation reported needs its details.
    assert [spec.key for _page, spec, _messages in schema.problems({**answers, "misconduct": "是"})] == [
        "misconduct_details"
    ]


def test_an_editors_choice_of_feedback_form_is_kept(demo_output):
    own = ApplicationFormSchema.objects.create(title="本局评审反馈表", pages=[])
    settings_row = WorkflowSettings.load()
    settings_row.feedback_form = own
    settings_row.save()
    call_command("load_demo", force=True, stdout=StringIO())
    assert WorkflowSettings.load().feedback_form == own


def demo_applications():
    enterprise = Organisation.objects.get(name="北京示范锅炉制造有限公司")
    return {a.state: a for a in Application.objects.filter(applicant=enterprise).order_by("pk")}


def test_the_demo_enterprise_has_an_application_waiting_for_each_role(first_output):
    users = {name: User.objects.get(username=name) for name in ("demo_enterprise", "bj_staff", "csei_staff")}
    applications = demo_applications()
    assert set(applications) == {ApplicationState.SUBMITTED, ApplicationState.ACCEPTED, ApplicationState.APPROVED}
    for application in applications.values():
        assert application.authority.name == "北京市市场监督管理局"
        assert application.reference and application.reference in first_output
        assert application.schema_version.parsed.problems(application.data) == []
        # 场地证明, 质量手册, 营业执照, the signed 许可项目表, and an 增项's licence (copied from the register)
        keys = {"site_proof", "quality_manual", "business_licence", "items_table"}
        if application.kind == "add_items":
            keys.add("current_license")
        assert set(application.attachments.values_list("field_key", flat=True)) == keys

    # bj_staff: accept the submitted one (or ask for corrections, or refuse).
    submitted = applications[ApplicationState.SUBMITTED]
    assert Action.ACCEPT in available_actions(submitted, users["bj_staff"])
    assert Action.REQUEST_CORRECTION in available_actions(submitted, users["bj_staff"])

    # demo_enterprise: confirm the date csei proposed for the accepted one.
    accepted = applications[ApplicationState.ACCEPTED]
    assert accepted.review_body.name == "中国特种设备检测研究院"
    proposal = accepted.open_proposal()
    assert proposal.side == ProposalSide.REVIEW_BODY and proposal.status == ProposalStatus.OPEN
    assert Action.AGREE_REVIEW_DATE in available_actions(accepted, users["demo_enterprise"])
    assert Action.PROPOSE_REVIEW_DATES in available_actions(accepted, users["csei_staff"])
    assert accepted.documents.get().kind == DocumentKind.ACCEPTANCE_DECISION

    # The approved one: a licence of Beijing for four years, its documents, the feedback form to fill.
    approved = applications[ApplicationState.APPROVED]
    license = approved.license
    assert license.number in first_output and license.number.startswith("TS211")
    assert (license.valid_until - license.issued_on).days in (1460, 1461)
    assert set(approved.documents.values_list("kind", flat=True)) == {
        DocumentKind.ACCEPTANCE_DECISION,
        DocumentKind.LICENSE_DECISION,
        DocumentKind.LICENSE,
    }
    assert approved.review_report.conclusion == "qualified"
    assert Action.SUBMIT_FEEDBACK in available_actions(approved, users["demo_enterprise"])
    # The accepted one adds items to the licence the first one got (an 增项 started from it, the
    # licence copied in); a licence has one open follow-up at a time, so the last one is new.
    assert accepted.kind == "add_items" and accepted.previous_license == license
    assert accepted.data["application_type"] == "增项" and accepted.data["current_license"]
    assert accepted.data["existing_license_number"] == license.number
    assert submitted.data["application_type"] == "新申请"


def test_no_second_set_once_the_enterprise_has_applied(demo_output):
    assert "演示企业已有提交过的许可申请" in demo_output
    demo_applications()[ApplicationState.SUBMITTED]  # still there, not doubled
    assert Application.objects.count() == 3


def test_a_demo_application_the_catalogue_cannot_carry_is_left_out(monkeypatch):
    monkeypatch.setattr(demo_application_module, "DEMO_ACCEPTED_LEVEL", ("no-such-item", "B"))
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    assert "演示企业的许可申请 2 份" in out.getvalue()
    assert "演示申请未能添加：许可目录中没有已发布的“no-such-item”B级别" in out.getvalue()
    assert set(demo_applications()) == {ApplicationState.SUBMITTED, ApplicationState.APPROVED}
    assert not Application.objects.filter(state=ApplicationState.DRAFT).exists()


def test_demo_staff_have_a_confirmed_totp_device_with_the_published_secret(demo_output):
    import base64

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import policy

    assert demo_accounts.DEMO_TOTP_SECRET in demo_output and "切勿用于生产环境" in demo_output
    key = base64.b32decode(demo_accounts.DEMO_TOTP_SECRET)
    for username in [*STAFF, "editor", "admin"]:
        device = policy.confirmed_device(User.objects.get(username=username))
        assert device.bin_key == key, username
        # What an authenticator app shows for the printed secret is accepted.
        assert device.verify_token(f"{totp(key):06d}"), username
    assert not TOTPDevice.objects.filter(user__username__in=APPLICANTS).exists()
    assert TOTPDevice.objects.count() == len(STAFF) + 2 + PROVINCE_STAFF  # the second run added none


def test_every_provincial_bureau_has_a_staff_account(demo_output):
    for bureau in Authority.objects.filter(authority_level=AuthorityLevel.PROVINCIAL).exclude(region_id="110000"):
        user = User.objects.get(username=f"staff_{bureau.region_id}")
        assert user.organisation == bureau and user.is_staff and not user.is_superuser
        assert user.groups.filter(name="审批机关工作人员").exists()
        assert log_in(user.username) == user
    assert User.objects.filter(username__startswith="staff_").count() == PROVINCE_STAFF
    # Printed in one line, not thirty (test_prints_a_short_summary_of_the_logins).
    assert len([line for line in demo_output.splitlines() if "staff_" in line]) == 1


def test_load_demo_runs_setup_portal_first(demo_output):
    assert "参考数据已就绪" in demo_output
    assert Group.objects.filter(name__in=["审批机关工作人员", "鉴定评审机构工作人员", "内容编辑", "审计"]).count() == 4


def test_an_administrators_review_body_contact_is_kept(demo_output):
    ReviewBody.objects.filter(name="中国特种设备检测研究院").update(contact_name="张主任", contact_phone="010-12345678")
    call_command("load_demo", force=True, stdout=StringIO())
    csei = ReviewBody.objects.get(name="中国特种设备检测研究院")
    assert (csei.contact_name, csei.contact_phone) == ("张主任", "010-12345678")


def test_the_demo_app_is_not_in_the_production_settings():
    from portal.settings import base

    assert "demo" not in base.INSTALLED_APPS
