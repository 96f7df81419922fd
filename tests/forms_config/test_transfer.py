"""表单导入/导出: an application form schema leaves one site as JSON and arrives on another (or the
same one) as a new draft, checked as strictly as the admin's own form (forms_config.transfer)."""

import copy
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from forms_config import reference_data, transfer
from forms_config.models import ApplicationFormSchema, FormSchemaVersion
from tests.support.factories import OrganisationFactory, UserFactory
from tests.support.http import scan

pytestmark = pytest.mark.django_db

NS = "wagtailsnippets_forms_config_applicationformschema"


STANDARD = reference_data.form_data(reference_data.APPLICATION_FORM)


@pytest.fixture
def standard():
    """The standard application form, as setup_portal creates it (forms_config/data/)."""
    schema, created = reference_data.load_form(reference_data.APPLICATION_FORM)
    assert created
    return schema


@pytest.fixture
def exported(standard):
    return json.loads(transfer.dumps(transfer.export_schema(standard)))


def staff(*actions, organisation=None):
    """A staff user with access to the admin and the form-schema permissions `actions`."""
    user = UserFactory(is_staff=True, organisation=organisation)
    codenames = ["access_admin", *(f"{action}_applicationformschema" for action in actions)]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def import_messages(data, **kwargs):
    before = ApplicationFormSchema.objects.count()
    with pytest.raises(transfer.SchemaImportError) as caught:
        transfer.import_schema(data, **kwargs)
    assert ApplicationFormSchema.objects.count() == before, "a refused import created a form"
    return caught.value.messages


def field(data, page, index):
    return data["pages"][page]["value"]["fields"][index]


def walk(value):
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk(v)


# --- the format ------------------------------------------------------------------------------


def test_the_export_is_the_documented_format_without_block_ids(standard, exported):
    assert list(exported) == ["format", "version", "exported_at", "name", "description", "pages"]
    assert exported["format"] == "tsxk-application-form" and exported["version"] == 1
    assert exported["name"] == STANDARD["name"]
    assert exported["description"] == STANDARD["description"]
    assert [p["value"]["key"] for p in exported["pages"]] == [p["value"]["key"] for p in STANDARD["pages"]]
    assert not any("id" in node for node in walk(exported["pages"]))
    # A table's columns are plain objects, not ListBlock's {"type": "item", ...} wrappers.
    columns = field(exported, 2, 0)["value"]["columns"]
    assert columns[0] == {"label": "姓名", "key": "name", "type": "text", "required": True}


def test_the_export_is_the_latest_draft_by_default_and_the_published_content_with_live(standard):
    standard.title = "改过的名称"
    standard.save_revision()  # a draft: the row keeps the published content
    assert transfer.export_schema(standard)["name"] == "改过的名称"
    assert (
        transfer.export_schema(ApplicationFormSchema.objects.get(pk=standard.pk), live=True)["name"]
        == (STANDARD["name"])
    )


def test_the_file_name_is_the_titles_pinyin_or_the_id(standard):
    assert transfer.export_filename(standard) == "te-chong-she-bei-sheng-chan-dan-wei-xu-ke-shen-qing-shu.json"
    standard.title = "！！"
    assert transfer.export_filename(standard) == f"application-form-{standard.pk}.json"


# --- round trip and copies -----------------------------------------------------------------


def test_round_trip_of_the_standard_form_gives_the_same_pages_and_once_published_the_same_schema(standard, exported):
    imported = transfer.import_schema(exported)

    assert imported.pk != standard.pk
    assert imported.title == f"{STANDARD['name']}（导入）"
    assert imported.description == STANDARD["description"]
    assert not imported.live and imported.live_revision is None
    assert imported.revisions.count() == 1
    again = transfer.export_schema(imported)
    assert again["pages"] == exported["pages"]

    imported.get_latest_revision().publish()
    imported.refresh_from_db()
    original, copy_ = FormSchemaVersion.objects.freeze(standard), FormSchemaVersion.objects.freeze(imported)
    assert copy_.pk != original.pk  # the title is part of the frozen definition

    def described(version):
        schema = version.parsed
        return (
            [(page.key, page.title) for page in schema.pages],
            [
                (f.key, f.type, f.label, f.value.get("required"), f.value.get("show_when"))
                for f in schema.fields_by_key.values()
            ],
        )

    assert described(copy_) == described(original)
    assert list(copy_.parsed.fields_by_key) == [
        f["value"]["key"] for p in STANDARD["pages"] for f in p["value"]["fields"]
    ]


def test_an_import_on_the_same_site_is_a_copy_with_a_new_name_and_leaves_the_original_alone(standard, exported):
    before = standard.definition()
    first = transfer.import_schema(exported)
    second = transfer.import_schema(exported)
    named = transfer.import_schema(exported, name="  2027 版申请书 ")
    named_again = transfer.import_schema(exported, name="2027 版申请书")

    assert first.title == f"{STANDARD['name']}（导入）"
    assert second.title == f"{STANDARD['name']}（导入 2）"
    assert named.title == "2027 版申请书"
    assert named_again.title == "2027 版申请书（2）"
    standard.refresh_from_db()
    assert standard.definition() == before and standard.live
    assert ApplicationFormSchema.objects.count() == 5


def test_a_long_name_is_shortened_to_fit_with_its_suffix(exported):
    exported["name"] = "表" * 200
    first = transfer.import_schema(exported)
    second = transfer.import_schema(exported)
    assert len(first.title) == len(second.title) == 200
    assert first.title.endswith("（导入）") and second.title.endswith("（导入 2）")


def test_the_stored_streamfield_json_with_block_ids_imports_too(standard, exported):
    # E.g. copied out of the database: ids and ListBlock item wrappers; the copy gets new ids.
    stored = standard.pages.stream_block.get_prep_value(standard.pages.stream_block.clean(standard.pages))
    assert stored[0]["id"] and field({"pages": stored}, 2, 0)["value"]["columns"][0]["type"] == "item"
    imported = transfer.import_schema({**exported, "pages": stored})
    assert transfer.export_schema(imported)["pages"] == exported["pages"]
    assert imported.pages[0].id != standard.pages[0].id


def test_missing_keys_are_filled_from_labels_as_the_editor_would_get_them(exported):
    field(exported, 0, 0)["value"]["key"] = ""
    imported = transfer.import_schema(exported)
    assert imported.pages[0].value["fields"][0].value["key"] == "dan_wei_ming_cheng"


# --- refused files -------------------------------------------------------------------------


def test_a_file_that_is_not_json_is_refused_with_where_the_error_is():
    with pytest.raises(transfer.SchemaImportError) as caught:
        transfer.load_json(b'{"format": "tsxk-application-form",\n  "version": 1,,}')
    assert caught.value.messages == ["文件不是有效的 JSON：第 2 行第 16 列附近有错误。"]
    for content in (b"\xff\xfe\x00bad", b"[NaN]", b"[" * 100_000):
        with pytest.raises(transfer.SchemaImportError):
            transfer.load_json(content)


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(transfer.SchemaImportError) as caught:
        transfer.load_json(b" " * (transfer.MAX_IMPORT_BYTES + 1))
    assert caught.value.messages == ["文件太大：导入文件不能超过 1024 KB。"]


def test_a_utf8_file_with_a_byte_order_mark_is_read(exported):
    assert transfer.load_json(b"\xef\xbb\xbf" + transfer.dumps(exported).encode())["name"] == exported["name"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(format="something-else"),
            "文件不是申请书表单的导出文件（format 应为“tsxk-application-form”）。",
        ),
        (lambda d: d.pop("format"), "文件不是申请书表单的导出文件（format 应为“tsxk-application-form”）。"),
        (lambda d: d.update(version=2), "文件的格式版本为 2，本站只能导入版本 1：请升级本站后再导入。"),
        (lambda d: d.update(version="1"), "文件的格式版本（version）无效。"),
        (lambda d: d.update(name=""), "文件缺少表单名称（name）。"),
        (lambda d: d.update(pages=[]), "文件中没有申请书的页（pages 应为至少含一页的列表）。"),
        (lambda d: d.update(pages={"page": 1}), "文件中没有申请书的页（pages 应为至少含一页的列表）。"),
    ],
)
def test_a_wrong_format_or_version_is_refused(exported, change, message):
    change(exported)
    assert message in import_messages(exported)


def test_a_json_value_that_is_not_an_object_is_refused():
    assert import_messages([1, 2]) == ["文件不是申请书表单的导出文件：内容应为一个 JSON 对象。"]


def test_an_unknown_field_type_is_refused_with_its_page_and_field(exported):
    field(exported, 1, 2)["type"] = "signature"
    [message] = import_messages(exported)
    assert message.startswith("第 2 页“申请类别”，第 3 个字段“已持有许可证编号”：未知的字段类型“signature”。")
    assert "singleline" in message


def test_an_unknown_block_or_setting_is_refused_rather_than_dropped(exported):
    exported["pages"].append({"type": "chapter", "value": {}})
    field(exported, 0, 0)["value"]["colour"] = "red"
    messages = import_messages(exported)
    assert "第 1 页“申请单位基本情况”，第 1 个字段“单位名称”：未知的设置：colour。" in messages
    assert "第 7 页：未知的类型“chapter”：申请书的每一项都应是页（page）。" in messages


def test_duplicate_keys_are_refused_with_the_fields_where_they_are(exported):
    field(exported, 5, 1)["value"]["key"] = "org_name"
    messages = import_messages(exported)
    duplicate = "字段键“org_name”在本表单中重复，每个字段的字段键必须唯一。"
    assert messages == [
        f"第 1 页“申请单位基本情况”，第 1 个字段“单位名称”：{duplicate}",
        f"第 6 页“承诺书”，第 2 个字段“承诺日期”：{duplicate}",
    ]


def test_a_bad_key_is_refused(exported):
    field(exported, 0, 1)["value"]["key"] = "Bad Key"
    assert import_messages(exported) == [
        "第 1 页“申请单位基本情况”，第 2 个字段“统一社会信用代码”："
        "字段键“Bad Key”无效：只能包含小写字母、数字和下划线，以字母开头，最长 50 个字符。"
    ]


def test_a_bad_column_key_is_refused(exported):
    field(exported, 2, 0)["value"]["columns"][1]["key"] = "ID-number"
    assert import_messages(exported) == [
        "第 3 页“资源条件（人员）”，第 1 个字段“技术人员”，列第 2 项“身份证号码”，列键："
        "字段键“ID-number”无效：只能包含小写字母、数字和下划线，以字母开头，最长 50 个字符。"
    ]


def test_values_the_blocks_refuse_are_reported_in_chinese(exported):
    field(exported, 0, 0)["value"]["label"] = ""
    field(exported, 0, 0)["value"]["prefill"] = "user.id_number"
    field(exported, 3, 2)["value"]["max_size_mb"] = 10_000
    messages = import_messages(exported)
    assert messages == [
        "第 1 页“申请单位基本情况”，第 1 个字段，标签：必需字段",
        "第 1 页“申请单位基本情况”，第 1 个字段，从账号信息预填："
        "选择一个有效的选项。 user.id_number 不在可用的选项中。",
        "第 4 页“资源条件（设备与场地）”，第 3 个字段“场地证明”，单个文件大小上限（MB）：确保该值小于或等于50。",
    ]


def test_values_of_the_wrong_json_type_are_refused_without_a_crash(exported):
    broken = copy.deepcopy(exported)
    broken["pages"][0]["value"]["fields"] = {"not": "a list"}
    broken["pages"][1]["value"] = ["not", "an", "object"]
    broken["pages"][2]["value"]["fields"][0]["value"]["label"] = {"zh": "技术人员"}
    broken["pages"][3] = "page"
    messages = import_messages(broken)
    assert "第 1 页“申请单位基本情况”：应为列表。" in messages
    assert "第 2 页：应为 JSON 对象。" in messages
    assert "第 3 页“资源条件（人员）”，第 1 个字段，标签：值的类型有误。" in messages
    assert "第 4 页：格式有误：每一项应包含 type 和 value。" in messages


def test_a_very_long_list_of_problems_is_cut_short(exported):
    exported["pages"] *= 2
    for page in exported["pages"]:
        for item in page["value"]["fields"]:
            item["type"] = "unknown"
    messages = import_messages(exported)
    assert len(messages) == transfer.MAX_MESSAGES + 1
    assert messages[-1].startswith("……另有")


# --- who may ----------------------------------------------------------------------------------


def test_the_service_refuses_a_user_who_may_not_add_form_schemas(exported):
    with pytest.raises(PermissionDenied):
        transfer.import_schema(exported, user=staff("change", "view"))
    assert transfer.import_schema(exported, user=staff("add")).revisions.get().user is not None


def test_an_editor_without_add_permission_cannot_import_but_can_export(client, standard, exported):
    client.force_login(staff("view", "change"))
    response = client.get(reverse(f"{NS}:import"))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    upload = SimpleUploadedFile("form.json", transfer.dumps(exported).encode(), content_type="application/json")
    response = client.post(reverse(f"{NS}:import"), {"file": upload})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert ApplicationFormSchema.objects.count() == 1
    assert client.get(reverse(f"{NS}:export", args=[standard.pk])).status_code == 200
    listing = client.get(reverse(f"{NS}:list")).content.decode()
    assert reverse(f"{NS}:import") not in listing
    assert reverse(f"{NS}:export", args=[standard.pk]) in listing


def test_authority_staff_reach_neither_view(client, standard):
    client.force_login(staff(organisation=OrganisationFactory(provincial_authority=True)))
    for url in (reverse(f"{NS}:import"), reverse(f"{NS}:export", args=[standard.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url


def test_visitors_and_applicants_are_sent_to_the_admin_login(client, standard):
    url = reverse(f"{NS}:export", args=[standard.pk])
    assert client.get(url)["Location"].startswith("/admin/login/")
    client.force_login(UserFactory())
    assert client.get(url)["Location"].startswith("/admin/login/")


# --- the admin views --------------------------------------------------------------------------


def test_export_downloads_the_json_file(client, standard):
    client.force_login(staff("view"))
    response = client.get(reverse(f"{NS}:export", args=[standard.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="te-chong-she-bei-sheng-chan-dan-wei-xu-ke-shen-qing-shu.json"'
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = json.loads(response.content.decode("utf-8"))
    assert data["name"] == STANDARD["name"] and data["pages"] == transfer.export_schema(standard)["pages"]
    assert client.get(reverse(f"{NS}:export", args=[standard.pk + 999])).status_code == 404
    assert client.post(reverse(f"{NS}:export", args=[standard.pk])).status_code == 405


def test_the_listing_and_the_edit_page_offer_the_buttons(client, standard):
    client.force_login(staff("add", "change", "view"))
    listing = client.get(reverse(f"{NS}:list")).content.decode()
    assert reverse(f"{NS}:import") in listing and "导入表单" in listing
    assert reverse(f"{NS}:export", args=[standard.pk]) in listing
    edit = client.get(reverse(f"{NS}:edit", args=[standard.pk])).content.decode()
    assert reverse(f"{NS}:export", args=[standard.pk]) in edit and "导出 JSON" in edit


def test_the_import_form_is_a_multipart_upload_without_inline_script(client):
    client.force_login(staff("add"))
    response = client.get(reverse(f"{NS}:import"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html and 'name="name"' in html
    assert scan(response).problems == []


def test_an_upload_creates_the_draft_and_goes_to_its_edit_page(client, standard, exported):
    client.force_login(staff("add", "change", "view"))
    upload = SimpleUploadedFile("form.json", transfer.dumps(exported).encode(), content_type="application/json")
    response = client.post(reverse(f"{NS}:import"), {"file": upload, "name": "新申请书"})
    imported = ApplicationFormSchema.objects.get(title="新申请书")
    assert response.status_code == 302 and response["Location"] == reverse(f"{NS}:edit", args=[imported.pk])
    assert not imported.live
    page = client.get(response["Location"]).content.decode()
    assert "已导入申请书表单“新申请书”。它是草稿，检查无误后请发布。" in page


def test_a_bad_upload_shows_the_form_again_with_the_messages(client, standard, exported):
    client.force_login(staff("add", "change", "view"))
    field(exported, 1, 2)["type"] = "signature"
    upload = SimpleUploadedFile("form.json", transfer.dumps(exported).encode(), content_type="application/json")
    response = client.post(reverse(f"{NS}:import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "未知的字段类型“signature”" in html and "第 2 页“申请类别”" in html
    assert "未能导入表单，请按提示修改后重试。" in html

    too_big = SimpleUploadedFile("big.json", b" " * (transfer.MAX_IMPORT_BYTES + 1))
    assert "文件太大" in client.post(reverse(f"{NS}:import"), {"file": too_big}).content.decode()
    not_json = SimpleUploadedFile("form.json", b"<html>")
    assert "文件不是有效的 JSON" in client.post(reverse(f"{NS}:import"), {"file": not_json}).content.decode()
    assert ApplicationFormSchema.objects.count() == 1


# --- the commands -----------------------------------------------------------------------------


def test_the_commands_move_a_form_through_a_file(standard, tmp_path, capsys):
    path = tmp_path / "form.json"
    call_command("export_form_schema", str(standard.pk), "-o", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["pages"] == transfer.export_schema(standard)["pages"]

    call_command("import_form_schema", str(path), "--name", "从文件导入")
    imported = ApplicationFormSchema.objects.get(title="从文件导入")
    assert not imported.live and transfer.export_schema(imported)["pages"] == data["pages"]
    assert "已导入申请书表单“从文件导入”" in capsys.readouterr().out

    call_command("export_form_schema", str(standard.pk), "--live")
    assert json.loads(capsys.readouterr().out)["name"] == STANDARD["name"]


def test_the_commands_report_problems(standard, tmp_path):
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_form_schema", str(standard.pk + 999))
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_form_schema", str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(CommandError, match="format 应为"):
        call_command("import_form_schema", str(bad))
    assert ApplicationFormSchema.objects.count() == 1
