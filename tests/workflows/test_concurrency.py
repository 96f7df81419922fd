"""Two people acting on the same application at the same moment (workflows/actions.py, step 1:
the row lock). Exactly one action wins; the other is refused with a message saying what happened,
and nothing is recorded twice.

Only PostgreSQL has the row locks (SELECT ... FOR UPDATE) and the concurrent connections these
tests need; SQLite serialises whole-database writes and ignores FOR UPDATE, so the tests are
skipped there.
"""

import threading
import time

import pytest
from django.db import connection

from tests.support.builders import make_catalogue
from tests.support.database import restore_migration_data
from tests.support.workflow_builders import application_in, make_parties, refresh, staff_of
from workflows import actions
from workflows.actions import ActionRefused
from workflows.models import ApplicationEvent, ApplicationState, Document, DocumentKind

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and concurrent connections (set DATABASE_URL); SQLite has neither",
    ),
]

S = ApplicationState

# How long the first action holds the lock while "rendering" its document, so that the second
# thread is certainly inside its own call, waiting on the lock, before the first one commits.
HOLD_SECONDS = 0.5


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_blocker):
    yield
    if connection.vendor == "postgresql":  # elsewhere the module is skipped: nothing was flushed
        restore_migration_data(django_db_blocker)


@pytest.fixture
def parties():
    p = make_parties(make_catalogue())
    # A second officer of the same authority (北京市市场监督管理局).
    p.second_officer = staff_of(p.catalogue["beijing"])
    p.second_officer.groups.add(*p.authority.groups.exclude(pk=p.catalogue["beijing"].group_id))
    return p


@pytest.fixture
def slow_documents(monkeypatch):
    """Document rendering that takes a while (the action holds the row lock meanwhile)."""
    from workflows import documents

    real = documents.render_pdf

    def slow(template, context):
        time.sleep(HOLD_SECONDS)
        return real(template, context)

    monkeypatch.setattr(documents, "render_pdf", slow)


def race(*calls):
    """Run the calls in threads released at the same moment; returns [(result or exception,
    started, finished)] in the order of the calls."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            started = time.monotonic()
            try:
                result = call()
            except Exception as error:  # the outcome is what the test looks at
                result = error
            outcomes[index] = (result, started, time.monotonic())
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


def split(outcomes):
    won = [o for o in outcomes if not isinstance(o[0], Exception)]
    lost = [o for o in outcomes if isinstance(o[0], Exception)]
    return won, lost


def assert_overlapped(outcomes):
    # Both calls were running at the same time: each started before the other finished.
    (_r1, start1, end1), (_r2, start2, end2) = outcomes
    assert start1 < end2 and start2 < end1


def test_two_officers_accepting_at_once_accept_once(parties, slow_documents):
    p = parties
    application = application_in(S.SUBMITTED, p)

    outcomes = race(
        lambda: actions.accept(application, p.authority, p.review_body_org, "材料齐全"),
        lambda: actions.accept(application, p.second_officer, p.review_body_org, "同意受理"),
    )

    assert_overlapped(outcomes)
    won, lost = split(outcomes)
    assert len(won) == 1 and len(lost) == 1, outcomes
    error = lost[0][0]
    assert isinstance(error, ActionRefused), repr(error)
    assert error.code == "state"
    assert "已受理" in error.messages[0] and "可能已由他人办理" in error.messages[0]

    assert refresh(application).state == S.ACCEPTED
    assert ApplicationEvent.objects.filter(application=application, transition="accept").count() == 1
    documents = Document.objects.filter(application=application, kind=DocumentKind.ACCEPTANCE_DECISION)
    assert documents.count() == 1
    assert documents.get().number.endswith("〕1号")


def test_accept_and_refuse_at_once_decide_once(parties, slow_documents):
    p = parties
    application = application_in(S.SUBMITTED, p)

    outcomes = race(
        lambda: actions.accept(application, p.authority, p.review_body_org, "材料齐全"),
        lambda: actions.refuse_acceptance(application, p.second_officer, "不属于本机关职权范围"),
    )

    assert_overlapped(outcomes)
    won, lost = split(outcomes)
    assert len(won) == 1 and len(lost) == 1, outcomes
    error = lost[0][0]
    assert isinstance(error, ActionRefused), repr(error)
    accepted = outcomes[0] is won[0]
    final = S.ACCEPTED if accepted else S.NOT_ACCEPTED
    assert refresh(application).state == final
    assert str(final.label) in error.messages[0] and "可能已由他人办理" in error.messages[0]

    events = ApplicationEvent.objects.filter(application=application, from_state=S.SUBMITTED)
    assert list(events.values_list("transition", flat=True)) == ["accept" if accepted else "refuse_acceptance"]
    kinds = list(Document.objects.filter(application=application).values_list("kind", flat=True))
    assert kinds == [DocumentKind.ACCEPTANCE_DECISION if accepted else DocumentKind.NON_ACCEPTANCE_DECISION]


def test_two_acceptances_of_different_applications_get_different_numbers(parties):
    """The first number of the year taken twice at once: one creates the counter row, the other
    waits for it and takes the next number (workflows/numbering.py)."""
    p = parties
    first = application_in(S.SUBMITTED, p)
    second = application_in(S.SUBMITTED, p)

    outcomes = race(
        lambda: actions.accept(first, p.authority, p.review_body_org),
        lambda: actions.accept(second, p.second_officer, p.review_body_org),
    )

    assert [type(o[0]).__name__ for o in outcomes] == ["Application", "Application"], outcomes
    numbers = sorted(
        Document.objects.filter(kind=DocumentKind.ACCEPTANCE_DECISION).values_list("number", flat=True),
        key=lambda n: int(n.split("〕")[1].rstrip("号")),
    )
    assert [n.split("〕")[1] for n in numbers] == ["1号", "2号"]
