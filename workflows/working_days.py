"""The Chinese working-day calendar behind statutory time limits (docs/decisions.md, decision 6).

Time limits in the Administrative Licensing Law (5, 10, 20 working days, ...) are counted on
the official calendar: weekends and public holidays are days off, except the adjusted working
days (调休) on which a weekend day becomes a working day. The State Council announces each
year's arrangement late in the previous year, and the packages follow it with a lag, so three
sources are layered, the first that knows a date wins:

1. the 工作日历 table (workflows.models.CalendarDay), which staff maintain in the admin: a row
   overrides everything else for its date;
2. ``chinese_calendar``, which knows each year's holidays *and* adjusted working days, but only
   for the years it was released with (1.11: 2004-2026), and raises NotImplementedError outside;
3. a fallback for the years nobody has entered yet: weekends plus the statutory public holidays
   from the ``holidays`` package. 调休 is unknowable there, so such deadlines are estimates and
   the UI says so (``is_estimated``).

A queue page computes many deadlines, so a year's table rows are loaded with one query and kept
per process. A save or delete of a CalendarDay drops the cache at once in the process that made
it (signals, connected in WorkflowsConfig.ready()); other worker processes pick the change up
when their copy expires (CACHE_SECONDS), which is soon enough for a table edited a few times a
year.
"""

from __future__ import annotations

import functools
import threading
import time
from datetime import date, datetime, timedelta
from typing import Literal

import chinese_calendar
import holidays
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

Source = Literal["table", "package", "fallback"]

# Shown wherever a deadline falls in (or runs through) a year nobody has entered.
ESTIMATE_NOTICE = _("该年度节假日安排尚未录入，期限按周末和法定节假日估算")

# How long another worker process may go on using a year's rows after staff changed them. The
# process that saved the change drops its copy immediately (signals); the others cannot hear
# those signals, so their copies simply expire.
CACHE_SECONDS = 300

# year -> (loaded at, {date: is_working_day}) from the CalendarDay table.
_overrides: dict[int, tuple[float, dict[date, bool]]] = {}
_lock = threading.Lock()


# --- the layers --------------------------------------------------------------------------


def _as_date(day: date) -> date:
    # A datetime is a date subclass but never equal to one, so it would miss every dict key;
    # an aware datetime counts on the local (Beijing) calendar day.
    if isinstance(day, datetime):
        return timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return day


def _table_overrides(year: int) -> dict[date, bool]:
    """The staff-entered rows for ``year`` as {date: is working day}, one query per year and expiry."""
    now = time.monotonic()
    cached = _overrides.get(year)
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    from .models import CalendarDay, DayKind  # imported late: this module is loaded from AppConfig.ready()

    rows = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
    days = {day: kind == DayKind.WORKDAY for day, kind in rows}
    with _lock:
        _overrides[year] = (now, days)
    return days


@functools.cache
def _package_knows(year: int) -> bool:
    # chinese_calendar raises for any date of a year outside its data (both before 2004 and
    # after its release year); probing one date tells us for the whole year.
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


@functools.cache
def _statutory_holidays(year: int) -> frozenset[date]:
    # The ``holidays`` package computes the statutory holidays (元旦, 春节, 清明, 劳动节, 端午,
    # 中秋, 国庆) from the law's rules and lunar dates, so it knows years the State Council has
    # not yet arranged. Its "observed" days (a holiday falling on a weekend moved to a weekday)
    # are kept: that is what the State Council's arrangements do in practice, and it is the
    # closer estimate. If it cannot compute a year at all, weekends alone must do.
    try:
        return frozenset(holidays.China(years=year))
    except Exception:  # an estimate must never take a deadline page down
        return frozenset()


def _fallback_is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _statutory_holidays(day.year)


# --- public API --------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day: the 工作日历 table, else chinese_calendar, else the estimate."""
    day = _as_date(day)
    override = _table_overrides(day.year).get(day)
    if override is not None:
        return override
    if _package_knows(day.year):
        return chinese_calendar.is_workday(day)
    return _fallback_is_working_day(day)


def source_for_year(year: int) -> Source:
    """Where ``year``'s calendar comes from: "table" once staff have entered any row for it,
    "package" when chinese_calendar knows it, "fallback" (weekends and statutory holidays only)
    otherwise."""
    if _table_overrides(year):
        return "table"
    if _package_knows(year):
        return "package"
    return "fallback"


def is_estimated(year: int) -> bool:
    """True when deadlines in ``year`` are estimates (no 调休 known): show ESTIMATE_NOTICE."""
    return source_for_year(year) == "fallback"


def add_working_days(start: date, days: int) -> date:
    """The due date of a time limit of ``days`` working days starting on ``start``.

    The start day itself is not counted: the Administrative Licensing Law counts from the next
    day, so the result is the ``days``-th working day after ``start`` (``days`` = 0 gives
    ``start``). A negative ``days`` gives the ``-days``-th working day before ``start``.
    For ``days`` >= 0, ``working_days_between(start, add_working_days(start, days)) == days``.
    """
    day = _as_date(start)
    step = timedelta(days=1 if days >= 0 else -1)
    remaining = abs(days)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """The number of working days d with start < d <= end, for countdowns (剩余 3 个工作日).

    Negative, mirrored, when ``end`` is before ``start``: -(working days d with end < d <= start),
    e.g. how many working days a deadline is overdue by, counted the other way round.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def clear_cache() -> None:
    """Forget the loaded CalendarDay rows (all years), e.g. after a change or between tests.

    Tests need this because a rolled-back transaction sends no post_delete signal."""
    with _lock:
        _overrides.clear()


# --- cache invalidation ------------------------------------------------------------------


def _calendar_day_changed(sender, **kwargs):
    # Drop everything rather than just the row's year: an edit may have moved a row from one
    # year to another, and reloading a year is one small query. Clear again on commit, so that
    # a reload which happened inside the saving transaction does not outlive it.
    clear_cache()
    transaction.on_commit(clear_cache)


def connect_signals() -> None:
    """Called from WorkflowsConfig.ready()."""
    from .models import CalendarDay

    post_save.connect(_calendar_day_changed, sender=CalendarDay, dispatch_uid="working_days_calendar_day_saved")
    post_delete.connect(_calendar_day_changed, sender=CalendarDay, dispatch_uid="working_days_calendar_day_deleted")
