"""版本: the publications of an application form, their authors, use and diffs (forms_config.versions)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from forms_config.models import FormSchemaVersion
from forms_config.versions import ADDED, CHANGED, REMOVED, diff_definitions, published_versions, revision_definition
from tests.support.builders import ApplicationFactory, field, make_catalogue, page, publish_pages, simple_pages
from tests.support.factories import UserFactory
from tests.support.form_admin import SCHEMA_URLS, admin_field, admin_page, publish_in_admin

pytestmark = pytest.mark.django_db


def definition(pages, title="申请书"):
    return {"title": title, "pages": [p["value"] for p in pages]}


def base_pages():
    return [
        page(
            "基本情况",
            "basic",
            [
                field("singleline", "企业名称", "name"),
                field("dropdown", "企业类型", "kind", choices=["国有", "民营"]),
                field("singleline", "备注", "note", required=False),
            ],
        ),
        page("质量体系", "quality", [field("multiline", "质量体系说明", "quality_system")]),
    ]


def by_subject(changes):
    return {change.subject: change for change in changes}


# ----- the diff ---------------------------------------------------------------------------------
def test_the_same_content_has_no_changes():
    assert diff_definitions(definition(base_pages()), definition(base_pages())) == []


def test_a_changed_field_lists_label_type_required_options_and_condition_by_its_key():
    new = base_pages()
    name, kind, note = new[0]["value"]["fields"]
    name["value"]["label"] = "申请单位名称"
    kind["type"] = "radio"
    kind["value"]["choices"] = ["国有", "外资"]
    note["value"]["required"] = True
    note["value"]["show_when"] = {"field": "kind", "value": "外资"}
    changes = by_subject(diff_definitions(definition(base_pages()), definition(new)))

    assert changes["字段“申请单位名称”"].kind == CHANGED and changes["字段“申请单位名称”"].key == "name"
    assert changes["字段“申请单位名称”"].details == ["标签：“企业名称” → “申请单位名称”"]
    assert changes["字段“企业类型”"].details == ["类型：下拉选择 → 单选", "选项：新增 “外资”；删除 “民营”"]
    assert changes["字段“备注”"].details == [
        "必填：否 → 是",
        "显示条件：始终显示 → “企业类型”等于“外资”时显示",
    ]
    assert len(changes) == 3


def test_added_and_removed_pages_and_fields_are_listed_once_with_their_contents():
    new = base_pages()[:1]
    new[0]["value"]["fields"].pop()  # 备注 removed
    new[0]["value"]["fields"].append(field("date", "成立日期", "founded"))
    new.append(page("检验能力", "testing", [field("multiline", "检验能力说明", "testing_note")]))
    changes = diff_definitions(definition(base_pages()), definition(new))

    assert [(c.kind, c.subject, c.key) for c in changes] == [
        (ADDED, "字段“成立日期”", "founded"),
        (ADDED, "页“检验能力”", "testing"),
        (REMOVED, "字段“备注”", "note"),
        (REMOVED, "页“质量体系”", "quality"),
    ]
    assert changes[0].details == ["在页“基本情况”，类型：日期，必填"]
    assert changes[1].details == ["1 个字段：检验能力说明"]
    assert changes[2].details == ["在页“基本情况”，类型：单行文本，选填"]
    assert changes[3].details == ["1 个字段：质量体系说明"]


def test_a_page_retitled_moved_fields_and_reordered_pages():
    old = base_pages()
    new = base_pages()[::-1]
    basic = new[1]["value"]
    basic["title"] = "申请单位基本情况"
    basic["fields"].reverse()
    moved = basic["fields"].pop()  # 企业名称 moves to the other page
    new[0]["value"]["fields"].append(moved)
    changes = by_subject(diff_definitions(definition(old, "旧名"), definition(new, "新名")))

    assert changes["表单名称"].details == ["“旧名” → “新名”"]
    assert changes["页的顺序"].details == ["“基本情况、质量体系” → “质量体系、申请单位基本情况”"]
    assert changes["页“申请单位基本情况”"].details == [
        "页标题：“基本情况” → “申请单位基本情况”",
        "字段顺序已调整",
    ]
    assert changes["字段“企业名称”"].details == ["所在页：“基本情况” → “质量体系”"]


def test_table_columns_are_compared_by_their_keys():
    def table(columns):
        return [page("人员", "staff", [field("table", "人员表", "people", columns=columns)])]

    old = [{"label": "姓名", "key": "name", "type": "text", "required": True}]
    new = [
        {"label": "姓名", "key": "name", "type": "text", "required": False},
        {"label": "证书有效期", "key": "valid_until", "type": "date", "required": False},
    ]
    changes = diff_definitions(definition(table(old)), definition(table(new)))
    assert changes[0].details == ["列“姓名”的必填：是 → 否", "列：新增“证书有效期”"]


# ----- the versions -----------------------------------------------------------------------------
def test_each_publication_is_a_version_with_its_author_date_and_applications():
    catalogue = make_catalogue()
    schema = catalogue["form"]
    editor = UserFactory(is_staff=True, is_superuser=True, organisation=None, real_name="王编辑")
    applicant = UserFactory()
    ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    ApplicationFactory(user=applicant, levels=[catalogue["B"]])
    new = simple_pages()
    new[0]["value"]["fields"].append(field("singleline", "生产地址", "address"))
    schema.pages = new
    schema.save_revision(user=editor).publish(user=editor)
    schema.refresh_from_db()
    ApplicationFactory(user=applicant, levels=[catalogue["D"]])

    second, first = published_versions(schema)
    assert (first.number, first.changes, first.application_count, first.live) == (1, None, 2, False)
    assert first.published_by == "系统"  # make_form_schema publishes without a user, as setup_portal does
    assert (second.number, second.application_count, second.live, second.published_by) == (2, 1, True, "王编辑")
    assert [(c.kind, c.subject, c.key) for c in second.changes] == [(ADDED, "字段“生产地址”", "address")]
    assert second.published_at >= first.published_at
    assert second.summary == "共 2 页、4 个字段"


def test_a_revision_hashes_like_the_version_frozen_from_it():
    catalogue = make_catalogue()
    schema = catalogue["form"]
    draft = ApplicationFactory(user=UserFactory(), levels=[catalogue["D"]])
    version = FormSchemaVersion.objects.get(pk=draft.schema_version_id)
    assert revision_definition(schema.live_revision) == version.definition


def test_the_versions_page_shows_dates_authors_counts_and_the_diff_in_chinese(client):
    catalogue = make_catalogue()
    schema = catalogue["form"]
    ApplicationFactory(user=UserFactory(), levels=[catalogue["D"]])
    editor = UserFactory(is_staff=True, is_superuser=True, organisation=None, real_name="李编辑")
    client.force_login(editor)
    pages = [
        admin_page(
            "申请单位基本情况",
            [
                admin_field("singleline", "申请单位名称", key="qi_ye_ming_cheng", prefill="organisation.name"),
                admin_field("singleline", "法定代表人", key="fa_ding_dai_biao_ren"),
                admin_field("mobile", "联系电话", key="lian_xi_dian_hua"),
            ],
            key="basic",
        ),
        admin_page("质量保证体系", [admin_field("multiline", "质量保证体系说明", key="quality_system")], key="quality"),
    ]
    publish_in_admin(client, schema, pages)

    html = client.get(reverse(f"{SCHEMA_URLS}:versions", args=[schema.pk])).content.decode()
    assert "第 2 版" in html and "第 1 版" in html and "当前发布" in html
    assert "李编辑" in html and "系统" in html
    assert "1 份" in html and "0 份" in html
    assert "与第 1 版相比" in html and "首次发布" in html
    assert "字段“申请单位名称”（<code>qi_ye_ming_cheng</code>）" in html
    assert "标签：“企业名称” → “申请单位名称”" in html
    assert "字段“联系电话”（<code>lian_xi_dian_hua</code>）" in html and "类型：手机号" in html


def test_unpublished_changes_are_shown_apart_from_the_versions(client):
    schema = make_catalogue()["form"]
    pages = simple_pages()
    pages[1]["value"]["title"] = "质量管理体系"
    schema.pages = pages
    schema.save_revision()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    html = client.get(reverse(f"{SCHEMA_URLS}:versions", args=[schema.pk])).content.decode()
    assert "尚未发布的修改" in html and "页标题：“质量保证体系” → “质量管理体系”" in html


def test_the_edit_page_and_the_list_link_to_the_versions(client):
    schema = make_catalogue()["form"]
    client.force_login(UserFactory(is_staff=True, is_superuser=True, organisation=None))
    url = reverse(f"{SCHEMA_URLS}:versions", args=[schema.pk])
    assert url in client.get(reverse(f"{SCHEMA_URLS}:edit", args=[schema.pk])).content.decode()
    assert url in client.get(reverse(f"{SCHEMA_URLS}:list")).content.decode()


def staff_with(*codenames):
    user = UserFactory(is_staff=True, organisation=None)
    group = Group.objects.create(name="表单测试组" + "_".join(codenames))
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    group.permissions.add(*Permission.objects.filter(content_type__app_label="forms_config", codename__in=codenames))
    user.groups.add(group)
    return user


@pytest.mark.parametrize(
    ("codenames", "allowed"),
    [
        (("view_applicationformschema",), True),
        (("change_applicationformschema",), True),
        ((), False),
    ],
)
def test_who_may_see_the_versions(client, codenames, allowed):
    schema = make_catalogue()["form"]
    client.force_login(staff_with(*codenames))
    response = client.get(reverse(f"{SCHEMA_URLS}:versions", args=[schema.pk]))
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_a_republished_identical_content_says_nothing_changed():
    schema = make_catalogue()["form"]
    publish_pages(schema, simple_pages())
    latest, first = published_versions(schema)
    assert latest.changes == [] and latest.content_hash == first.content_hash
