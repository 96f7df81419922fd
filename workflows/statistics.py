"""统计分析: how many applications an authority received and decided per month, how long each step
took against its statutory limit, and what is overdue.

Everything is read from the audit trail (ApplicationEvent), so a month counts what happened in it:
an application submitted in March and approved in May counts as received in March and approved in
May. The steps are the ones the Administrative Licensing Law sets limits for (docs/domain.md, the
time-limit table), each measured from the event that starts its clock to the event that stops it:

- 受理: 提交 or 补正后重新提交 → 受理 / 不予受理 / 补正告知. A correction stops the acceptance clock and
  the resubmission starts a new one (workflows.deadlines.start_clock runs on every change of
  state), so a corrected application counts two acceptance steps, each against the full limit;
- 协商评审时间: 受理 → 确认鉴定评审时间;
- 审查发证: 提交评审报告 → 准予许可 / 不予许可.

A step belongs to the month it ended in. Its limit is the application's own, as
workflows.deadlines.limit_days computes it (the strictest item wins, the default when the items are
gone from the catalogue), from the licence item pages as they are now. Working days are counted on
the 工作日历 (workflows.working_days), once per distinct pair of dates.

The number of queries does not grow with the number of applications: one aggregate per table
(months, steps with their start found by a subquery, limits, open clocks) plus the calendar years.
Heavy reads go to the replica when there is one (core/replica.py).
"""

import datetime
import statistics as stats
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Authority
from accounts.roles import is_authority_staff, sees_every_authority
from cms.models import LicenseItemPage
from core.replica import replica_alias

from . import working_days
from .deadlines import LIMIT_FIELD
from .models import Action, Application, ApplicationEvent, Clock

# The monthly counts: (key, the transition counted, heading).
MONTH_COLUMNS = (
    ("received", Action.SUBMIT, _("收到申请")),
    ("accepted", Action.ACCEPT, _("受理")),
    ("correction_requested", Action.REQUEST_CORRECTION, _("补正告知")),
    ("not_accepted", Action.REFUSE_ACCEPTANCE, _("不予受理")),
    ("approved", Action.APPROVE, _("准予许可")),
    ("denied", Action.DENY, _("不予许可")),
)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    clock: str
    starts: tuple  # transitions that start the step's clock
    ends: tuple  # transitions that stop it (the authority's or review body's answer)


STEPS = (
    Step(
        "acceptance",
        _("受理"),
        Clock.ACCEPTANCE,
        (Action.SUBMIT, Action.RESUBMIT),
        (Action.ACCEPT, Action.REFUSE_ACCEPTANCE, Action.REQUEST_CORRECTION),
    ),
    Step("scheduling", _("协商评审时间"), Clock.SCHEDULING, (Action.ACCEPT,), (Action.AGREE_REVIEW_DATE,)),
    Step("decision", _("审查发证"), Clock.DECISION, (Action.SUBMIT_REVIEW_REPORT,), (Action.APPROVE, Action.DENY)),
)
STEP_BY_END = {end.value: step for step in STEPS for end in step.ends}
STEP_STARTS = tuple(sorted({start.value for step in STEPS for start in step.starts}))

# A longer period makes the monthly chart unreadable; the export of several periods does the rest.
MAX_MONTHS = 36
DEFAULT_MONTHS = 12


# --- the period and who is looked at -----------------------------------------------------------


def first_of_month(day):
    return day.replace(day=1)


def add_months(month, count):
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(start, end):
    """The first days of the months from `start` to `end`, both included."""
    months = []
    month = first_of_month(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def default_period(today=None):
    """The last twelve months, the current one included: (first month, last month)."""
    this_month = first_of_month(today or timezone.localdate())
    return add_months(this_month, 1 - DEFAULT_MONTHS), this_month


@dataclass(frozen=True)
class Scope:
    """Whose applications are counted: `authority_ids` None means every authority (SAMR's view)."""

    authority_ids: tuple | None
    label: str

    def applications(self, prefix=""):
        if self.authority_ids is None:
            return Q()
        return Q(**{f"{prefix}authority_id__in": self.authority_ids})


def scope_for(user, authority=None):
    """The scope `user` may look at: their own authority, or for SAMR all or the one chosen."""
    if sees_every_authority(user):
        if authority is None:
            return Scope(None, str(_("全部审批机关")))
        return Scope((authority.pk,), authority.name)
    if not is_authority_staff(user):
        raise PermissionDenied
    return Scope((user.organisation_id,), user.organisation.name)


def authority_choices():
    """The authorities SAMR may pick from: SAMR first, then the provinces by code."""
    return Authority.objects.order_by("authority_level", "region_id", "name")  # "national" < "provincial"


# --- the results -------------------------------------------------------------------------------


@dataclass
class MonthRow:
    month: datetime.date
    counts: dict  # column key → number

    @property
    def label(self):
        return f"{self.month:%Y-%m}"

    def values(self):
        return [self.counts[key] for key, _action, _heading in MONTH_COLUMNS]


@dataclass
class StepRow:
    step: Step
    durations: list = field(default_factory=list)  # working days taken, one per step occurrence
    limits: list = field(default_factory=list)  # the limit of each occurrence, same order

    @property
    def count(self):
        return len(self.durations)

    @property
    def median_days(self):
        return stats.median(self.durations) if self.durations else None

    @property
    def limit(self):
        """The statutory limit: the one all occurrences share, else their median."""
        if not self.limits:
            return _default_limit(self.step.clock)
        return stats.median(self.limits)

    @property
    def limits_differ(self):
        return len(set(self.limits)) > 1

    @property
    def within_limit(self):
        return sum(1 for days, limit in zip(self.durations, self.limits, strict=True) if days <= limit)

    @property
    def over_limit(self):
        return self.count - self.within_limit

    @property
    def share_within(self):
        """Share of occurrences within their limit, 0–1 (None when there were none)."""
        return self.within_limit / self.count if self.count else None


@dataclass
class OverdueRow:
    clock: str
    label: str
    open: int
    overdue: int


@dataclass
class Statistics:
    scope: Scope
    start: datetime.date  # first day of the first month
    end: datetime.date  # first day of the last month
    today: datetime.date
    months: list
    steps: list
    overdue: list

    @property
    def period_label(self):
        return f"{self.start:%Y-%m} — {self.end:%Y-%m}"

    @property
    def totals(self):
        return {key: sum(row.counts[key] for row in self.months) for key, _action, _heading in MONTH_COLUMNS}

    @property
    def overdue_total(self):
        return sum(row.overdue for row in self.overdue)


def _default_limit(clock):
    return LicenseItemPage._meta.get_field(LIMIT_FIELD[clock]).default


def _local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _bounds(start, end):
    """Aware datetimes of the period: from the first month's first day to the day after the last month."""
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(first_of_month(start), datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(add_months(first_of_month(end), 1), datetime.time.min, tzinfo=tz)
    return begin, until


# --- the computations --------------------------------------------------------------------------


def compute(scope, start=None, end=None, today=None):
    """The statistics of `scope` for the months from `start` to `end` (dates in the first and last
    month; default: the last twelve months)."""
    today = today or timezone.localdate()
    if start is None or end is None:
        start, end = default_period(today)
    start, end = first_of_month(start), first_of_month(end)
    if end < start:
        start, end = end, start
    begin, until = _bounds(start, end)
    return Statistics(
        scope=scope,
        start=start,
        end=end,
        today=today,
        months=month_counts(scope, start, end, begin, until),
        steps=step_durations(scope, begin, until),
        overdue=overdue_now(scope, today),
    )


def month_counts(scope, start, end, begin, until):
    """One aggregate: events per (month, transition), months in Beijing time."""
    by_action = {action.value: key for key, action, _heading in MONTH_COLUMNS}
    rows = (
        ApplicationEvent.objects.using(replica_alias())
        .filter(scope.applications("application__"), created_at__gte=begin, created_at__lt=until)
        .filter(transition__in=list(by_action))
        .annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "transition")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table = {month: dict.fromkeys(by_action.values(), 0) for month in months_between(start, end)}
    for row in rows:
        month = first_of_month(_local_date(row["month"]))
        if month in table:
            table[month][by_action[row["transition"]]] += row["n"]
    return [MonthRow(month, counts) for month, counts in table.items()]


def step_durations(scope, begin, until):
    """Each step that ended in the period with the working days it took and its limit.

    One query finds the ending events with the start of their clock: the latest starting event of
    the same application written before them (the state machine is a line, so for an acceptance that
    is the (re)submission, for a scheduling the acceptance, for a decision the report). A second
    one reads each application's strictest limits, as workflows.deadlines.limit_days does."""
    alias = replica_alias()
    started = (
        ApplicationEvent.objects.using(alias)
        .filter(application_id=OuterRef("application_id"), pk__lt=OuterRef("pk"), transition__in=STEP_STARTS)
        .order_by("-pk")
        .values("created_at")[:1]
    )
    ends = ApplicationEvent.objects.using(alias).filter(
        scope.applications("application__"),
        created_at__gte=begin,
        created_at__lt=until,
        transition__in=list(STEP_BY_END),
    )
    occurrences = list(
        ends.annotate(started_at=Subquery(started)).values_list(
            "application_id", "transition", "started_at", "created_at"
        )
    )
    limits = {
        pk: {Clock.ACCEPTANCE: acceptance, Clock.SCHEDULING: scheduling, Clock.DECISION: decision}
        for pk, acceptance, scheduling, decision in Application.objects.using(alias)
        .filter(pk__in=ends.values("application_id"))
        .annotate(
            acceptance=Min(f"items__license_item__{LIMIT_FIELD[Clock.ACCEPTANCE]}"),
            scheduling=Min(f"items__license_item__{LIMIT_FIELD[Clock.SCHEDULING]}"),
            decision=Min(f"items__license_item__{LIMIT_FIELD[Clock.DECISION]}"),
        )
        .values_list("pk", "acceptance", "scheduling", "decision")
        .order_by()
    }
    rows = {step.key: StepRow(step) for step in STEPS}
    counted = {}  # (start date, end date) → working days: each pair counted once
    for application_id, transition, started_at, ended_at in occurrences:
        if started_at is None:
            continue  # an audit trail without its start (data from before the trail): nothing to measure
        step = STEP_BY_END[transition]
        pair = (_local_date(started_at), _local_date(ended_at))
        if pair not in counted:
            counted[pair] = working_days.working_days_between(*pair)
        limit = limits.get(application_id, {}).get(step.clock)
        rows[step.key].durations.append(counted[pair])
        rows[step.key].limits.append(limit if limit is not None else _default_limit(step.clock))
    return [rows[step.key] for step in STEPS]


def overdue_now(scope, today):
    """Open applications per running clock, and how many of them are past their due date (the
    queue's 已超期: due_on before today)."""
    rows = {
        row["clock"]: row
        for row in Application.objects.using(replica_alias())
        .filter(scope.applications())
        .exclude(clock="")
        .values("clock")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    }
    return [
        OverdueRow(
            clock.value,
            clock.label,
            rows.get(clock.value, {}).get("open", 0),
            rows.get(clock.value, {}).get("overdue", 0),
        )
        for clock in Clock
    ]


# --- tables for the page and the exports -------------------------------------------------------


def _number(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 1)


def month_table(result):
    """(headings, rows) of the monthly counts, a total row last."""
    headings = [str(_("月份"))] + [str(heading) for _key, _action, heading in MONTH_COLUMNS]
    rows = [[row.label, *row.values()] for row in result.months]
    totals = result.totals
    rows.append([str(_("合计"))] + [totals[key] for key, _action, _heading in MONTH_COLUMNS])
    return headings, rows


def step_table(result):
    headings = [
        str(_("办理环节")),
        str(_("办结数")),
        str(_("实际用时中位数（工作日）")),
        str(_("法定时限（工作日）")),
        str(_("时限内办结")),
        str(_("时限内比例")),
        str(_("超过时限")),
    ]
    rows = [
        [
            str(row.step.label),
            row.count,
            _number(row.median_days),
            _number(row.limit),
            row.within_limit,
            None if row.share_within is None else f"{row.share_within:.0%}",
            row.over_limit,
        ]
        for row in result.steps
    ]
    return headings, rows


def overdue_table(result):
    headings = [str(_("当前期限")), str(_("办理中")), str(_("已超期"))]
    rows = [[str(row.label), row.open, row.overdue] for row in result.overdue]
    rows.append([str(_("合计")), sum(row.open for row in result.overdue), result.overdue_total])
    return headings, rows


TABLES = {"months": month_table, "steps": step_table, "overdue": overdue_table}
