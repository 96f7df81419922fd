"""Statutory time limits (docs/domain.md; workflows/deadlines.py): which clock each
action starts, the due date in working days across the Chinese holidays (and the 工作日历 table
over them), the per-item limits, the one-year review limit in calendar days, and what
`deadline_of` tells every role."""

import datetime
from datetime import date

import pytest
from django.utils import timezone

from cms.models import LicenseItemPage
from forms_config.models import FormSchemaVersion
from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.workflow_builders import (
    application_in,
    correction_items,
    fill_completely,
    future,
    make_parties,
    refresh,
    report_file,
)
from workflows import actions, deadlines, services
from workflows.models import Application, ApplicationState, CalendarDay, Clock, DayKind, ReviewConclusion
from workflows.working_days import add_working_days

S = ApplicationState
pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def today():
    return timezone.localdate()


def clock_of(application):
    application = refresh(application)
    return application.clock, application.clock_started_on, application.due_on


# --- the clock each action starts ------------------------------------------------------------


def test_submit_starts_the_acceptance_clock_of_five_working_days(parties):
    application = application_in(S.SUBMITTED, parties)
    assert clock_of(application) == (Clock.ACCEPTANCE, today(), add_working_days(today(), 5))


def test_a_correction_stops_the_clock_and_the_resubmission_restarts_it(parties):
    p = parties
    application = application_in(S.SUBMITTED, p)
    # Started earlier; the correction comes in time (after the limit it would be 视为受理).
    Application.objects.filter(pk=application.pk).update(clock_started_on=date(2026, 1, 5))
    actions.request_correction(application, p.authority, correction_items())
    assert clock_of(application) == ("", None, None)  # the applicant owes the next step

    actions.resubmit(application, p.applicant, [])
    assert clock_of(application) == (Clock.ACCEPTANCE, today(), add_working_days(today(), 5))


def test_accept_starts_the_scheduling_clock_of_ten_working_days(parties):
    application = application_in(S.ACCEPTED, parties)
    assert clock_of(application) == (Clock.SCHEDULING, today(), add_working_days(today(), 10))


def test_a_proposal_does_not_restart_the_scheduling_clock(parties):
    p = parties
    application = application_in(S.ACCEPTED, p)
    Application.objects.filter(pk=application.pk).update(clock_started_on=date(2026, 3, 2), due_on=date(2026, 3, 16))
    actions.propose_review_dates(application, p.review_body, [future(20)])
    actions.propose_review_dates(application, p.applicant, [future(25)])
    assert clock_of(application) == (Clock.SCHEDULING, date(2026, 3, 2), date(2026, 3, 16))


def test_the_agreed_date_starts_the_review_clock_of_one_year_from_acceptance(parties):
    p = parties
    application = application_in(S.ACCEPTED, p)
    accepted_on = timezone.localdate(refresh(application).accepted_at)
    actions.propose_review_dates(application, p.review_body, [future(20)])
    actions.agree_review_date(application, p.applicant, future(20))
    assert clock_of(application) == (Clock.REVIEW, today(), accepted_on.replace(year=accepted_on.year + 1))


def test_the_report_starts_the_decision_clock_of_twenty_working_days(parties):
    p = parties
    application = application_in(S.REVIEW_SCHEDULED, p)
    actions.submit_review_report(
        application,
        p.review_body,
        reviewed_from=future(20),
        reviewed_to=future(21),
        conclusion=ReviewConclusion.QUALIFIED,
        summary="",
        report_file=report_file(),
        materials=[],
    )
    assert clock_of(application) == (Clock.DECISION, today(), add_working_days(today(), 20))


@pytest.mark.parametrize("state", [S.APPROVED, S.DENIED, S.NOT_ACCEPTED, S.WITHDRAWN])
def test_the_end_states_stop_the_clock(parties, state):
    application = application_in(state, parties)
    assert clock_of(application) == ("", None, None)
    assert deadlines.deadline_of(refresh(application)) is None
    assert not deadlines.is_overdue(refresh(application))


def test_feedback_after_the_decision_starts_no_clock(parties):
    p = parties
    application = application_in(S.APPROVED, p)
    version = FormSchemaVersion.objects.freeze(
        make_form_schema(title="评审反馈表", pages=[page("反馈", "fb", [field("multiline", "意见", "yi_jian")])])
    )
    actions.submit_feedback(application, p.applicant, version, {"yi_jian": "满意"})
    assert clock_of(application) == ("", None, None)


# --- due dates across the calendar (fixed dates) -------------------------------------------


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Fri 13 Feb 2026: the adjusted Saturday 14th, then 春节 15th–23rd off, 24th–27th.
        (date(2026, 2, 13), date(2026, 2, 27)),
        # Wed 30 Sep 2026: 国庆 1st–7th off, 8th, 9th, the adjusted Saturday 10th, 12th, 13th.
        (date(2026, 9, 30), date(2026, 10, 13)),
        # An ordinary week: Mon 16 Mar 2026 → Mon 23 Mar.
        (date(2026, 3, 16), date(2026, 3, 23)),
        # Starting on a holiday: 3 Oct 2026 → 8th, 9th, 10th, 12th, 13th.
        (date(2026, 10, 3), date(2026, 10, 13)),
    ],
)
def test_the_acceptance_due_date_skips_holidays_and_counts_adjusted_working_days(parties, start, due):
    application = application_in(S.SUBMITTED, parties)
    deadlines.start_clock(application, today=start)
    assert (application.clock, application.clock_started_on, application.due_on) == (Clock.ACCEPTANCE, start, due)


def test_a_calendar_day_entered_by_staff_moves_the_due_date(parties):
    application = application_in(S.SUBMITTED, parties)
    CalendarDay.objects.create(date=date(2026, 10, 12), kind=DayKind.HOLIDAY, name="临时调整")
    deadlines.start_clock(application, today=date(2026, 9, 30))
    assert application.due_on == date(2026, 10, 14)

    CalendarDay.objects.create(date=date(2026, 10, 11), kind=DayKind.WORKDAY, name="调休上班")
    deadlines.start_clock(application, today=date(2026, 9, 30))
    assert application.due_on == date(2026, 10, 13)


def test_the_scheduling_clock_across_spring_festival(parties):
    application = application_in(S.ACCEPTED, parties)
    deadlines.start_clock(application, today=date(2026, 2, 12))
    # 13th, 14th (adjusted), 24th–28th (28th adjusted), 2 and 3 March, 4 March.
    assert (application.clock, application.due_on) == (Clock.SCHEDULING, date(2026, 3, 4))


def test_the_decision_clock_across_mid_autumn_and_national_day(parties):
    application = application_in(S.REVIEWED, parties)
    deadlines.start_clock(application, today=date(2026, 9, 21))
    # 22–24 Sep, (中秋 25th off), 28–30 Sep, (国庆), 8–10 Oct, 12–16 Oct, 19–23 Oct, 26 Oct.
    assert (application.clock, application.due_on) == (Clock.DECISION, date(2026, 10, 26))


def test_a_deadline_in_a_year_nobody_has_entered_is_estimated_on_statutory_holidays(parties):
    application = application_in(S.SUBMITTED, parties)
    deadlines.start_clock(application, today=date(2026, 12, 28))
    # 29–31 Dec, (元旦 1 Jan 2027 and the weekend), 4 and 5 Jan.
    assert application.due_on == date(2027, 1, 5)


# --- per-item limits ---------------------------------------------------------------------


def test_an_items_own_acceptance_limit_is_used(parties):
    p = parties
    LicenseItemPage.objects.filter(pk=p.catalogue["vessel"].pk).update(acceptance_days=3)
    application = application_in(S.SUBMITTED, p)
    assert clock_of(application) == (Clock.ACCEPTANCE, today(), add_working_days(today(), 3))
    deadlines.start_clock(application, today=date(2026, 2, 13))
    assert application.due_on == date(2026, 2, 25)


def test_the_smallest_limit_among_the_items_wins(parties):
    p = parties
    LicenseItemPage.objects.filter(pk=p.catalogue["vessel"].pk).update(acceptance_days=4, decision_days=30)
    LicenseItemPage.objects.filter(pk=p.catalogue["boiler"].pk).update(acceptance_days=3, decision_days=15)
    draft = fill_completely(ApplicationFactory(user=p.applicant, levels=[p.catalogue["D"], p.catalogue["B"]]))
    application = services.submit_application(draft, p.applicant)
    assert refresh(application).due_on == add_working_days(today(), 3)
    assert deadlines.limit_days(application, Clock.ACCEPTANCE) == 3
    assert deadlines.limit_days(application, Clock.SCHEDULING) == 10  # both at the default
    assert deadlines.limit_days(application, Clock.DECISION) == 15


def test_items_removed_from_the_catalogue_fall_back_to_the_default_limits(parties):
    application = application_in(S.SUBMITTED, parties)
    application.items.update(license_item=None)
    deadlines.start_clock(application, today=date(2026, 3, 16))
    assert application.due_on == date(2026, 3, 23)  # 5 working days


# --- the review clock: one year in calendar days ------------------------------------------


def test_the_review_clock_counts_one_calendar_year_from_the_beijing_day_of_acceptance(parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    # 01:30 in Beijing on 10 March is still 9 March in UTC.
    application.accepted_at = datetime.datetime(2026, 3, 9, 17, 30, tzinfo=datetime.UTC)
    deadlines.start_clock(application, today=date(2026, 4, 1))
    assert (application.clock, application.clock_started_on, application.due_on) == (
        Clock.REVIEW,
        date(2026, 4, 1),
        date(2027, 3, 10),
    )


def test_a_review_accepted_on_29_february_ends_on_28_february(parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    application.accepted_at = timezone.make_aware(datetime.datetime(2028, 2, 29, 10, 0))
    deadlines.start_clock(application, today=date(2028, 3, 20))
    assert application.due_on == date(2029, 2, 28)


# --- deadline_of -------------------------------------------------------------------------


def running(clock, due):
    return Application(clock=clock, due_on=due)


def test_deadline_of_counts_the_working_days_left():
    deadline = deadlines.deadline_of(running(Clock.ACCEPTANCE, date(2026, 2, 27)), today=date(2026, 2, 13))
    assert deadline.clock == "acceptance" and deadline.label == "受理期限"
    assert deadline.due_on == date(2026, 2, 27)
    assert deadline.remaining == 5  # 14th (adjusted), 24th, 25th, 26th, 27th
    assert (deadline.overdue, deadline.estimated, deadline.working_days) == (False, False, True)


def test_deadline_of_on_the_due_day_is_not_overdue():
    deadline = deadlines.deadline_of(running(Clock.DECISION, date(2026, 10, 13)), today=date(2026, 10, 13))
    assert (deadline.remaining, deadline.overdue) == (0, False)
    assert not deadlines.is_overdue(running(Clock.DECISION, date(2026, 10, 13)), today=date(2026, 10, 13))


def test_deadline_of_an_overdue_limit_counts_backwards():
    application = running(Clock.ACCEPTANCE, date(2026, 2, 27))
    deadline = deadlines.deadline_of(application, today=date(2026, 3, 3))
    assert deadline.remaining == -3  # 28 Feb (adjusted), 2 and 3 March
    assert deadline.overdue is True
    assert deadlines.is_overdue(application, today=date(2026, 3, 3))


def test_deadline_of_a_2027_date_is_an_estimate():
    deadline = deadlines.deadline_of(running(Clock.ACCEPTANCE, date(2027, 1, 5)), today=date(2026, 12, 28))
    assert deadline.remaining == 5  # 29–31 Dec, 4 and 5 Jan (1 Jan 2027 is 元旦)
    assert deadline.estimated is True
    assert deadlines.deadline_of(running(Clock.ACCEPTANCE, date(2027, 3, 1)), today=date(2027, 2, 1)).estimated


def test_a_2027_deadline_is_no_longer_estimated_once_staff_enter_the_year():
    CalendarDay.objects.create(date=date(2027, 1, 4), kind=DayKind.HOLIDAY, name="元旦调休")
    deadline = deadlines.deadline_of(running(Clock.ACCEPTANCE, date(2027, 1, 5)), today=date(2026, 12, 28))
    assert deadline.estimated is False
    assert deadline.remaining == 4  # 4 January now off


def test_deadline_of_the_review_limit_counts_calendar_days_and_is_never_an_estimate():
    deadline = deadlines.deadline_of(running(Clock.REVIEW, date(2027, 3, 10)), today=date(2027, 3, 1))
    assert deadline.label == "鉴定评审期限"
    assert (deadline.remaining, deadline.overdue, deadline.estimated, deadline.working_days) == (9, False, False, False)
    overdue = deadlines.deadline_of(running(Clock.REVIEW, date(2027, 3, 10)), today=date(2027, 3, 12))
    assert (overdue.remaining, overdue.overdue) == (-2, True)


def test_no_clock_no_deadline():
    assert deadlines.deadline_of(running("", None), today=date(2026, 3, 3)) is None
    assert deadlines.deadline_of(running(Clock.ACCEPTANCE, None), today=date(2026, 3, 3)) is None
