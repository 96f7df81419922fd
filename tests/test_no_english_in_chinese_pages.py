"""No English in the Chinese portal and admin (issue 19): each role logs in, visits every page its
menus and pages link to (tests/support/crawl.py), and every action form of an application in each
state, and no Latin-script word may show outside ALLOWED.

The fixture world is the access matrix's (tests/support/world.py: every party, one application in each
state, objects of every kind) plus an administrator. What the fixtures themselves write in Latin
letters (usernames, e-mail addresses, a form value) is masked, not allowed: an allowed word would hide
the same word in the UI.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from accounts.models import Organisation
from tests.support.crawl import crawl
from tests.support.factories import UserFactory
from tests.support.world import build_world
from workflows import action_registry, actions
from workflows.models import License
from workflows.permissions import visible_applications

# Latin words a Chinese page may show, each with its reason. Compared exactly (case matters).
ALLOWED = {
    # file types and units the upload fields and lists name
    "PDF": "file type (上传 PDF 文件)",
    "JPG": "file type",
    "JPEG": "file type",
    "PNG": "file type",
    "MB": "unit of file size",
    "KB": "unit of file size",
    "CSV": "export format",
    "TSV": "a format 重定向's import reads",
    "GIF": "file type (图片 uploads)",
    "WEBP": "file type (图片 uploads)",
    "AVIF": "file type (图片 uploads)",
    "XLSX": "export format",
    # numbers the law and the portal give out
    "TS": "licence-number prefix (TSG 07-2019: TS + digits)",
    "TSXK": "application reference prefix (workflows/numbering.py)",
    "TSG": "the regulation's designation (TSG 07-2019)",
    # names of technologies, as Chinese users know them
    "URL": "a page's address (Wagtail's 缩略名 help: 用于URL的页面名称)",
    "JSON": "the API's and 表单导入/导出's format",
    "OpenAPI": "the API description's standard (接口说明（OpenAPI）)",
    "ERP": "the example of a token's use on 接口令牌 (“ERP 系统”), as enterprises name their systems",
    "MPa": "unit of pressure in the catalogue's levels (TSG 07-2019)",
    "English": "the language switch names the other language in that language",
    "JavaScript": "what the browser's setting is called in the admin's no-script notice",
    "PKCS": "the standards a signing key is kept by (PKCS#12 证书文件, PKCS#11 硬件密钥), as CAs and vendors name them",
    "PIN": "a hardware key's PIN (电子签章证书's 口令或 PIN)",
    # file extensions in document and upload names (受理决定书-….pdf, 导出 JSON's .json file)
    "pdf": "file extension",
    "json": "file extension",
}

ROLES = (
    "anonymous",  # the public pages, registration and both login pages
    "applicant",
    "authority",
    "review_body",
    "editor",
    "administrator",
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The access matrix's world, built once; rolled back after the module."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            # As setup_portal does on a new site (cms/reference_data.py load_home_page): wagtailcore's
            # "Welcome to your new Wagtail site!" page goes once the home page is the site's root.
            Page.objects.filter(depth=2, content_type=ContentType.objects.get_for_model(Page)).delete()
            built.administrator = UserFactory(organisation=None, is_staff=True, is_superuser=True)
            yield built
            transaction.set_rollback(True)


def _user(world, role):
    return world.administrator if role == "administrator" else world.parties.by_role()[role]


def _fixture_values():
    """What the fixtures wrote in Latin letters, masked before the scan."""
    values = set()
    for username, email, first, last in get_user_model().objects.values_list(
        "username", "email", "first_name", "last_name"
    ):
        values.update((username, email, first, last))
    values.update(Organisation.objects.values_list("contact_name", flat=True))
    values.update(License.objects.values_list("verification_code", flat=True))
    values.update(Site.objects.values_list("hostname", flat=True))
    # Every organisation's own group is named by its kind and uuid (docs/decisions.md, decision 3):
    # an identifier the administrator sees in 组 and a user's groups.
    values.update(Group.objects.filter(name__startswith="org:").values_list("name", flat=True))
    # Files the fixture uploaded to 文档 and 图片, under their names.
    for model in (get_document_model(), get_image_model()):
        values.update(name.rpartition("/")[2] for name in model.objects.values_list("file", flat=True))
    # 页面类型使用情况 names each page type's model under its name (cms.licenseitempage).
    values.update(f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all())
    values.update({"ISO 9001", "authenticator"})  # a form value of the builders; the TOTP device's name
    # Longest first: a username inside an e-mail address goes with the address.
    return sorted(
        (value for value in values if value and any(c.isascii() and c.isalpha() for c in value)), key=len, reverse=True
    )


def _action_forms(user, apps):
    """The form of every action `user` may take now on each of `apps` (workflows/action_registry.py):
    staff at licensing:<action>, the applicant at its page."""
    urls = []
    for app in apps:
        for action in actions.available_actions(app, user):
            facts = action_registry.declaration(action)
            try:
                if user.is_staff and facts.for_staff:
                    urls.append(reverse(f"licensing:{action.value}", args=[app.pk]))
                elif not user.is_staff and facts.page:
                    urls.append(reverse(f"applications:{facts.page}", args=[app.uuid]))
            except NoReverseMatch:  # taken by the system (a sweep), no form
                continue
    return urls


def _starts(world, role):
    """(start pages, pages whose every link is followed, action forms that must be visited)"""
    if role == "anonymous":
        return ["/", reverse("accounts:login"), "/admin/login/", reverse("accounts:register")], [], []
    user = _user(world, role)
    apps = list(world.apps.values()) + [world.objects["rectification_open"], world.objects["rectification_reported"]]
    visible = set(visible_applications(user).values_list("pk", flat=True))
    apps = [app for app in apps if app.pk in visible]
    if role == "applicant":
        forms = _action_forms(user, apps)
        details = [
            reverse("applications:page", args=[app.uuid, 1])
            if app.state == "draft"
            else reverse("applications:detail", args=[app.uuid])
            for app in apps
        ]
        return ["/", reverse("my_services"), *details, *forms], details, forms
    if role in ("authority", "review_body"):
        forms = _action_forms(user, apps)
        details = [reverse("licensing:detail", args=[app.pk]) for app in apps if app.state != "draft"]
        return ["/admin/", *details, *forms], details, forms
    return ["/admin/"], [], []


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_english_words(world, role):
    client = Client()
    if role != "anonymous":
        client.force_login(_user(world, role))  # staff sessions pass the second factor (tests/conftest.py)
    starts, thorough, forms = _starts(world, role)
    # The administrator sees the editor's screens too (crawled twice per URL name there): once is enough.
    per_name = 1 if role == "administrator" else 2
    report = crawl(client, starts, allowed=set(ALLOWED), masks=_fixture_values(), thorough=thorough, per_name=per_name)
    print(f"{role}: {len(report.visited)} pages ({len(forms)} action forms), {len(report.words())} English words")
    assert set(forms) <= set(report.visited), f"action forms not visited: {sorted(set(forms) - set(report.visited))}"
    if role in ("applicant", "authority", "review_body"):
        assert forms, "the fixture world gives this role actions to take"
    assert not report.findings and not report.errors, (
        f"{role}: English on {len({f.url for f in report.findings})} of {len(report.visited)} pages:\n"
        + report.summary()
    )
