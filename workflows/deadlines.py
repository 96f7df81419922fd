"""Statutory time limits (docs/domain.md, "Statutory time limits"), counted in working days.

The limits are content: each licence item page carries its own (受理时限, 约定评审时间时限,
审查发证时限, defaults 5/10/20 working days); an application runs on the strictest limit among
its items. `start_clock` is called by workflows.actions on every transition and stores the due
date on the application, so lists filter and flag overdue rows with a plain date comparison.
An application deemed accepted (视为受理, `Application.deemed_accepted_on`) runs its clock after
acceptance from the day it was received.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from cms.models import LicenseItemPage

from . import working_days
from .models import ApplicationState, Clock

# Which limit runs in which state (None: nobody owes the applicant anything, or it is over).
CLOCK_FOR_STATE = {
    ApplicationState.SUBMITTED: Clock.ACCEPTANCE,
    ApplicationState.ACCEPTED: Clock.SCHEDULING,
    ApplicationState.REVIEW_SCHEDULED: Clock.REVIEW,
    ApplicationState.REVIEWED: Clock.DECISION,
}

LIMIT_FIELD = {
    Clock.ACCEPTANCE: "acceptance_days",
    Clock.SCHEDULING: "review_scheduling_days",
    Clock.DECISION: "decision_days",
}


def limit_days(application, clock):
    """The working days allowed for `clock`: the smallest among the application's items."""
    field = LIMIT_FIELD[clock]
    values = [getattr(item.license_item, field) for item in application.items.all() if item.license_item is not None]
    return min(values) if values else LicenseItemPage._meta.get_field(field).default


def start_clock(application, today=None):
    """Set the clock for the application's (new) state; the caller saves."""
    today = today or timezone.localdate()
    clock = CLOCK_FOR_STATE.get(application.state)
    if clock == Clock.SCHEDULING and application.deemed_accepted_on is not None:
        # 视为受理 (Administrative Licensing Law art. 32): accepted from the day it was received, so
        # the clock after acceptance runs from that day, not from the day 受理 was finally taken.
        today = application.deemed_accepted_on
    application.clock = clock or ""
    application.clock_started_on = today if clock else None
    if clock is None:
        application.due_on = None
    elif clock == Clock.REVIEW:
        # The whole review must end within one year of acceptance (§3.4.2): calendar days.
        accepted = timezone.localdate(application.accepted_at) if application.accepted_at else today
        application.due_on = years_after(accepted, 1)
    else:
        application.due_on = working_days.add_working_days(today, limit_days(application, clock))


def years_after(day, years):
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Deadline:
    clock: str
    label: str
    due_on: datetime.date
    remaining: int  # working days left; negative when overdue
    overdue: bool
    estimated: bool  # the year's holidays are not entered yet: counted on weekends and holidays only
    working_days: bool


def deadline_of(application, today=None):
    """What every role sees: the running limit, its due date and how much of it is left."""
    if not application.clock or application.due_on is None:
        return None
    today = today or timezone.localdate()
    due = application.due_on
    clock = Clock(application.clock)
    if clock == Clock.REVIEW:
        remaining = (due - today).days
        counted_in_working_days = False
    else:
        remaining = working_days.working_days_between(today, due)
        counted_in_working_days = True
    years = {today.year, due.year}
    return Deadline(
        clock=clock.value,
        label=clock.label,
        due_on=due,
        remaining=remaining,
        overdue=today > due,
        estimated=counted_in_working_days and any(working_days.is_estimated(y) for y in years),
        working_days=counted_in_working_days,
    )


def is_overdue(application, today=None):
    today = today or timezone.localdate()
    return application.due_on is not None and today > application.due_on
