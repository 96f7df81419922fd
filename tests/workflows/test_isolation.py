"""Isolation: another enterprise, another province's authority, SAMR (not this
application's authority) and a review body that was not entrusted all get 404 for A's application,
its documents, its attachments and its review files — in the portal and in the admin — and their
POSTs to any action change nothing. The parties themselves get 200, so the test can fail.

Every URL of both URL maps that takes an application is listed below; a new one without an entry
fails `test_every_application_url_is_covered`.
"""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows.models import ApplicationAttachment, ApplicationEvent, ApplicationState, ReviewFile

pytestmark = pytest.mark.django_db

OUTSIDERS = ("other_enterprise", "other_authority", "samr", "other_review_body")

PORTAL = {
    "detail": lambda a, extra: [a.uuid],
    "page": lambda a, extra: [a.uuid, 1],
    "autosave": lambda a, extra: [a.uuid, 1],
    "print_page": lambda a, extra: [a.uuid, 1],
    "print": lambda a, extra: [a.uuid],
    "check": lambda a, extra: [a.uuid],
    "delete": lambda a, extra: [a.uuid],
    "attachment": lambda a, extra: [a.uuid, extra["attachment"].uuid],
    "correction": lambda a, extra: [a.uuid],
    "review_date": lambda a, extra: [a.uuid],
    "feedback": lambda a, extra: [a.uuid],
    "withdraw": lambda a, extra: [a.uuid],
    "rectification": lambda a, extra: [a.uuid],
    "items_table": lambda a, extra: [a.uuid],
    "document": lambda a, extra: [extra["document"].uuid],
}
# Portal URLs that do not take one application.
PORTAL_WITHOUT_APPLICATION = {"list", "new", "notifications", "notifications_read_all", "notification"}
# 我的许可证 takes a licence, not an application: tests/workflows/test_follow_ups.py
# (test_others_get_404_on_every_licence_url) holds the outsiders' 404s for each of these.
PORTAL_WITHOUT_APPLICATION |= {"licences", "licence", "licence_renew", "licence_add_items", "licence_change"}

ADMIN = {
    "detail": lambda a, extra: [a.pk],
    "print": lambda a, extra: [a.pk],
    "attachment": lambda a, extra: [a.pk, extra["attachment"].uuid],
    "document": lambda a, extra: [a.pk, extra["document"].uuid],
    "review_file": lambda a, extra: [a.pk, extra["review_file"].uuid],
    "accept": lambda a, extra: [a.pk],
    "request_correction": lambda a, extra: [a.pk],
    "refuse_acceptance": lambda a, extra: [a.pk],
    "approve": lambda a, extra: [a.pk],
    "deny": lambda a, extra: [a.pk],
    "propose_review_dates": lambda a, extra: [a.pk],
    "agree_review_date": lambda a, extra: [a.pk],
    "submit_review_report": lambda a, extra: [a.pk],
    "request_rectification": lambda a, extra: [a.pk],
    "confirm_rectification": lambda a, extra: [a.pk],
    # Any report id: an outsider gets 404 before the file is looked up.
    "rectification_report": lambda a, extra: [a.pk, uuid.uuid4()],
    "submit_feedback": lambda a, extra: [a.pk],
    "submit": lambda a, extra: [a.pk],
    "resubmit": lambda a, extra: [a.pk],
    "withdraw": lambda a, extra: [a.pk],
}
ADMIN_WITHOUT_APPLICATION = {"index", "index_results"}


def url_names(namespace):
    resolver = get_resolver()
    names = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name and prefix == f"{namespace}:":
                names.add(pattern.name)

    walk(resolver.url_patterns, "")
    return names


def test_every_application_url_is_covered():
    assert url_names("applications") == set(PORTAL) | PORTAL_WITHOUT_APPLICATION
    admin_names = url_names("licensing")
    assert set(ADMIN) >= admin_names - ADMIN_WITHOUT_APPLICATION, "a new admin URL needs an entry here"


@pytest.fixture
def world():
    """An application of the applicant, reviewed (so it has every kind of object to download),
    with an uploaded attachment."""
    parties = make_parties(make_catalogue())
    application = application_in(ApplicationState.REVIEWED, parties)
    attachment = ApplicationAttachment.objects.create(
        application=application,
        field_key="qi_ye_ming_cheng",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="licence.pdf"),
        original_name="营业执照.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=parties.applicant,
    )
    extra = {
        "attachment": attachment,
        "document": application.documents.get(kind="acceptance_decision"),
        "review_file": ReviewFile.objects.get(report__application=application),
    }
    return parties, application, extra


def portal_urls(application, extra):
    return {name: reverse(f"applications:{name}", args=args(application, extra)) for name, args in PORTAL.items()}


def admin_urls(application, extra):
    names = url_names("licensing")
    return {
        name: reverse(f"licensing:{name}", args=args(application, extra))
        for name, args in ADMIN.items()
        if name in names
    }


def snapshot(application):
    fresh = refresh(application)
    return fresh.state, fresh.data, ApplicationEvent.objects.filter(application=application).count()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_404_everywhere_in_the_portal(client, world, role):
    parties, application, extra = world
    client.force_login(parties.by_role()[role])
    before = snapshot(application)
    for name, url in portal_urls(application, extra).items():
        # 405 (a method the view never takes) is the same answer for every id: nothing is learnt.
        assert client.get(url).status_code in (404, 405), f"GET {name}"
        assert client.post(url, {"action": "save", "reason": "x"}).status_code in (404, 405), f"POST {name}"
    assert snapshot(application) == before


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_404_or_no_admin_at_all(client, world, role):
    parties, application, extra = world
    user = parties.by_role()[role]
    client.force_login(user)
    before = snapshot(application)
    for name, url in admin_urls(application, extra).items():
        for response in (client.get(url), client.post(url, {"reasons": "x", "comment": "x"})):
            if role == "other_enterprise":
                # An applicant has no admin access at all: Wagtail sends it to the admin login,
                # the same answer for every id, so nothing is learnt about A's application.
                assert response.status_code == 302 and "/admin/login/" in response["Location"], name
            else:
                assert response.status_code == 404, f"{response.request['REQUEST_METHOD']} {name}"
    assert snapshot(application) == before
    if role != "other_enterprise":
        queue = client.get(reverse("licensing:index"))
        assert queue.status_code == 200 and application.reference not in queue.content.decode()


def test_the_parties_themselves_get_in(client, world):
    parties, application, extra = world
    client.force_login(parties.applicant)
    portal = portal_urls(application, extra)
    for name in ("detail", "print", "attachment", "document"):
        assert client.get(portal[name]).status_code == 200, name
    for role in ("authority", "review_body"):
        client.force_login(parties.by_role()[role])
        admin = admin_urls(application, extra)
        for name in ("detail", "print", "attachment", "document", "review_file"):
            assert client.get(admin[name]).status_code == 200, f"{role} {name}"
