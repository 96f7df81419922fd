"""Requests of the access-control matrix: how a response is named, how each URL is filled.

A response becomes one token, so the expected table stays readable:
  "200", "404", "405", ...   the status code when it is not a redirect;
  "login"                    302 to the portal login (/accounts/login/);
  "admin_login"              302 to the Wagtail admin login (/admin/login/);
  "admin_home"               302 to the admin dashboard (Wagtail's "permission denied" answer);
  "redirect <location>"      any other redirect.
"""

import uuid

from django.contrib.auth.models import Group
from wagtail.models import Site

from workflows.models import ApplicationState as S

PORTAL_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def token(response):
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(PORTAL_LOGIN):
            return "login"
        if location.startswith(ADMIN_LOGIN):
            return "admin_login"
        if location == "/admin/":
            return "admin_home"
        return f"redirect {location}"
    return str(response.status_code)


def own_values(world, name, state=None):
    """Values for the parameters of our own URL `name` (by parameter name) from the world."""
    o = world.objects
    app = world.apps[state] if state else None
    return {
        "uuid": app.uuid if app else None,
        "pk": app.pk if app else None,
        "number": 1,
        "file_uuid": (
            o["review_file"]
            if name == "licensing:review_file"
            else o["draft_attachment"]
            if state == S.DRAFT
            else o["attachment"]
        ).uuid,
        "document_uuid": o["document"].uuid,
        "code": "110000",
    }


def generic_values(world, route):
    """Values for Wagtail's and Django's own admin URLs: an existing object where the parameter
    names one (a page, a user, a group, a document, an image, a site, the form schema), else 1."""
    o = world.objects
    ns = route.namespace
    page = o["home"].pk
    by_namespace_pk = {
        "wagtailadmin_api:pages": page,
        "wagtailadmin_api:documents": o["wagtail_document"].pk,
        "wagtailadmin_api:images": o["wagtail_image"].pk,
        "wagtailusers_users": world.parties.applicant.pk,
        "wagtailusers_groups": Group.objects.get(name="审批机关工作人员").pk,
        "wagtailsites": Site.objects.get(is_default_site=True).pk,
        "wagtailadmin_pages": page,
        "wagtailadmin_collections": 1,
        "wagtaildocs_chooser": o["wagtail_document"].pk,
        "wagtailimages_chooser": o["wagtail_image"].pk,
        "wagtailsettings": 1,
        "wagtailstreamforms": 1,
        "wagtailsnippetchoosers_forms_config_applicationformschema": o["form"].pk,
    }
    values = {
        "page_id": page,
        "parent_page_id": page,
        "page_to_move_id": o["item"].pk,
        "destination_id": o["catalogue"].pk,
        "page_pk": page,
        "document_id": o["wagtail_document"].pk,
        "doc_id": o["wagtail_document"].pk,
        "document_filename": o["wagtail_document"].filename,
        "image_id": o["wagtail_image"].pk,
        "pk": by_namespace_pk.get(ns, 1),
        "instance_pk": 1,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "content_type_app_name": "cms",
        "content_type_model_name": "licenseitempage",
        "app_label": "cms",
        "model_name": "licenseitempage",
        "app_name": "cms",
        "action": "delete",
        "action_name": "approve",
        "object_id": str(page),
        "filter_spec": "original",
        "uidb64": "MQ",
        "token": "bad-token",
        0: "1",
    }
    if route.name == "wagtaildocs_serve":
        values.update({0: str(o["wagtail_document"].pk), 1: o["wagtail_document"].filename})
    if ns == "wagtailsettings":
        values.update(app_name="workflows", model_name="workflowsettings")
    if route.name == "wagtail_bulk_action":
        values.update(app_label="wagtailcore", model_name="page")
    if route.name == "wagtailadmin_workflows:add_task":
        values.update(app_label="wagtailcore", model_name="groupapprovaltask")
    if route.name == "wagtailadmin_tag_model_autocomplete":
        values.update(app_name="wagtaildocs", model_name="document")
    if route.name == "wagtailadmin_editing_sessions:ping":
        values.update(app_label="wagtailcore", model_name="page")
    filled = {}
    for param, kind in route.params:
        if param in values:
            filled[param] = values[param]
        elif kind == "uuid":
            filled[param] = uuid.uuid4()
        elif kind == "int":
            filled[param] = 1
        else:
            filled[param] = "x"
    return filled
