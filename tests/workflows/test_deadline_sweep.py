"""期限届满 (workflows.deadline_sweep, `manage.py sweep_deadlines`): every statutory clock that ran
out is recorded once on the application, and the staff who owed the step are told in-app; a second
run, or a run that lost the race, records and tells nothing; a restarted clock may run out again;
the staff detail page shows what was recorded."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, correction_items, make_parties, refresh
from workflows import actions, deadline_sweep, deadlines
from workflows.models import Application, ApplicationState, Clock, DeadlineLapse, Notification

S = ApplicationState
pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 1, 12)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def due_on(application, day):
    """Back-date the running clock (the actions start it today)."""
    Application.objects.filter(pk=application.pk).update(due_on=day)
    return refresh(application)


def lapse_notes():
    return Notification.objects.filter(message__contains="届满")


def lapses(application):
    return list(DeadlineLapse.objects.filter(application=application).values_list("clock", "due_on"))


def test_a_lapsed_acceptance_clock_is_recorded_once_and_the_authority_is_told(parties):
    application = due_on(application_in(S.SUBMITTED, parties), DUE)

    assert deadline_sweep.sweep(DUE + DAY) == 1

    assert lapses(application) == [(Clock.ACCEPTANCE, DUE)]
    notes = list(lapse_notes())
    assert [n.recipient for n in notes] == [parties.authority]
    assert notes[0].message == f"申请 {application.reference} 的受理期限已于 2026-01-12 届满，尚未办理。"
    assert notes[0].url == reverse("licensing:detail", args=[application.pk])
    assert notes[0].application == application
    # The applicant is not told here.
    assert not lapse_notes().filter(recipient=parties.applicant).exists()


def test_a_second_sweep_records_nothing_and_tells_nobody(parties, django_assert_num_queries):
    for _ in range(3):
        due_on(application_in(S.SUBMITTED, parties), DUE)
    assert deadline_sweep.sweep(DUE + DAY) == 3
    assert lapse_notes().count() == 3

    # One query however many lapses are on record: the recorded ones are left out by the database;
    # one more for the 视为受理 due (those three were recorded by the first run).
    with django_assert_num_queries(2):
        assert deadline_sweep.sweep(DUE + DAY) == 0
    assert deadline_sweep.sweep(DUE + 10 * DAY) == 0
    assert DeadlineLapse.objects.count() == 3
    assert lapse_notes().count() == 3


def test_a_clock_due_today_or_later_has_not_run_out(parties):
    application = due_on(application_in(S.SUBMITTED, parties), DUE)
    assert deadline_sweep.sweep(DUE) == 0
    assert deadline_sweep.sweep(DUE - DAY) == 0
    assert not DeadlineLapse.objects.exists() and not lapse_notes().exists()
    # The same rule as the queue's 已超期 and 统计分析 (due_on before today).
    assert not deadlines.is_overdue(application, DUE) and deadlines.is_overdue(application, DUE + DAY)


@pytest.mark.parametrize("state", [S.APPROVED, S.DENIED, S.WITHDRAWN, S.NOT_ACCEPTED, S.CORRECTION_REQUESTED])
def test_a_stopped_clock_never_runs_out(parties, state):
    application = application_in(state, parties)
    assert application.clock == "" and application.due_on is None
    assert deadline_sweep.sweep(timezone.localdate() + 400 * DAY) == 0
    assert not DeadlineLapse.objects.exists() and not lapse_notes().exists()


def test_a_restarted_or_new_clock_that_runs_out_is_recorded_again(parties):
    p = parties
    application = application_in(S.SUBMITTED, p)
    first = application.due_on

    # A correction in time stops the clock (after the limit it is refused: 视为受理,
    # tests/workflows/test_law_clocks.py); the resubmission restarts 受理期限 with a new due date.
    actions.request_correction(application, p.authority, correction_items(), "请一次性补正")
    application = refresh(application)
    actions.resubmit(application, p.applicant, [])
    application = due_on(refresh(application), DUE)
    assert application.clock == Clock.ACCEPTANCE and first != DUE
    assert deadline_sweep.sweep(DUE) == 0
    assert deadline_sweep.sweep(DUE + DAY) == 1
    assert refresh(application).deemed_accepted_on is None  # a correction was sent: not 视为受理

    # Accepted: 协商评审时间期限 is another clock.
    actions.accept(application, p.authority, p.review_body_org, "材料齐全")
    scheduling = refresh(application).due_on
    assert deadline_sweep.sweep(scheduling + DAY) == 1
    assert lapses(application) == [
        (Clock.ACCEPTANCE, DUE),
        (Clock.SCHEDULING, scheduling),
    ]


def test_the_review_scheduling_lapse_goes_to_the_review_body_not_the_authority(parties):
    application = due_on(application_in(S.ACCEPTED, parties), DUE)
    assert application.clock == Clock.SCHEDULING

    assert deadline_sweep.sweep(DUE + DAY) == 1

    notes = list(lapse_notes())
    assert [n.recipient for n in notes] == [parties.review_body]
    assert "协商评审时间期限已于 2026-01-12 届满" in notes[0].message
    assert not lapse_notes().filter(recipient__in=[parties.authority, parties.applicant]).exists()


def test_the_decision_clock_is_the_authoritys(parties):
    application = due_on(application_in(S.REVIEWED, parties), DUE)
    assert application.clock == Clock.DECISION
    assert deadline_sweep.sweep(DUE + DAY) == 1
    assert [n.recipient for n in lapse_notes()] == [parties.authority]
    assert "审查发证期限已于 2026-01-12 届满" in lapse_notes().get().message


def test_a_run_that_lost_the_race_tells_nobody(parties):
    """Two sweeps read the same candidates; the one whose insert comes second finds the row there
    (ON CONFLICT DO NOTHING) and announces nothing."""
    application = due_on(application_in(S.SUBMITTED, parties), DUE)
    candidates = list(deadline_sweep.lapsed(DUE + DAY))
    DeadlineLapse.objects.create(application=application, clock=Clock.ACCEPTANCE, due_on=DUE, run=uuid.uuid4())

    assert deadline_sweep._record(candidates, uuid.uuid4()) == 0
    assert DeadlineLapse.objects.count() == 1
    assert not lapse_notes().exists()


def test_the_sweep_reads_in_chunks(parties, monkeypatch):
    monkeypatch.setattr(deadline_sweep, "CHUNK", 2)
    for _ in range(5):
        due_on(application_in(S.SUBMITTED, parties), DUE)
    assert deadline_sweep.sweep(DUE + DAY) == 5
    assert lapse_notes().count() == 5


def test_the_command_prints_the_count(parties):
    due_on(application_in(S.SUBMITTED, parties), DUE)
    out = StringIO()
    call_command("sweep_deadlines", "--date", f"{DUE + DAY:%Y-%m-%d}", stdout=out)
    assert out.getvalue().strip() == "新记录期限届满 1 件。"
    out = StringIO()
    call_command("sweep_deadlines", "--date", f"{DUE + DAY:%Y-%m-%d}", stdout=out)
    assert out.getvalue().strip() == "新记录期限届满 0 件。"


def test_the_staff_detail_page_shows_the_lapse(client, parties):
    application = due_on(application_in(S.SUBMITTED, parties), DUE)
    deadline_sweep.sweep(DUE + DAY)
    client.force_login(parties.authority)
    response = client.get(reverse("licensing:detail", args=[application.pk]))
    assert response.status_code == 200
    recorded = timezone.localdate()
    assert f"受理期限已于 2026-01-12 届满（{recorded:%Y-%m-%d} 记录）" in response.content.decode()
