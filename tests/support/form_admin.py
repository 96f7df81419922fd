"""Posting the 申请书表单 snippet's edit form the way the admin does, and its 确认发布 step
(forms_config.version_views): shared by the form-builder tests."""

from django.urls import resolve, reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

SCHEMA_URLS = "wagtailsnippets_forms_config_applicationformschema"


def admin_field(type_, label, key="", required=True, **extra):
    value = {"label": label, "key": key, "help_text": "", "prefill": "", "show_when": {"field": "", "value": ""}}
    if required:
        value["required"] = "on"
    value.update(extra)
    return (type_, value)


def admin_page(title, fields, key=""):
    return (
        "page",
        {
            "title": title,
            "key": key,
            "intro": "",
            "show_when": {"field": "", "value": ""},
            "fields": streamfield(fields),
        },
    )


def form_post(title, pages, action="action-publish"):
    data = nested_form_data({"title": title, "description": "", "pages": streamfield(pages)})
    data[action] = "1"
    return data


def edit_url(schema):
    return reverse(f"{SCHEMA_URLS}:edit", args=[schema.pk])


def publish_in_admin(client, schema, pages, title=None):
    """发布 on the edit page, then 确认发布 when the admin asks for it. Returns the last response."""
    response = client.post(edit_url(schema), form_post(title or schema.title, pages))
    assert response.status_code == 302, response.content.decode()[:3000]
    if resolve(response.url).url_name == "confirm_publish":
        response = client.post(response.url)
        assert response.status_code == 302, response.content.decode()[:3000]
    return response
