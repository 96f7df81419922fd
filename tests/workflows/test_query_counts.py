"""Pages stay within a fixed number of queries however many applications exist:
the applicant's detail page and the staff detail page cost the same with 1 or 15 other
applications around, and both have an absolute ceiling so that a regression shows up as a
failing number, not as a slow page in production."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, make_parties
from workflows.models import ApplicationState as S

pytestmark = pytest.mark.django_db

# Measured when written (portal 17–19, staff 20–21 queries); raise only with a reason.
PORTAL_DETAIL_CEILING = 22
STAFF_DETAIL_CEILING = 25


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("state", [S.ACCEPTED, S.REVIEWED, S.APPROVED])
def test_detail_pages_do_not_grow_with_the_number_of_applications(client, parties, state):
    application = application_in(state, parties)
    portal = reverse("applications:detail", args=[application.uuid])
    staff = reverse("licensing:detail", args=[application.pk])
    client.force_login(parties.applicant)
    client.get(portal)  # warm the content-type and settings caches
    portal_few = queries(client, portal)
    client.force_login(parties.authority)
    client.get(staff)
    staff_few = queries(client, staff)

    for other_state in [S.SUBMITTED, S.ACCEPTED, S.REVIEWED, S.APPROVED, S.DENIED] * 3:
        application_in(other_state, parties)

    client.force_login(parties.applicant)
    assert queries(client, portal) <= portal_few <= PORTAL_DETAIL_CEILING
    client.force_login(parties.authority)
    assert queries(client, staff) <= staff_few <= STAFF_DETAIL_CEILING
