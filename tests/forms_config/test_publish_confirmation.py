"""确认发布: publishing a form that live licence items or open drafts use asks first, says how many,
and publishes the saved revision once confirmed; open drafts keep their frozen version."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import resolve, reverse

from forms_config.models import ApplicationFormSchema
from forms_config.versions import publish_impact
from tests.support.builders import ApplicationFactory, make_catalogue, make_form_schema
from tests.support.factories import UserFactory
from tests.support.form_admin import SCHEMA_URLS, admin_field, admin_page, edit_url, form_post

pytestmark = pytest.mark.django_db


def changed_pages():
    return [
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
    ]


@pytest.fixture
def editor(client):
    user = UserFactory(is_staff=True, is_superuser=True, organisation=None)
    client.force_login(user)
    return user


def test_publishing_a_form_in_use_asks_first_and_says_how_many_items_and_drafts(client, editor):
    catalogue = make_catalogue()
    schema = catalogue["form"]
    applicant = UserFactory()
    draft = ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    live_version = schema.live_revision_id

    response = client.post(edit_url(schema), form_post(schema.title, changed_pages()))
    assert response.status_code == 302
    match = resolve(response.url)
    assert match.url_name == "confirm_publish"
    schema.refresh_from_db()
    # Not published yet: the changes wait as the latest revision, which the page will publish.
    assert schema.live_revision_id == live_version and schema.has_unpublished_changes
    assert match.kwargs["revision_id"] == schema.latest_revision_id

    html = client.get(response.url).content.decode()
    assert "确认发布" in html
    assert "正被 2 个已发布的许可项目使用，有 1 份尚未提交的申请草稿" in html
    assert "压力容器制造" in html and "锅炉安装" in html
    assert "已开始的草稿保留开始时冻结的版本" in html
    assert "字段“生产地址”（<code>sheng_chan_di_zhi</code>）" in html  # 本次发布的变化
    assert edit_url(schema) in html  # 返回编辑

    response = client.post(response.url)
    assert response.status_code == 302 and response.url == reverse(f"{SCHEMA_URLS}:list")
    schema.refresh_from_db()
    assert schema.live_revision_id == match.kwargs["revision_id"] and not schema.has_unpublished_changes
    assert "sheng_chan_di_zhi" in {f.value["key"] for f in schema.pages[0].value["fields"]}

    # The draft keeps the version it froze; a new application gets the new one.
    draft = type(draft).objects.get(pk=draft.pk)  # protected state: refresh_from_db would set it
    assert "sheng_chan_di_zhi" not in draft.schema_version.parsed.fields_by_key
    newer = ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    assert newer.schema_version_id != draft.schema_version_id
    assert "sheng_chan_di_zhi" in newer.schema_version.parsed.fields_by_key


def test_only_live_items_and_open_drafts_count():
    catalogue = make_catalogue()
    schema = catalogue["form"]
    applicant = UserFactory()
    ApplicationFactory(user=applicant, levels=[catalogue["D"]])
    submitted = ApplicationFactory(user=applicant, levels=[catalogue["B"]])
    type(submitted).objects.filter(pk=submitted.pk).update(state="submitted")
    catalogue["boiler"].unpublish()
    impact = publish_impact(schema)
    assert [item.title for item in impact.live_items] == ["压力容器制造"]
    assert impact.open_drafts == 1 and impact.needs_confirmation


def test_a_form_nothing_uses_is_published_at_once(client, editor):
    make_catalogue()
    other = make_form_schema(title="备用申请书")
    assert not publish_impact(other).needs_confirmation
    response = client.post(edit_url(other), form_post(other.title, changed_pages()))
    assert response.status_code == 302 and response.url == reverse(f"{SCHEMA_URLS}:list")
    other.refresh_from_db()
    assert not other.has_unpublished_changes
    assert "sheng_chan_di_zhi" in {f.value["key"] for f in other.pages[0].value["fields"]}


def test_saving_a_draft_of_a_form_in_use_asks_nothing(client, editor):
    schema = make_catalogue()["form"]
    response = client.post(edit_url(schema), form_post(schema.title, changed_pages(), action="action-save"))
    assert response.status_code == 302 and response.url == edit_url(schema)


def test_confirming_twice_publishes_once(client, editor):
    # A double click or a second tab: the second confirmation finds the revision live.
    from wagtail.models import ModelLogEntry

    schema = make_catalogue()["form"]
    confirm_url = client.post(edit_url(schema), form_post(schema.title, changed_pages())).url
    published = ModelLogEntry.objects.filter(action="wagtail.publish")
    before = published.count()
    first = client.post(confirm_url)
    second = client.post(confirm_url)
    assert first.url == second.url == reverse(f"{SCHEMA_URLS}:list")
    assert published.count() == before + 1


def test_a_revision_saved_after_the_confirmation_page_is_not_published(client, editor):
    schema = make_catalogue()["form"]
    response = client.post(edit_url(schema), form_post(schema.title, changed_pages()))
    confirm_url = response.url
    live = ApplicationFormSchema.objects.get(pk=schema.pk).live_revision_id
    client.post(edit_url(schema), form_post("另一人的修改", changed_pages(), action="action-save"))

    response = client.post(confirm_url)
    assert response.status_code == 302 and response.url == edit_url(schema)
    assert ApplicationFormSchema.objects.get(pk=schema.pk).live_revision_id == live
    html = client.get(response.url).content.decode()
    assert "此后表单又有新的修改，未发布" in html


def test_only_who_may_publish_may_confirm(client):
    schema = make_catalogue()["form"]
    revision = schema.save_revision()
    user = UserFactory(is_staff=True, organisation=None)
    group = Group.objects.create(name="只能修改表单")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    group.permissions.add(*Permission.objects.filter(codename__in=["change_applicationformschema"]))
    user.groups.add(group)
    client.force_login(user)
    url = reverse(f"{SCHEMA_URLS}:confirm_publish", args=[schema.pk, revision.pk])
    assert client.get(url).url == reverse("wagtailadmin_home")
    assert client.post(url).url == reverse("wagtailadmin_home")
    schema.refresh_from_db()
    assert schema.live_revision_id != revision.pk


def test_a_revision_of_another_form_is_a_404(client, editor):
    schema = make_catalogue()["form"]
    other = make_form_schema(title="备用申请书")
    url = reverse(f"{SCHEMA_URLS}:confirm_publish", args=[schema.pk, other.latest_revision_id])
    assert client.get(url).status_code == 404


def test_publishing_an_older_revision_asks_too(client, editor):
    schema = make_catalogue()["form"]
    first = schema.live_revision
    client.post(edit_url(schema), form_post(schema.title, changed_pages(), action="action-save"))
    revert_url = reverse(f"{SCHEMA_URLS}:revisions_revert", args=[schema.pk, first.pk])
    response = client.post(revert_url, form_post(schema.title, changed_pages()))
    assert response.status_code == 302 and resolve(response.url).url_name == "confirm_publish"
