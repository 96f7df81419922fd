"""Every page `make bench` measures costs the same number of queries with a few applications
around as with many more (queries per request constant from 1,000 to 100,000
applications). Each scenario is measured, the world grows by applications in every state for
the same applicant, the same authority and others, and the scenario is measured again: equal,
and under its ceiling. The bench itself prints the same numbers per request at 100,000
(docs/benchmarks.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.builders import ApplicationFactory, make_catalogue
from tests.support.workflow_builders import application_in, fill_completely, make_parties
from workflows.models import ApplicationState as S
from workflows.models import Document, DocumentKind

pytestmark = pytest.mark.django_db

# Measured when written (SQLite and PostgreSQL alike); raise only with a reason.
CEILINGS = {
    "catalogue": 10,  # measured 8 (anonymous, page cache off)
    "licence item": 11,  # 9
    "applicant list": 10,  # 9: 8 + the count of the pagination
    "form page": 10,  # 8
    "autosave": 12,  # 11: 8 + the row lock (SELECT … FOR UPDATE) and its savepoint, outside review finding 1
    "check page": 10,  # 9: 8 + the attachments of the file fields, in one query
    "submit": 45,  # 41: the event, the grants, the notifications, the numbering
    "authority queue": 16,  # 14, Wagtail's admin permission lookups included
    "staff detail": 20,  # 19 (18 before the recorded 期限届满, one prefetch)
    "acceptance decision": 7,  # 5
    "whole application PDF": 10,  # 8
}
GROWTH = [S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.REVIEW_SCHEDULED, S.REVIEWED, S.APPROVED, S.DENIED]


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def count(client, method, url, data=None, status=200):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == status, (url, response.status_code)
    return len(captured.captured_queries)


def scenarios(parties):
    """(name, user or None, method, url, data, status) for one world; a submit needs a new draft
    each time, so its URL is made when measured."""
    accepted = application_in(S.ACCEPTED, parties)
    application_in(S.SUBMITTED, parties)  # the filtered queue has rows from the start
    decision = Document.objects.get(application=accepted, kind=DocumentKind.ACCEPTANCE_DECISION)
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]]))
    catalogue = parties.catalogue
    return [
        ("catalogue", None, "get", catalogue["catalogue"].url, None, 200),
        ("licence item", None, "get", catalogue["vessel"].url, None, 200),
        ("applicant list", parties.applicant, "get", reverse("applications:list"), None, 200),
        ("form page", parties.applicant, "get", reverse("applications:page", args=[draft.uuid, 1]), None, 200),
        (
            "autosave",
            parties.applicant,
            "post",
            reverse("applications:autosave", args=[draft.uuid, 1]),
            {"f-fa_ding_dai_biao_ren": "张三"},
            200,
        ),
        ("check page", parties.applicant, "get", reverse("applications:check", args=[draft.uuid]), None, 200),
        (
            "authority queue",
            parties.authority,
            "get",
            reverse("licensing:index") + "?state=submitted&overdue=no&ordering=due_on",
            None,
            200,
        ),
        ("staff detail", parties.authority, "get", reverse("licensing:detail", args=[accepted.pk]), None, 200),
        (
            "acceptance decision",
            parties.applicant,
            "get",
            reverse("applications:document", args=[decision.uuid]),
            None,
            200,
        ),
        (
            "whole application PDF",
            parties.applicant,
            "get",
            reverse("applications:print", args=[accepted.uuid]),
            None,
            200,
        ),
    ]


def measure(client, parties, plan):
    counts = {}
    for name, user, method, url, data, status in plan:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        count(client, method, url, data, status)  # caches (content types, site, settings) warm
        counts[name] = count(client, method, url, data, status)
    client.force_login(parties.applicant)
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]]))
    counts["submit"] = count(client, "post", reverse("applications:check", args=[draft.uuid]), status=302)
    return counts


def test_no_page_of_the_bench_costs_more_queries_with_more_applications(client, parties):
    plan = scenarios(parties)
    few = measure(client, parties, plan)

    for state in GROWTH * 2:
        application_in(state, parties)  # the same applicant, the same authority
    for _ in range(3):
        fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]]))
    many = measure(client, parties, plan)

    assert many == few
    over = {name: n for name, n in few.items() if n > CEILINGS[name]}
    assert not over, f"over the ceiling: {over} (ceilings {CEILINGS})"
