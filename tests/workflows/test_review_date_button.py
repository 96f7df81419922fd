"""The applicant's button for the review date is named as the guide names it, 协商鉴定评审时间, on the
list and on the detail page, whether the review body has proposed dates (the applicant confirms
one or proposes others) or not yet (the applicant may propose)."""

import re

import pytest
from django.urls import reverse

from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, future, make_parties
from workflows import actions
from workflows.models import ApplicationState

pytestmark = pytest.mark.django_db

GUIDE_NAME = "协商鉴定评审时间"


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def applicant_client(client, parties):
    client.force_login(parties.applicant)
    return client


def review_date_links(html, application):
    """The labels of the links to the application's review-date page."""
    url = re.escape(reverse("applications:review_date", args=[application.uuid]))
    return re.findall(rf'<a [^>]*href="{url}"[^>]*>([^<]+)</a>', html)


def test_the_list_and_the_detail_page_name_the_button_as_the_guide_does(applicant_client, parties):
    proposed = application_in(ApplicationState.ACCEPTED, parties)
    actions.propose_review_dates(proposed, parties.review_body, [future(15), future(16)], "请确认")
    waiting = application_in(ApplicationState.ACCEPTED, parties)  # no proposal from the review body yet

    listing = applicant_client.get(reverse("applications:list")).content.decode()
    assert review_date_links(listing, proposed) == [GUIDE_NAME]
    for application in (proposed, waiting):
        detail = applicant_client.get(reverse("applications:detail", args=[application.uuid])).content.decode()
        assert review_date_links(detail, application) == [GUIDE_NAME], application.state
    assert "确认评审时间</a>" not in listing + detail
