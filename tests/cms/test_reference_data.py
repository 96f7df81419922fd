"""`setup_portal`'s portal content: the licence catalogue, the standard application form, the operating
guide and the home page's service entries (cms/reference_data.py, cms/data/*.json,
forms_config/reference_data.py, forms_config/data/*.json)."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page, Revision

from cms import reference_data
from cms.models import (
    Activity,
    ApprovalLevel,
    EquipmentCategory,
    GuidePage,
    HomePage,
    LicenseCatalogPage,
    LicenseItemPage,
    LicenseLevel,
)
from forms_config import reference_data as forms_data
from forms_config.blocks import SchemaPagesBlock
from forms_config.field_types import PREFILL_CHOICES
from forms_config.keys import KEY_RE
from forms_config.models import ApplicationFormSchema, FormSchemaVersion
from tests.support.factories import UserFactory
from workflows import services

User = get_user_model()
CATALOGUE = reference_data.catalogue_data()["items"]
FORM = forms_data.form_data(forms_data.APPLICATION_FORM)


@pytest.fixture(scope="module")
def portal_db(django_db_setup, django_db_blocker):
    """The reference data loaded once for the module (it builds ~70 pages); each test runs in a
    savepoint inside this transaction, and the whole module's data is rolled back at the end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("setup_portal", stdout=StringIO())
            yield
            transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("portal_db")]


def counts():
    return {
        "pages": Page.objects.count(),
        "items": LicenseItemPage.objects.count(),
        "levels": LicenseLevel.objects.count(),
        "forms": ApplicationFormSchema.objects.count(),
        "revisions": Revision.objects.count(),
        "guides": GuidePage.objects.count(),
    }


def item(slug):
    return LicenseItemPage.objects.get(slug=slug)


def level(slug, code):
    return item(slug).levels.get(code=code)


def the_form():
    return ApplicationFormSchema.objects.get(title=FORM["name"])


# ----- idempotence and editors' changes -------------------------------------------------------------


def test_loading_again_changes_nothing():
    before = counts()
    home = HomePage.objects.get()
    services_before = home.services.get_prep_value()
    call_command("setup_portal", stdout=StringIO())
    assert counts() == before
    home.refresh_from_db()
    assert [s["value"]["title"] for s in home.services.get_prep_value()] == [
        s["value"]["title"] for s in services_before
    ]


def test_an_editors_changes_survive_and_a_deleted_item_comes_back():
    edited = item("boiler-manufacture")
    edited.title = "锅炉制造（编辑修改）"
    edited.save_revision().publish()
    item("elevator-repair").delete()
    home = HomePage.objects.get()
    home.services = [{"type": "service", "value": {"title": "编辑设置的事项", "action_label": "在线办理"}}]
    home.save_revision().publish()

    call_command("setup_portal", stdout=StringIO())

    assert item("boiler-manufacture").title == "锅炉制造（编辑修改）"
    assert item("elevator-repair").levels.count() == len(
        next(e for e in CATALOGUE if e["slug"] == "elevator-repair")["levels"]
    )
    home.refresh_from_db()
    assert [s.value["title"] for s in home.services] == ["编辑设置的事项"]


# ----- the catalogue ------------------------------------------------------------------------------------


def test_catalogue_page_under_the_home_page():
    home = HomePage.objects.get()
    catalogue = LicenseCatalogPage.objects.get()
    assert catalogue.get_parent().specific == home
    assert (catalogue.title, catalogue.slug, catalogue.live) == ("许可目录", "catalogue", True)
    assert LicenseItemPage.objects.child_of(catalogue).count() == LicenseItemPage.objects.count()


def test_dozens_of_items_covering_every_category():
    items = LicenseItemPage.objects.all()
    assert items.count() == len(CATALOGUE) == 69
    assert set(items.values_list("category", flat=True)) == set(EquipmentCategory.values)
    activities = set(items.values_list("activity", flat=True))
    assert activities == set(Activity.values)
    assert not items.filter(live=False).exists()


def test_every_item_is_complete():
    form = the_form()
    for page in LicenseItemPage.objects.prefetch_related("levels"):
        assert re.fullmatch(r"[a-z0-9-]+", page.slug), page.slug
        assert page.levels.count() >= 1, page.title
        assert 2 <= len(page.required_attachments) <= 4, page.title
        names = [block.value["name"] for block in page.required_attachments]
        assert "营业执照" in names and "许可项目表" in names
        assert f"{page.acceptance_days} 个工作日内作出受理" in page.guidance, page.title
        assert f"{page.decision_days} 个工作日内作出是否准予许可" in page.guidance, page.title
        assert "许可证有效期为4年" in page.guidance
        assert page.application_form_id == form.pk
        assert page.title.startswith(page.item_name)
        if page.sub_item:
            assert page.title == f"{page.item_name}（{page.sub_item}）"


@pytest.mark.parametrize(
    ("slug", "code", "authority"),
    [
        # The examples in docs/domain.md (the licence catalogue).
        ("pressure-vessel-manufacture-fixed", "A1", ApprovalLevel.NATIONAL),
        ("pressure-vessel-manufacture-fixed", "A2", ApprovalLevel.PROVINCIAL),
        ("pressure-vessel-manufacture-fixed", "A3", ApprovalLevel.NATIONAL),
        ("pressure-vessel-manufacture-fixed", "A4", ApprovalLevel.NATIONAL),
        ("pressure-vessel-manufacture-fixed", "A6", ApprovalLevel.NATIONAL),
        ("pressure-vessel-manufacture-fixed", "D", ApprovalLevel.PROVINCIAL),
        ("pressure-vessel-manufacture-mobile", "C1", ApprovalLevel.NATIONAL),
        ("pressure-vessel-manufacture-mobile", "C2", ApprovalLevel.NATIONAL),
        ("pressure-vessel-manufacture-mobile", "C3", ApprovalLevel.NATIONAL),
        ("pressure-vessel-design-fixed", "SAD", ApprovalLevel.NATIONAL),
        ("boiler-manufacture", "A", ApprovalLevel.NATIONAL),
        ("boiler-manufacture", "B", ApprovalLevel.PROVINCIAL),
        ("boiler-installation", "A", ApprovalLevel.NATIONAL),
        ("boiler-installation", "B", ApprovalLevel.PROVINCIAL),
        ("piping-design-long-distance", "GA", ApprovalLevel.NATIONAL),
        ("piping-installation-public", "GB1", ApprovalLevel.PROVINCIAL),
        ("piping-installation-industrial", "GC1", ApprovalLevel.PROVINCIAL),
        ("piping-installation-industrial", "GCD", ApprovalLevel.PROVINCIAL),
    ],
)
def test_national_and_provincial_levels(slug, code, authority):
    assert level(slug, code).effective_approval_level == authority


def test_a_level_inherits_its_items_authority_unless_it_differs():
    vessel = item("pressure-vessel-manufacture-fixed")
    assert vessel.approval_level == ApprovalLevel.PROVINCIAL
    assert vessel.levels.get(code="D").approval_level == ""
    assert vessel.levels.get(code="A1").approval_level == ApprovalLevel.NATIONAL
    assert item("pressure-vessel-manufacture-mobile").levels.filter(approval_level="").count() == 3


def test_levels_that_cover_others():
    assert level("boiler-manufacture", "A").covered_codes == ["B"]
    assert level("piping-installation-long-distance", "GA1").covered_codes == ["GA2"]
    assert level("piping-installation-industrial", "GC1").covered_codes == ["GC2"]
    assert level("piping-installation-industrial", "GCD").covered_codes == ["GC2"]


def test_levels_keep_the_catalogue_order():
    codes = list(item("pressure-vessel-manufacture-fixed").levels.order_by("sort_order").values_list("code", flat=True))
    assert codes == ["A1", "A2", "A3", "A4", "A5", "A6", "D"]


def test_items_in_the_catalogue_order():
    catalogue = LicenseCatalogPage.objects.get()
    slugs = list(LicenseItemPage.objects.child_of(catalogue).order_by("path").values_list("slug", flat=True))
    assert slugs == [entry["slug"] for entry in CATALOGUE]


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e["slug"] for e in CATALOGUE])
def test_catalogue_data_is_consistent(entry):
    assert entry["category"] in EquipmentCategory.values
    assert entry["activity"] in Activity.values
    assert entry["approval_level"] in ApprovalLevel.values
    codes = [lvl["code"] for lvl in entry["levels"]]
    assert len(codes) == len(set(codes)), "level codes repeat"
    for lvl in entry["levels"]:
        assert 0 < len(lvl["code"]) <= 50 and len(lvl["description"]) <= 255
        assert lvl.get("approval_level", entry["approval_level"]) in ApprovalLevel.values
        covered = [c.strip() for c in lvl.get("covers", "").split(",") if c.strip()]
        assert set(covered) <= set(codes) - {lvl["code"]}, "covers a level the item does not have"
    assert [e["slug"] for e in CATALOGUE].count(entry["slug"]) == 1
    assert set(entry) <= {
        "slug", "category", "activity", "item_name", "sub_item", "approval_level", "parameters_note", "levels",
        "extra_attachments", "note", "basis", "verify",
    }  # fmt: skip
    assert "verify" not in entry or "verify" in entry["verify"]


def test_the_catalogue_page_speaks_as_a_real_site():
    intro = LicenseCatalogPage.objects.get().intro
    assert "TSG 07-2019" in intro and "演示" not in intro


# ----- the standard application form ---------------------------------------------------------------------


def test_the_form_is_live_and_its_keys_unique():
    form = the_form()
    assert form.live and not form.has_unpublished_changes
    definition = form.definition()
    page_keys = [p["key"] for p in definition["pages"]]
    field_keys = [f["value"]["key"] for p in definition["pages"] for f in p["fields"]]
    assert 5 <= len(page_keys) <= 6
    assert len(set(page_keys)) == len(page_keys) and len(set(field_keys)) == len(field_keys)
    assert all(KEY_RE.match(key) for key in page_keys + field_keys)
    assert [p["title"] for p in definition["pages"]] == [
        "申请单位基本情况",
        "申请类别",
        "资源条件（人员）",
        "资源条件（设备与场地）",
        "质量保证体系",
        "承诺书",
    ]


def test_the_form_lacks_no_field():
    """Every field of the data file made it into the saved form (Wagtail drops unknown block types)."""
    saved = {f["value"]["key"] for p in the_form().definition()["pages"] for f in p["fields"]}
    wanted = {f["value"]["key"] for p in FORM["pages"] for f in p["value"]["fields"]}
    assert saved == wanted


def test_the_form_passes_the_form_builders_validation():
    block = SchemaPagesBlock()
    block.clean(block.to_python(the_form().pages.get_prep_value()))


def test_conditions_and_prefill_point_at_real_things():
    definition = the_form().definition()
    fields = {f["value"]["key"]: f for p in definition["pages"] for f in p["fields"]}
    sources = {value for value, _label in PREFILL_CHOICES}
    for key, spec in fields.items():
        condition = spec["value"].get("show_when") or {}
        if condition.get("field"):
            controller = fields[condition["field"]]
            assert set(condition["value"].split("|")) <= set(controller["value"]["choices"]), key
        if spec["value"].get("prefill"):
            assert spec["value"]["prefill"] in sources, key
    assert fields["original_license_number"]["value"]["show_when"] == {"field": "application_type", "value": "换证"}
    assert fields["change_description"]["value"]["show_when"] == {"field": "application_type", "value": "变更"}
    assert fields["application_type"]["value"]["choices"] == ["新申请", "增项", "换证", "变更"]


def test_every_page_of_the_frozen_form_builds_its_django_form():
    version = FormSchemaVersion.objects.freeze(the_form())
    schema = version.parsed
    for page in schema.pages:
        form = schema.page_form(page, {})
        assert list(form.fields) == [spec.key for spec in page.fields]
        assert not form.is_valid(), page.title  # every page has a required field
    basic = schema.page_form(schema.page(1), {}).errors
    assert {"org_name", "credit_code", "region", "contact_phone", "postcode"} <= set(basic)
    assert "email" not in basic


def test_the_renewal_number_is_asked_only_for_a_renewal():
    schema = FormSchemaVersion.objects.freeze(the_form()).parsed
    page = schema.page(2)
    assert "original_license_number" not in schema.page_form(page, {"application_type": "新申请"}).errors
    assert "original_license_number" in schema.page_form(page, {"application_type": "换证"}).errors


def test_an_enterprise_starts_an_application_prefilled_from_its_account():
    user = UserFactory()  # an enterprise in Beijing
    application = services.start_application(user, [level("pressure-vessel-manufacture-fixed", "D").pk])
    organisation = user.organisation
    assert application.authority.name == "北京市市场监督管理局"
    assert application.data["org_name"] == organisation.name
    assert application.data["credit_code"] == organisation.unified_social_credit_code
    assert application.data["address"] == organisation.address
    assert application.data["contact_phone"] == organisation.contact_mobile
    assert application.data["region"]

    national = services.start_application(user, [level("boiler-manufacture", "A").pk])
    assert national.authority.name == "国家市场监督管理总局"


def test_a_form_an_editor_has_saved_is_left_alone():
    schema = the_form()
    pages = schema.pages.get_prep_value()
    pages[0]["value"]["title"] = "申请单位情况（编辑修改）"
    schema.pages = pages
    schema.save_revision(user=UserFactory(is_staff=True)).publish()
    assert forms_data.load_form(forms_data.APPLICATION_FORM) == (schema, False)
    schema.refresh_from_db()
    assert schema.definition()["pages"][0]["title"] == "申请单位情况（编辑修改）"


# ----- the guide and the home page ----------------------------------------------------------------------


def test_guide_page_with_the_seed_guide():
    guide = GuidePage.objects.get()
    assert guide.get_parent().specific == HomePage.objects.get()
    assert (guide.title, guide.slug, guide.live) == ("操作指南", "guide", True)
    headings = [block.value for block in guide.body if block.block_type == "heading"]
    assert headings[:6] == [
        "1.1 系统注册与登录",
        "1.2 操作方法",
        "1.3 注册",
        "1.4 登录",
        "1.5 特种设备生产单位许可申请",
        "1.6 企业账号许可申请管理",
    ]
    for topic in ("补齐补正", "查看受理决定书", "协商鉴定评审时间", "评审反馈表"):
        assert topic in headings
    text = " ".join(str(block.value) for block in guide.body)
    for phrase in ("打印当前页", "用户类型选择说明", "“I、O、Z、S、V”", "市场监督管理总局", "第三步"):
        assert phrase in text
    assert "图" not in text  # the seed's figures are described in words


def test_home_page_service_entries():
    home = HomePage.objects.get()
    catalogue, guide = LicenseCatalogPage.objects.get(), GuidePage.objects.get()
    licence, management = [block.value for block in home.services]
    assert licence["title"] == "特种设备生产单位许可" and licence["action_label"] == "在线办理"
    assert licence["action_page"].pk == catalogue.pk and licence["guide_page"].pk == guide.pk
    assert management["title"] == "生产企业许可申请管理" and management["action_label"] == "直接办理"
    assert management["action_url"] == "/applications/" and management["action_page"] is None
    # What an editor opens in the admin is the latest revision: it must carry the entries too.
    assert len(home.get_latest_revision_as_object().services) == 2


def test_the_pages_render(client):
    assert "许可目录" in client.get("/catalogue/").content.decode()
    item_html = client.get("/catalogue/pressure-vessel-manufacture-fixed/").content.decode()
    assert "大型高压容器" in item_html and "许可项目表" in item_html
    assert "打印当前页" in client.get("/guide/").content.decode()
    assert client.get("/").status_code == 200


def test_guidance_names_the_authority():
    assert "国家市场监督管理总局审批。" in item("pressure-vessel-manufacture-mobile").guidance
    mixed = item("pressure-vessel-manufacture-fixed").guidance
    assert "A1、A3、A4、A6级别（参数）由国家市场监督管理总局审批" in mixed
    assert "省级市场监督管理部门审批" in item("piping-installation-public").guidance
    assert reference_data.guidance_html(CATALOGUE[0]).count("<p>") == 4
