"""The Wagtail admin needs no inline script (a CSP without unsafe-inline scripts).

Its script-src is 'self' only, so every <script> Wagtail would write inline (InlinePanel,
MultipleChooserPanel, the date pickers, the chooser widgets, wagtailstreamforms' submissions list)
must reach the browser as a non-executed JSON block or a script file: site/portal/security.py,
templates/wagtailadmin/, templates/streamforms/ and static/js/admin-init.js. Rendered here with
the test client: the pages that carry those widgets, and every admin page without URL parameters.
The browser journey test_admin_needs_no_inline_script checks that the widgets still work.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtailstreamforms.models import Form, FormSubmission

from cms.models import LicenseItemPage
from forms_config.models import ApplicationFormSchema
from portal.security import make_choosers_csp_safe
from tests.support.builders import make_catalogue
from tests.support.factories import UserFactory
from tests.support.http import ScriptScan, csp, scan
from tests.support.url_map import build_url, collect_routes
from tests.support.workflow_builders import application_in, make_parties
from workflows.models import ApplicationState

pytestmark = pytest.mark.django_db


def admin_page(client, url):
    """The page's init blocks; fails on any inline script or event handler."""
    response = client.get(url)
    parser = scan(response)
    assert parser.problems == [], url
    assert "'unsafe-inline'" not in csp(response)["script-src"]
    return {name for name, _text in parser.init_blocks}, parser.init_blocks


@pytest.fixture
def admin(client):
    make_choosers_csp_safe()  # as PortalCSPMiddleware does when the site starts
    client.force_login(UserFactory(is_superuser=True, is_staff=True))  # OTP-verified by conftest
    return client


def test_the_scan_catches_inline_scripts():
    def problems(html):
        parser = ScriptScan()
        parser.feed(html)
        return parser.problems

    assert problems("<p>x</p><script>new InlinePanel({})</script>")
    assert problems('<script type="text/javascript">initDateChooser("id_x", {})</script>')
    assert problems('<button onclick="go()">x</button>')
    assert problems('<a href="javascript:go()">x</a>')
    assert not problems('<script src="/static/js/admin-init.js" defer></script>')
    assert not problems('<script type="application/json" data-admin-init="InlinePanel">["{}"]</script>')


def test_page_editor_with_inline_panel_chooser_and_date_pickers(admin):
    catalogue = make_catalogue()
    item = catalogue["vessel"]
    assert item.levels.exists()
    found, blocks = admin_page(admin, reverse("wagtailadmin_pages:edit", args=[item.pk]))
    # 级别/参数 (InlinePanel), 申请书表单 (snippet chooser), go-live / expiry (date-time pickers).
    assert {"InlinePanel", "chooser", "initDateTimeChooser"} <= found
    snippet_chooser = next(json.loads(text) for name, text in blocks if name == "chooser")
    assert snippet_chooser[0] == "SnippetChooser" and snippet_chooser[1] == "id_application_form"
    inline_panel = next(json.loads(json.loads(text)[0]) for name, text in blocks if name == "InlinePanel")
    assert inline_panel["formsetPrefix"] == "id_levels"

    add_url = reverse("wagtailadmin_pages:add", args=["cms", "licenseitempage", catalogue["catalogue"].pk])
    found, _blocks = admin_page(admin, add_url)
    assert {"InlinePanel", "chooser"} <= found
    assert LicenseItemPage.objects.filter(pk=item.pk).exists()


def test_form_schema_editor(admin):
    schema = make_catalogue()["form"]
    assert isinstance(schema, ApplicationFormSchema)
    admin_page(admin, reverse("wagtailsnippets_forms_config_applicationformschema:edit", args=[schema.pk]))
    admin_page(admin, reverse("wagtailsnippets_forms_config_applicationformschema:add"))
    # 版本 and 确认发布 (forms_config.version_views): plain pages, no script of their own.
    admin_page(admin, reverse("wagtailsnippets_forms_config_applicationformschema:versions", args=[schema.pk]))
    revision = schema.save_revision()
    confirm = reverse(
        "wagtailsnippets_forms_config_applicationformschema:confirm_publish", args=[schema.pk, revision.pk]
    )
    admin_page(admin, confirm)


def test_staff_action_with_date_pickers():
    catalogue = make_catalogue()
    parties = make_parties(catalogue)
    application = application_in(ApplicationState.ACCEPTED, parties)
    client = Client()
    client.force_login(parties.review_body)
    found, blocks = admin_page(client, reverse("licensing:propose_review_dates", args=[application.pk]))
    dates = [json.loads(text) for name, text in blocks if name == "initDateChooser"]
    assert [args[0] for args in dates] == ["id_date_1", "id_date_2", "id_date_3"]
    assert json.loads(dates[0][1])["format"] == "Y-m-d"


def test_wagtail_screens_with_choosers(admin):
    make_catalogue()
    # Redirects and sites: page choosers; workflows: an InlinePanel of task choosers.
    for url_name, name in (("wagtailredirects:add", "chooser"), ("wagtailsites:add", "chooser")):
        found, _blocks = admin_page(admin, reverse(url_name))
        assert name in found, url_name
    found, _blocks = admin_page(admin, reverse("wagtailadmin_workflows:add"))
    assert {"InlinePanel", "createTaskChooser"} <= found
    admin_page(admin, reverse("workflows_calendar:add"))
    admin_page(admin, reverse("signing_identities:add"))  # 所属单位's filter box: a script file


def test_streamforms_submissions_list(admin):
    form = Form.objects.create(title="意见反馈", slug="feedback", template_name="streamforms/form_block.html")
    FormSubmission.objects.create(form=form, form_data=json.dumps({"name": "张三"}))
    response = admin.get(reverse("wagtailstreamforms:streamforms_submissions", args=[form.pk]))
    parser = scan(response)
    assert parser.problems == []
    html = response.content.decode()
    assert "js/admin-streamforms-submissions.js" in html
    assert 'id="select-all"' in html and 'id="id_date_from"' in html


def test_every_admin_page_without_parameters(admin):
    """Lists, filters (date-range pickers), add forms: every admin URL that takes no parameter."""
    make_catalogue()
    checked = []
    for route in collect_routes():
        if not route.route.startswith("admin/") or route.params or not route.name:
            continue
        if any(word in route.route for word in ("logout", "delete", "failwhale")):
            continue
        url = build_url(route, {})
        response = admin.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        assert scan(response).problems == [], url
        checked.append(url)
    assert len(checked) > 40 and "/admin/licensing/" in checked  # the sweep really rendered pages


def test_admin_init_script_is_on_every_admin_page(admin):
    html = admin.get(reverse("wagtailadmin_home")).content.decode()
    assert 'js/admin-init.js" defer></script>' in html
