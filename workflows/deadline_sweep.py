"""期限届满: the daily sweep that records every statutory clock that ran out and tells the staff who
owed the step (`manage.py sweep_deadlines`, run daily by the beat schedule).

- A clock ran out when its `due_on` (the last day allowed, workflows.deadlines) is before today,
  the same rule as the queue's 已超期 and 统计分析's open-past-due count (workflows.statistics).
- Each lapse is recorded once: a `DeadlineLapse` per application, clock and due date, guarded by
  its unique constraint, so a second run, or two at once, records and tells nothing twice. A
  clock restarted after a transition has a new due date and is recorded again if it runs out.
- Told in-app (and by whatever else workflows.notifications sends): the authority's staff for
  受理期限 and 审查发证期限, the review body's for 协商评审时间期限 and the one-year review limit. The
  applicant is not told here; what a lapse means in law is not decided here either.
- 视为受理 (Administrative Licensing Law art. 32): a 受理期限 that ran out with no 补正告知书 and no
  decision makes the application accepted from the day it was received. The sweep records it
  (`actions.deem_accepted`: `Application.deemed_accepted_on`, an audit record without an actor,
  both sides told), once, under the row lock; 受理 itself, naming the review body, stays the
  authority's step.
- Bulk: candidates are read in chunks of primary keys with the already-recorded ones left out in
  the same query; the rows are inserted per chunk with ON CONFLICT DO NOTHING.
"""

import logging
import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import actions
from .models import Application, ApplicationState, Clock, DeadlineLapse
from .notifications import notify

logger = logging.getLogger(__name__)

CHUNK = 500

# Which party owes the step each clock measures, and what its staff are told.
AUTHORITY = "authority"
REVIEW_BODY = "review_body"
OWNER = {
    Clock.ACCEPTANCE: AUTHORITY,
    Clock.SCHEDULING: REVIEW_BODY,
    Clock.REVIEW: REVIEW_BODY,
    Clock.DECISION: AUTHORITY,
}
MESSAGES = {
    Clock.ACCEPTANCE: gettext_lazy("申请 %(reference)s 的受理期限已于 %(due_on)s 届满，尚未办理。"),
    Clock.SCHEDULING: gettext_lazy("申请 %(reference)s 的协商评审时间期限已于 %(due_on)s 届满，尚未约定鉴定评审时间。"),
    Clock.REVIEW: gettext_lazy("申请 %(reference)s 的鉴定评审期限已于 %(due_on)s 届满，尚未提交评审报告。"),
    Clock.DECISION: gettext_lazy("申请 %(reference)s 的审查发证期限已于 %(due_on)s 届满，尚未作出许可决定。"),
}


def lapsed(today):
    """Applications whose running clock ran out before `today` and is not recorded yet."""
    recorded = DeadlineLapse.objects.filter(
        application=OuterRef("pk"), clock=OuterRef("clock"), due_on=OuterRef("due_on")
    )
    return (
        Application.objects.exclude(clock="")
        .filter(due_on__lt=today)
        .exclude(Exists(recorded))
        .select_related("authority", "review_body")
        .order_by("pk")
    )


def sweep(today=None):
    """Record and announce every lapse not recorded yet; returns the number newly recorded."""
    today = today or timezone.localdate()
    run = uuid.uuid4()
    recorded = 0
    last_pk = 0
    while True:
        chunk = list(lapsed(today).filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        recorded += _record(chunk, run)
    deem_acceptances(today)
    return recorded


def deemed_acceptances_due(today):
    """Applications whose 受理期限 ran out before `today` with no 补正告知书, not yet deemed accepted
    (the same rule as `acceptance_limit_passed` in workflows/models/applications.py)."""
    return Application.objects.filter(
        state=ApplicationState.SUBMITTED,
        clock=Clock.ACCEPTANCE,
        due_on__lt=today,
        deemed_accepted_on__isnull=True,
        correction_notice__isnull=True,
    ).order_by("pk")


def deem_acceptances(today=None):
    """Record 视为受理 for each application due; returns how many this run recorded. Each in its own
    transaction under the row lock (actions.deem_accepted checks again), so an officer acting at
    the same moment, or a second run, is never overtaken."""
    today = today or timezone.localdate()
    deemed = 0
    for pk in list(deemed_acceptances_due(today).values_list("pk", flat=True)):
        if actions.deem_accepted(Application(pk=pk), today):
            deemed += 1
    if deemed:
        logger.info("deadline sweep: %s applications deemed accepted", deemed)
    return deemed


def _record(applications, run):
    """Insert one chunk's lapses and tell people about those this run inserted, in one
    transaction: a lapse is never recorded without its notifications, nor announced twice."""
    with transaction.atomic():
        DeadlineLapse.objects.bulk_create(
            [DeadlineLapse(application=a, clock=a.clock, due_on=a.due_on, run=run) for a in applications],
            ignore_conflicts=True,
        )
        # Rows another run inserted first kept its token: they are not this run's to announce.
        mine = set(
            DeadlineLapse.objects.filter(run=run, application__in=[a.pk for a in applications]).values_list(
                "application_id", "clock", "due_on"
            )
        )
        for application in applications:
            if (application.pk, application.clock, application.due_on) in mine:
                _announce(application)
    if mine:
        logger.info("deadline sweep: %s lapses recorded", len(mine))
    return len(mine)


def _announce(application):
    clock = Clock(application.clock)
    owner = OWNER[clock]
    notify(
        application,
        MESSAGES[clock],
        {"reference": application.reference, "due_on": f"{application.due_on:%Y-%m-%d}"},
        authority=owner == AUTHORITY,
        review_body=owner == REVIEW_BODY,
    )
