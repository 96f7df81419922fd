"""预览: an editor sees a form as applicants will, from the edit page's unsaved state, through
Wagtail's preview panel (POST the edit form to the preview URL, then GET it in a mode)."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from forms_config.models import ApplicationFormSchema
from forms_config.preview import CHECK_PAGE
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

SCHEMA_URLS = "wagtailsnippets_forms_config_applicationformschema"
NO_CONDITION = {"field": "", "value": ""}


def listed(values):
    """A ListBlock as the admin posts it."""
    data = {"count": len(values)}
    for index, value in enumerate(values):
        data[str(index)] = {"value": value, "deleted": "", "order": index, "id": ""}
    return data


def field(type_, label, key, required=True, show_when=NO_CONDITION, **extra):
    value = {"label": label, "key": key, "help_text": "", "prefill": "", "show_when": show_when, **extra}
    if required:
        value["required"] = "on"
    return (type_, value)


def page(title, fields, key="", show_when=NO_CONDITION, intro=""):
    return ("page", {"title": title, "key": key, "intro": intro, "show_when": show_when, "fields": streamfield(fields)})


def edit_form(title, pages):
    return nested_form_data({"title": title, "description": "", "pages": streamfield(pages)})


BASIC = page(
    "申请单位基本情况",
    [
        field("singleline", "申请单位名称", "name"),
        field("radio", "是否设有分支机构", "has_branches", choices=listed(["是", "否"])),
        field("singleline", "分支机构名称", "branch_name", show_when={"field": "has_branches", "value": "是"}),
    ],
    key="basic",
)
STAFF = page(
    "技术人员",
    [
        field(
            "table",
            "技术负责人",
            "technical_staff",
            columns=listed(
                [
                    {"label": "姓名", "key": "name", "type": "text", "required": "on"},
                    {"label": "证书编号", "key": "certificate", "type": "text", "required": "on"},
                ]
            ),
            min_rows="",
            max_rows="20",
        ),
        field("file", "营业执照", "licence", allowed_types=listed([]), max_size_mb="10", download=""),
        field("file", "许可项目表", "items_table", allowed_types=listed([]), max_size_mb="10", download="items_table"),
    ],
    key="staff",
)
BRANCHES = page(
    "分支机构情况",
    [field("multiline", "分支机构说明", "branch_notes")],
    key="branches",
    show_when={"field": "has_branches", "value": "是"},
)


@pytest.fixture
def editor(client):
    user = UserFactory(is_staff=True, is_superuser=True, organisation=None)
    client.force_login(user)
    return user


@pytest.fixture
def schema():
    """A published form with one page: what the edit page starts from."""
    schema = ApplicationFormSchema(
        title="锅炉制造许可申请书", pages=[("page", {"title": "基本情况", "key": "old", "fields": []})]
    )
    schema.save()
    schema.save_revision().publish()
    return schema


def preview_url(schema):
    return reverse(f"{SCHEMA_URLS}:preview_on_edit", args=[schema.pk])


def preview(client, url, data, mode=""):
    """What the preview panel does: post the edit form's state, then load the preview in a mode."""
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.json() == {"is_valid": True, "is_available": True}, response.json()
    response = client.get(url, {"mode": mode, "in_preview_panel": "true"})
    assert response.status_code == 200
    return response.content.decode()


def field_div(html, key):
    match = re.search(rf'<div class="field[^"]*"[^>]*id="field-f-{key}"[^>]*>', html)
    assert match, f"field {key} is not on the preview"
    return match.group(0)


def test_the_preview_shows_the_unsaved_pages_and_fields_as_the_applicant_sees_them(client, editor, schema):
    html = preview(client, preview_url(schema), edit_form("锅炉制造许可申请书（修订）", [BASIC, STAFF, BRANCHES]))
    assert "锅炉制造许可申请书（修订）" in html
    for text in ("申请单位基本情况", "技术人员", "分支机构情况", "申请单位名称", "是否设有分支机构", "技术负责人"):
        assert text in html, text
    # The applicant's own markup: the field partial of the form page, its name and type.
    assert 'name="f-name"' in html and "type-singleline" in field_div(html, "name")
    assert 'type="radio"' in html and 'name="f-has_branches"' in html
    # Nothing is saved: the snippet still holds its published page only, no new revision.
    schema.refresh_from_db()
    assert schema.title == "锅炉制造许可申请书" and schema.pages[0].value["title"] == "基本情况"
    assert schema.revisions.count() == 1


def test_display_conditions_hide_and_name_their_controller(client, editor, schema):
    html = preview(client, preview_url(schema), edit_form("申请书", [BASIC, STAFF, BRANCHES]))
    branch = field_div(html, "branch_name")
    assert 'data-show-when-field="f-has_branches"' in branch and 'data-show-when-value="是"' in branch
    assert " hidden" in branch  # hidden until the applicant answers 是 (static/js/show_when.js)
    assert " hidden" not in field_div(html, "name")
    # The conditional page waits for the same answer, and the editor is told why.
    section = re.search(r'<section class="preview-page" id="preview-page-3"[^>]*>', html).group(0)
    assert 'data-show-when-field="f-has_branches"' in section and " hidden" in section
    assert "本页只在“是否设有分支机构”等于“是”时显示。" in html
    assert "data-show-when-form" in html and "js/show_when.js" in html


def test_table_rows_and_upload_fields_are_shown_but_nothing_can_be_uploaded(client, editor, schema):
    html = preview(client, preview_url(schema), edit_form("申请书", [BASIC, STAFF]), mode="page-2")
    assert 'data-form-widget="table"' in html and "姓名" in html and "证书编号" in html
    assert "js/form_widgets.js" in html
    upload = re.search(r'<input type="file"[^>]*name="f-licence"[^>]*>', html)
    assert upload and "disabled" in upload.group(0)
    # The 许可项目表 is generated from an application's items: named, not linked, in a preview.
    assert "下载许可项目表（PDF）" in html and "items-table.pdf" not in html
    # One page mode: the other page is a link, not on the screen.
    assert 'href="?mode=page-1"' in html and "申请单位名称" not in html


def test_the_check_page_lists_every_field_still_to_fill(client, editor, schema):
    html = preview(client, preview_url(schema), edit_form("申请书", [BASIC, STAFF, BRANCHES]), mode=CHECK_PAGE)
    assert "核对并提交" in html
    assert 'id="check-page-1"' in html and 'id="check-page-2"' in html
    assert 'id="check-page-3"' not in html  # its condition does not hold for an empty draft
    assert "（未填写）" in html and "（未上传）" in html
    problems = html[html.index('id="problems-title"') :]
    assert "申请单位名称" in problems and "营业执照" in problems and "分支机构名称" not in problems
    assert 'href="?mode=page-1"' in problems


def test_a_new_form_is_previewed_before_it_is_ever_saved(client, editor):
    url = reverse(f"{SCHEMA_URLS}:preview_on_add")
    html = preview(client, url, edit_form("新表单", [BASIC]))
    assert "申请单位名称" in html
    assert not ApplicationFormSchema.objects.exists()
    # The name comes first, as for saving (the autosave never keeps an unnamed form).
    assert client.post(url, edit_form("", [BASIC])).json()["is_valid"] is False


def test_the_preview_modes_are_all_pages_each_page_and_the_check_page(schema):
    assert [mode for mode, _label in schema.preview_modes] == ["", "page-1", CHECK_PAGE]
    assert [str(label) for _mode, label in schema.preview_modes] == ["全部各页", "第1页：基本情况", "核对页"]


def test_only_who_may_edit_the_form_previews_it(client, schema):
    onlooker = UserFactory(is_staff=True, organisation=None)
    group = Group.objects.create(name="只能进入后台")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    onlooker.groups.add(group)
    client.force_login(onlooker)
    url = preview_url(schema)
    for response in (client.post(url, edit_form("申请书", [BASIC])), client.get(url)):
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert "申请单位名称" not in client.get(url, follow=True).content.decode()
