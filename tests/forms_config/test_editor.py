"""An editor changes an application form in the Wagtail admin, the way the admin form posts it."""

import pytest
from django.urls import reverse

from forms_config.models import ApplicationFormSchema
from tests.support.builders import ApplicationFactory, make_catalogue
from tests.support.factories import UserFactory
from tests.support.form_admin import admin_field, admin_page, form_post, publish_in_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(is_staff=True, is_superuser=True, organisation=None)
    client.force_login(user)
    return user


def edit_url(schema):
    return reverse("wagtailsnippets_forms_config_applicationformschema:edit", args=[schema.pk])


def test_the_admin_menu_offers_application_forms_and_hides_streamforms(client, editor):
    # The sidebar is rendered from JSON props: look for the menu items' names.
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert '"application_forms"' in html
    assert '"streamforms"' not in html and "/admin/wagtailstreamforms/" not in html


def test_an_editor_creates_and_publishes_a_form_and_keys_are_derived_from_labels(client, editor):
    pages = [
        admin_page("申请单位基本情况", [admin_field("singleline", "企业名称"), admin_field("singleline", "企业名称")])
    ]
    response = client.post(
        reverse("wagtailsnippets_forms_config_applicationformschema:add"), form_post("测试申请书", pages)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schema = ApplicationFormSchema.objects.get(title="测试申请书")
    assert schema.live
    page = schema.pages[0].value
    assert page["key"] == "shen_qing_dan_wei_ji_ben_qing_kuang"
    assert [f.value["key"] for f in page["fields"]] == ["qi_ye_ming_cheng", "qi_ye_ming_cheng_2"]


def test_an_invalid_or_duplicate_key_is_refused_with_a_chinese_message(client, editor):
    pages = [
        admin_page(
            "基本情况",
            [admin_field("singleline", "企业名称", key="Bad Key"), admin_field("singleline", "名称", key="dup")],
        ),
        admin_page("其他", [admin_field("singleline", "别名", key="dup")]),
    ]
    response = client.post(
        reverse("wagtailsnippets_forms_config_applicationformschema:add"), form_post("坏表单", pages)
    )
    assert response.status_code == 200
    # Block errors travel to the admin's JS as JSON (with \u escapes): read them from the form.
    errors = str(response.context["form"].errors["pages"].as_data()[0].as_json_data())
    assert "字段键“Bad Key”无效" in errors
    assert "字段键“dup”在本表单中重复" in errors
    assert not ApplicationFormSchema.objects.filter(title="坏表单").exists()


def test_relabelling_a_field_keeps_its_key_and_the_data_stored_under_it(client, editor):
    catalogue = make_catalogue()
    schema = catalogue["form"]
    applicant = UserFactory()
    draft = ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    pages = [
        admin_page(
            "申请单位基本情况",
            [
                admin_field("singleline", "申请单位名称（全称）", key="qi_ye_ming_cheng", prefill="organisation.name"),
                admin_field("singleline", "法定代表人", key="fa_ding_dai_biao_ren"),
            ],
            key="basic",
        ),
        admin_page("质量保证体系", [admin_field("multiline", "质量保证体系说明", key="quality_system")], key="quality"),
    ]
    publish_in_admin(client, schema, pages)  # with 确认发布: live items and a draft use the form
    newer = ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    assert newer.schema_version_id != draft.schema_version_id
    assert newer.schema_version.parsed.fields_by_key["qi_ye_ming_cheng"].label == "申请单位名称（全称）"
    assert newer.data["qi_ye_ming_cheng"] == applicant.organisation.name  # prefill follows the key


def test_an_editor_adds_a_page_and_a_field_and_new_applicants_see_them(client, editor):
    catalogue = make_catalogue()
    schema = catalogue["form"]
    applicant = UserFactory()
    before = ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    pages = [
        admin_page(
            "申请单位基本情况",
            [
                admin_field("singleline", "企业名称", key="qi_ye_ming_cheng", prefill="organisation.name"),
                admin_field("singleline", "法定代表人", key="fa_ding_dai_biao_ren"),
                admin_field("singleline", "生产地址", key="sheng_chan_di_zhi"),
            ],
            key="basic",
        ),
        admin_page("质量保证体系", [admin_field("multiline", "质量保证体系说明", key="quality_system")], key="quality"),
        admin_page("检验检测能力", [admin_field("multiline", "检验检测能力说明")]),
    ]
    # Saving a draft changes nothing for applicants ...
    assert client.post(edit_url(schema), form_post(schema.title, pages, action="action-save")).status_code == 302
    client.force_login(applicant)
    draft_only = ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    assert "检验检测能力" not in client.get(draft_only.get_absolute_url()).content.decode()
    # ... publishing does, for new applications only.
    client.force_login(editor)
    publish_in_admin(client, schema, pages)
    client.force_login(applicant)
    after = ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    html = client.get(after.get_absolute_url()).content.decode()
    assert "检验检测能力" in html and "生产地址" in html
    old_html = client.get(before.get_absolute_url()).content.decode()
    assert "检验检测能力" not in old_html and "生产地址" not in old_html


def test_a_content_editor_of_setup_portals_group_may_build_and_publish_forms(client):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("setup_portal", verbosity=0)
    editor = UserFactory(is_staff=True, organisation=None)
    editor.groups.add(Group.objects.get(name="内容编辑"))
    client.force_login(editor)
    assert client.get(reverse("wagtailsnippets_forms_config_applicationformschema:list")).status_code == 200
    pages = [admin_page("基本情况", [admin_field("singleline", "企业名称")])]
    response = client.post(
        reverse("wagtailsnippets_forms_config_applicationformschema:add"), form_post("新表单", pages)
    )
    assert response.status_code == 302
    assert ApplicationFormSchema.objects.get(title="新表单").live
