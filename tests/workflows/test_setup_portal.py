"""`manage.py setup_portal`: a new site's reference data, safe with production settings and to run
again; what editors changed since survives; a database that contradicts the data is left alone."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page, Site

from accounts.models import Authority, AuthorityLevel, Organisation, Region, ReviewBody
from cms import reference_data as cms_data
from cms.models import GuidePage, HomePage, LicenseCatalogPage, LicenseItemPage, LicenseLevel
from forms_config import reference_data as forms_data
from forms_config.models import ApplicationFormSchema
from workflows.models import WorkflowSettings

pytestmark = pytest.mark.django_db
User = get_user_model()

GROUPS = {"审批机关工作人员", "鉴定评审机构工作人员", "内容编辑", "审计"}
REVIEW_BODIES = {
    "中国特种设备检测研究院",
    "北京市特种设备检验检测研究院",
    "江苏省特种设备安全监督检验研究院",
    "广东省特种设备检测研究院",
}


def setup(**options):
    out = StringIO()
    with override_settings(DEBUG=False):
        call_command("setup_portal", stdout=out, **options)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Group, Page, LicenseItemPage, LicenseLevel, ApplicationFormSchema, User)
    } | {"page permissions": GroupPagePermission.objects.count()}


@pytest.fixture
def first_output():
    return setup()


def test_a_new_site_gets_its_reference_data_and_no_user(first_output):
    assert Authority.objects.count() == 32
    assert Authority.objects.national().name == "国家市场监督管理总局"
    for province in Region.objects.filter(level=Region.Level.PROVINCE):
        bureau = Authority.objects.for_province(province.code)
        assert bureau.name == f"{province.name}市场监督管理局" and bureau.authority_level == AuthorityLevel.PROVINCIAL
    assert set(ReviewBody.objects.values_list("name", flat=True)) == REVIEW_BODIES
    # Production data has no contact persons: the 受理决定书 must not print made-up ones.
    assert not ReviewBody.objects.exclude(contact_name="", contact_phone="").exists()
    assert LicenseItemPage.objects.count() == 69 and not LicenseItemPage.objects.filter(live=False).exists()
    forms = {forms_data.form_data(kind)["name"] for kind in (forms_data.APPLICATION_FORM, forms_data.FEEDBACK_FORM)}
    assert set(ApplicationFormSchema.objects.filter(live=True).values_list("title", flat=True)) == forms
    assert WorkflowSettings.load().feedback_form.title == forms_data.form_data(forms_data.FEEDBACK_FORM)["name"]
    assert Site.objects.get(is_default_site=True).root_page.specific == HomePage.objects.get()
    assert GuidePage.objects.get().live and LicenseCatalogPage.objects.get().live
    assert User.objects.count() == 0


def test_the_staff_groups_and_their_permissions(first_output):
    groups = {group.name: group for group in Group.objects.filter(name__in=GROUPS)}
    assert set(groups) == GROUPS

    def permissions(name):
        return {f"{p.content_type.app_label}.{p.codename}" for p in groups[name].permissions.all()}

    assert permissions("审批机关工作人员") == permissions("鉴定评审机构工作人员") == {"wagtailadmin.access_admin"}
    assert permissions("审计") == {"wagtailadmin.access_admin", "workflows.view_audit", "accounts.view_outboundmessage"}
    assert {
        "wagtailadmin.access_admin",
        "forms_config.add_applicationformschema",
        "forms_config.change_applicationformschema",
        "forms_config.publish_applicationformschema",
        "forms_config.view_applicationformschema",
    } <= permissions("内容编辑")
    assert "forms_config.delete_applicationformschema" not in permissions("内容编辑")
    page_permissions = set(
        GroupPagePermission.objects.filter(group=groups["内容编辑"], page=Page.get_first_root_node()).values_list(
            "permission__codename", flat=True
        )
    )
    assert page_permissions == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}


def test_an_auditor_in_the_group_sees_the_audit_reports(first_output, client):
    # S106: a throwaway password of a test user.
    auditor = User.objects.create_user("auditor1", password="x", is_staff=True)  # noqa: S106
    auditor.groups.add(Group.objects.get(name="审计"))
    auditor = User.objects.get(pk=auditor.pk)
    assert auditor.has_perm("workflows.view_audit") and auditor.has_perm("wagtailadmin.access_admin")
    assert not auditor.has_perm("workflows.process_application")
    # 发送记录 (who was told what, when) is part of the trail; retrying a delivery is not an auditor's job.
    assert auditor.has_perm("accounts.view_outboundmessage") and not auditor.has_perm("accounts.retry_outboundmessage")
    client.force_login(auditor)
    assert client.get(reverse("outbox:index")).status_code == 200


def test_the_summary_says_what_was_created_and_what_to_check(first_output):
    assert "审批机关：32 / 0" in first_output and "许可项目：69 / 0" in first_output
    assert "工作人员用户组：4 / 0" in first_output and "申请书表单（含评审反馈表）：2 / 0" in first_output
    guesses = len(cms_data.verify_notes())
    assert guesses and f"许可目录中有 {guesses} 个许可项目" in first_output
    assert "未创建任何用户" in first_output
    listed = setup(verbosity=2)
    assert "（pressure-vessel-installation）：(verify)" in listed


def test_running_twice_changes_nothing(first_output):
    before = counts()
    again = setup()
    assert counts() == before
    assert "审批机关：0 / 32" in again and "许可项目：0 / 69" in again
    assert "首页已有办事事项，未改动" in again and "办理设置中已选定，未改动" in again


def test_what_editors_changed_survives_a_rerun(first_output):
    item = LicenseItemPage.objects.get(slug="boiler-manufacture")
    item.title = "锅炉制造（编辑修改）"
    item.save_revision().publish()
    catalogue = LicenseCatalogPage.objects.get()
    catalogue.title = "许可项目目录"
    catalogue.save_revision().publish()
    form = ApplicationFormSchema.objects.get(title=forms_data.form_data(forms_data.APPLICATION_FORM)["name"])
    pages = form.pages.get_prep_value()
    pages[0]["value"]["title"] = "申请单位情况（编辑修改）"
    form.pages = pages
    form.save_revision().publish()
    ReviewBody.objects.filter(name="中国特种设备检测研究院").update(contact_name="张主任", contact_phone="010-12345678")
    group = Group.objects.get(name="审批机关工作人员")
    group.permissions.add(*Group.objects.get(name="审计").permissions.all())
    own_feedback = ApplicationFormSchema.objects.create(title="本局评审反馈表", pages=[])
    settings_row = WorkflowSettings.load()
    settings_row.feedback_form = own_feedback
    settings_row.save()

    setup()

    assert LicenseItemPage.objects.get(slug="boiler-manufacture").title == "锅炉制造（编辑修改）"
    assert LicenseCatalogPage.objects.get().title == "许可项目目录"
    form.refresh_from_db()
    assert form.definition()["pages"][0]["title"] == "申请单位情况（编辑修改）"
    csei = ReviewBody.objects.get(name="中国特种设备检测研究院")
    assert (csei.contact_name, csei.contact_phone) == ("张主任", "010-12345678")
    assert group.permissions.filter(codename="view_audit").exists()  # added by hand, kept
    assert WorkflowSettings.load().feedback_form == own_feedback
    assert ApplicationFormSchema.objects.count() == 3


def test_a_missing_item_page_and_a_missing_permission_come_back(first_output):
    LicenseItemPage.objects.get(slug="elevator-repair").delete()
    editors = Group.objects.get(name="内容编辑")
    editors.permissions.remove(*editors.permissions.filter(codename="publish_applicationformschema"))
    output = setup()
    assert "许可项目：1 / 68" in output
    assert LicenseItemPage.objects.get(slug="elevator-repair").levels.count() >= 1
    assert editors.permissions.filter(codename="publish_applicationformschema").exists()


def test_a_conflicting_bureau_stops_the_run_and_changes_nothing():
    Authority.objects.create(name="北京市质量技术监督局", authority_level=AuthorityLevel.PROVINCIAL, region_id="110000")
    with pytest.raises(CommandError) as caught:
        setup()
    message = str(caught.value)
    assert "110000" in message and "北京市质量技术监督局" in message and "北京市市场监督管理局" in message
    assert "未做任何修改" in message
    assert Organisation.objects.count() == 1
    assert not Group.objects.filter(name__in=GROUPS).exists()
    assert not HomePage.objects.exists() and not ApplicationFormSchema.objects.exists()


def test_a_conflict_on_a_loaded_site_recreates_nothing(first_output):
    LicenseItemPage.objects.get(slug="elevator-repair").delete()
    Authority.objects.filter(authority_level=AuthorityLevel.NATIONAL).update(name="国家质量监督检验检疫总局")
    before = counts()
    with pytest.raises(CommandError, match="国家级审批机关在数据库中名为“国家质量监督检验检疫总局”"):
        setup()
    assert counts() == before
    assert not LicenseItemPage.objects.filter(slug="elevator-repair").exists()


def test_a_page_of_another_type_on_a_needed_slug_is_a_conflict(first_output):
    guide = GuidePage.objects.get()
    guide.slug = "guide-old"
    guide.save_revision().publish()
    HomePage.objects.get().add_child(instance=LicenseCatalogPage(title="指南（错放）", slug="guide"))
    before = counts()
    with pytest.raises(CommandError, match="slug 为“guide”的页面“指南（错放）”"):
        setup()
    assert counts() == before


def test_the_apps_hold_nothing_of_the_demo():
    """Everything demo lives in demo/ (dev, test and bench settings only): no file of the apps a
    production site runs mentions it, data files and comments included."""
    base = Path(settings.BASE_DIR)
    for app in ("accounts", "cms", "forms_config", "workflows"):
        for path in (base / app).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert b"demo" not in path.read_bytes(), path
