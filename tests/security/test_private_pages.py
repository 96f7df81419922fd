"""Outside review finding 14 (docs/security.md): a logged-in user's pages (我的办事, applications, licences,
notifications, the API token page) are never kept by a browser or a shared cache
(portal/private_pages.py); public pages for anonymous visitors keep their caching."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.support.builders import ApplicationFactory, make_catalogue
from tests.support.licence_builders import approved_licence
from tests.support.workflow_builders import application_in, make_parties
from workflows.models import ApplicationState

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def personal_urls(parties):
    draft = ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]])
    submitted = application_in(ApplicationState.SUBMITTED, parties)
    licence = approved_licence(parties)
    return {
        "我的办事": reverse("my_services"),
        "applications": reverse("applications:list"),
        "new application": reverse("applications:new"),
        "draft page": reverse("applications:page", args=[draft.uuid, 1]),
        "check": reverse("applications:check", args=[draft.uuid]),
        "detail": reverse("applications:detail", args=[submitted.uuid]),
        "withdraw": reverse("applications:withdraw", args=[submitted.uuid]),
        "licences": reverse("applications:licences"),
        "licence": reverse("applications:licence", args=[licence.pk]),
        "notifications": reverse("applications:notifications"),
        "API token": reverse("api_token:manage"),
    }


def test_every_personal_page_says_private_no_store(client, parties):
    urls = personal_urls(parties)
    client.force_login(parties.applicant)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= directives, (name, response.get("Cache-Control"))


def test_a_public_page_keeps_its_caching_for_anonymous_visitors(client, parties):
    url = parties.catalogue["catalogue"].url
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=300):
        for expected in ("miss", "hit"):
            response = client.get(url)
            assert response["X-Page-Cache"] == expected
            assert "no-store" not in response.get("Cache-Control", "")
    cache.clear()
    # The same page for a logged-in user carries the user's name: private to that browser.
    client.force_login(parties.applicant)
    assert "no-store" in client.get(url)["Cache-Control"]
