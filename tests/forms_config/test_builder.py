"""The form builder's own comforts: panel headings that name the field, and Wagtail's autosave
that never leaves an unnamed form behind."""

import json

import pytest
from django.urls import reverse
from wagtail.admin.telepath import JSContext
from wagtail.test.utils.form_data import nested_form_data, streamfield
from wagtailstreamforms.fields import get_fields

from forms_config.blocks import PageBlock, SchemaPagesBlock
from forms_config.models import ApplicationFormSchema
from tests.support.factories import UserFactory

ADD_URL = "wagtailsnippets_forms_config_applicationformschema:add"


def _autosave_post(title):
    """What Wagtail's autosave posts from the create view after a page and a field were added."""
    field = {
        "label": "",
        "key": "",
        "help_text": "",
        "prefill": "",
        "required": "on",
        "show_when": {"field": "", "value": ""},
    }
    page = {"title": "", "key": "", "intro": "", "show_when": {"field": "", "value": ""}}
    page["fields"] = streamfield([("singleline", field)])
    return nested_form_data({"title": title, "description": "", "pages": streamfield([("page", page)])})


@pytest.fixture
def editor(client):
    user = UserFactory(is_staff=True, is_superuser=True, organisation=None)
    client.force_login(user)
    return user


def test_every_field_type_and_the_page_are_headed_by_their_label():
    """The collapsed panel reads "单行文本 企业名称", not "单行文本 是" (the 必填 setting)."""
    for name, field_type in get_fields().items():
        block = field_type().get_form_block()
        assert block.meta.label_format == "{label}", name
        assert "label" in block.child_blocks, name
    assert PageBlock().meta.label_format == "{title}"
    # What the builder's JavaScript receives: the StructBlocks' meta as telepath packs it.
    packed = json.dumps(JSContext().pack(SchemaPagesBlock()), ensure_ascii=False)
    assert '"labelFormat": "{title}"' in packed
    assert packed.count('"labelFormat": "{label}"') >= len(get_fields())


@pytest.mark.django_db
def test_autosave_of_a_new_unnamed_form_saves_nothing(client, editor):
    response = client.post(reverse(ADD_URL), _autosave_post(""), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert not ApplicationFormSchema.objects.exists()


@pytest.mark.django_db
def test_autosave_keeps_a_named_draft_under_its_name(client, editor):
    response = client.post(reverse(ADD_URL), _autosave_post("锅炉安装申请书"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content.decode()[:2000]
    schema = ApplicationFormSchema.objects.get()
    assert schema.title == "锅炉安装申请书" and not schema.live
    listing = client.get(reverse("wagtailsnippets_forms_config_applicationformschema:list")).content.decode()
    assert "锅炉安装申请书" in listing and "(blank)" not in listing


def test_a_form_without_a_name_is_shown_as_unnamed():
    # Imported or older rows may have none: never an empty or "(False)" entry.
    assert str(ApplicationFormSchema(title="")) == "未命名表单"
    assert str(ApplicationFormSchema(title="申请书")) == "申请书"
