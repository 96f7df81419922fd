"""统计分析 (workflows/statistics.py, workflows/statistics_admin.py): monthly counts from the audit
trail, working days per step against the statutory limits, overdue counts, who sees which
authority, the charts and tables of the admin screen, the CSV/XLSX downloads and a query count
that does not grow with the number of applications.

Applications are driven through the real actions (tests/support/workflow_builders.py); the times of their
events are then moved to fixed days of 2026 (chinese_calendar knows that year's holidays), as if
each action had happened then."""

import csv
import datetime
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Authority, Region
from accounts.roles import is_authority_staff
from cms.models import LicenseItemPage
from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import actions, statistics
from workflows.models import Application, ApplicationEvent, ApplicationState, Clock
from workflows.working_days import working_days_between

S = ApplicationState
pytestmark = pytest.mark.django_db

INDEX = reverse("statistics:index")
PERIOD = {"start": "2026-03", "end": "2026-05"}
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BEIJING)


def set_times(application, times):
    """Move the application's events of each transition to the given days, in the order written."""
    for transition, days in times.items():
        days = days if isinstance(days, list) else [days]
        events = list(ApplicationEvent.objects.filter(application=application, transition=transition).order_by("pk"))
        assert len(events) == len(days), transition
        for event, day in zip(events, days, strict=True):
            ApplicationEvent.objects.filter(pk=event.pk).update(created_at=at(day))


def approved_a(p):
    """Submitted 2 March, accepted 5 March, date agreed 16 March, report 1 April, approved 15 April."""
    application = application_in(S.APPROVED, p)
    set_times(
        application,
        {
            "submit": date(2026, 3, 2),
            "accept": date(2026, 3, 5),
            "propose_review_dates": date(2026, 3, 6),
            "agree_review_date": date(2026, 3, 16),
            "submit_review_report": date(2026, 4, 1),
            "approve": date(2026, 4, 15),
        },
    )
    return application


def corrected_b(p):
    """Submitted 2 March, correction requested 10 March, resubmitted 20 March, accepted 23 March."""
    application = application_in(S.CORRECTION_REQUESTED, p)
    actions.resubmit(application, p.applicant, [])
    actions.accept(refresh(application), p.authority, p.review_body_org, "补正后材料齐全")
    set_times(
        application,
        {
            "submit": date(2026, 3, 2),
            "request_correction": date(2026, 3, 10),
            "resubmit": date(2026, 3, 20),
            "accept": date(2026, 3, 23),
        },
    )
    return application


def refused_c(p):
    application = application_in(S.NOT_ACCEPTED, p)
    set_times(application, {"submit": date(2026, 4, 1), "refuse_acceptance": date(2026, 4, 3)})
    return application


def denied_d(p):
    """Submitted and accepted in February (before the period), date agreed 10 March across the
    Spring Festival, report 20 April, denied 6 May after the May Day holidays."""
    application = application_in(S.DENIED, p)
    set_times(
        application,
        {
            "submit": date(2026, 2, 20),
            "accept": date(2026, 2, 25),
            "propose_review_dates": date(2026, 2, 26),
            "agree_review_date": date(2026, 3, 10),
            "submit_review_report": date(2026, 4, 20),
            "deny": date(2026, 5, 6),
        },
    )
    return application


@pytest.fixture
def history(parties):
    p = parties
    return {"a": approved_a(p), "b": corrected_b(p), "c": refused_c(p), "d": denied_d(p)}


def beijing_scope(p):
    return statistics.Scope((p.authority.organisation_id,), "北京")


def compute(scope, today=date(2026, 6, 1)):
    return statistics.compute(scope, date(2026, 3, 1), date(2026, 5, 1), today=today)


def counts_by_month(result):
    return {row.label: row.counts for row in result.months}


def month(received=0, accepted=0, correction_requested=0, not_accepted=0, approved=0, denied=0):
    return {
        "received": received,
        "accepted": accepted,
        "correction_requested": correction_requested,
        "not_accepted": not_accepted,
        "approved": approved,
        "denied": denied,
    }


def steps_of(result):
    return {row.step.key: row for row in result.steps}


# --- the service ---------------------------------------------------------------------------------


def test_each_month_counts_what_happened_in_it(parties, history):
    result = compute(beijing_scope(parties))
    assert counts_by_month(result) == {
        # D was submitted and accepted in February: not in the period. B's resubmission is not a
        # second receipt; its acceptance after the correction is.
        "2026-03": month(received=2, accepted=2, correction_requested=1),
        "2026-04": month(received=1, not_accepted=1, approved=1),
        "2026-05": month(denied=1),
    }
    assert result.totals == month(received=3, accepted=2, correction_requested=1, not_accepted=1, approved=1, denied=1)
    assert result.period_label == "2026-03 — 2026-05"


def test_a_month_is_counted_on_the_beijing_calendar(parties):
    application = application_in(S.SUBMITTED, parties)
    # 31 March 20:00 UTC is 1 April 04:00 in Beijing.
    ApplicationEvent.objects.filter(application=application).update(
        created_at=datetime.datetime(2026, 3, 31, 20, tzinfo=datetime.UTC)
    )
    result = compute(beijing_scope(parties))
    assert counts_by_month(result)["2026-03"]["received"] == 0
    assert counts_by_month(result)["2026-04"]["received"] == 1


def test_the_default_period_is_the_last_twelve_months(parties):
    result = statistics.compute(beijing_scope(parties), today=date(2026, 11, 20))
    assert [row.label for row in result.months][0] == "2025-12"
    assert [row.label for row in result.months][-1] == "2026-11"
    assert len(result.months) == 12


def test_working_days_per_step_against_the_statutory_limits(parties, history):
    steps = steps_of(compute(beijing_scope(parties)))

    # 受理: A 2→5 March (3), B 2→10 March (6, the correction notice came late), B again after its
    # resubmission 20→23 March (1: the clock restarted), C 1→3 April (2). D's was in February.
    acceptance = steps["acceptance"]
    assert sorted(acceptance.durations) == [1, 2, 3, 6]
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 10)) == 6
    assert acceptance.median_days == 2.5
    assert acceptance.limit == 5
    assert (acceptance.within_limit, acceptance.over_limit, acceptance.share_within) == (3, 1, 0.75)

    # 协商评审时间: A 5→16 March (7), D 25 February → 10 March: Saturday 28 February was a working
    # day (调休 after the Spring Festival), so 10 working days: exactly the limit, within it.
    scheduling = steps["scheduling"]
    assert sorted(scheduling.durations) == [7, 10]
    assert working_days_between(date(2026, 2, 25), date(2026, 3, 10)) == 10
    assert (scheduling.median_days, scheduling.limit, scheduling.within_limit, scheduling.over_limit) == (8.5, 10, 2, 0)

    # 审查发证: A 1→15 April across Qingming (6 April off), D 20 April → 6 May across May Day.
    decision = steps["decision"]
    expected = sorted(
        [
            working_days_between(date(2026, 4, 1), date(2026, 4, 15)),
            working_days_between(date(2026, 4, 20), date(2026, 5, 6)),
        ]
    )
    assert expected[0] == 9
    assert sorted(decision.durations) == expected
    assert decision.limit == 20 and decision.over_limit == 0


def test_the_limit_is_the_applications_own_strictest_item(parties, history):
    LicenseItemPage.objects.filter(pk=parties.catalogue["vessel"].pk).update(acceptance_days=2)
    acceptance = steps_of(compute(beijing_scope(parties)))["acceptance"]
    assert acceptance.limit == 2
    assert (acceptance.within_limit, acceptance.over_limit) == (2, 2)  # 3 and 6 days are now late


def test_a_step_without_any_occurrence_has_no_median(parties):
    steps = steps_of(compute(beijing_scope(parties)))
    assert steps["decision"].count == 0
    assert steps["decision"].median_days is None and steps["decision"].share_within is None
    assert steps["decision"].limit == 20  # the default limit, for the chart


def test_overdue_now_per_running_clock(parties):
    p = parties
    late = application_in(S.SUBMITTED, p)
    on_time = application_in(S.SUBMITTED, p)
    late_scheduling = application_in(S.ACCEPTED, p)
    application_in(S.APPROVED, p)  # finished: no clock
    today = date(2026, 6, 10)
    Application.objects.filter(pk=late.pk).update(due_on=date(2026, 6, 9))
    Application.objects.filter(pk=on_time.pk).update(due_on=today)  # due today is not overdue
    Application.objects.filter(pk=late_scheduling.pk).update(due_on=date(2026, 5, 1))
    overdue = {row.clock: (row.open, row.overdue) for row in compute(beijing_scope(p), today=today).overdue}
    assert overdue == {
        Clock.ACCEPTANCE: (2, 1),
        Clock.SCHEDULING: (1, 1),
        Clock.REVIEW: (0, 0),
        Clock.DECISION: (0, 0),
    }


def jiangsu(p):
    return Authority.objects.get(region=Region.objects.get(code="320000"))


@pytest.fixture
def two_jurisdictions(parties, history):
    """Besides Beijing's four: one Jiangsu application received and corrected in March."""
    p = parties
    other = application_in(S.CORRECTION_REQUESTED, p)
    Application.objects.filter(pk=other.pk).update(authority=jiangsu(p))
    set_times(other, {"submit": date(2026, 3, 3), "request_correction": date(2026, 3, 4)})
    return other


def test_an_authoritys_scope_is_its_own_authority_and_samr_sees_all(parties, two_jurisdictions):
    p = parties
    assert statistics.scope_for(p.authority).authority_ids == (p.authority.organisation_id,)
    assert statistics.scope_for(p.other_authority).authority_ids == (jiangsu(p).pk,)
    assert statistics.scope_for(p.samr).authority_ids is None
    march = {
        role: counts_by_month(compute(statistics.scope_for(getattr(p, role))))["2026-03"]
        for role in ("authority", "other_authority", "samr")
    }
    assert march["authority"] == month(received=2, accepted=2, correction_requested=1)
    assert march["other_authority"] == month(received=1, correction_requested=1)
    assert march["samr"] == month(received=3, accepted=2, correction_requested=2)
    # SAMR may narrow to one authority.
    only_jiangsu = compute(statistics.scope_for(p.samr, jiangsu(p)))
    assert counts_by_month(only_jiangsu)["2026-03"] == march["other_authority"]


def test_review_bodies_applicants_and_editors_have_no_scope(parties):
    from django.core.exceptions import PermissionDenied

    for role in ("review_body", "applicant", "editor"):
        user = getattr(parties, role)
        assert not is_authority_staff(user)
        with pytest.raises(PermissionDenied):
            statistics.scope_for(user)


# --- query counts ---------------------------------------------------------------------------------


def queries_for(scope):
    with CaptureQueriesContext(connection) as captured:
        compute(scope)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_applications(parties, django_assert_max_num_queries):
    p = parties
    approved_a(p)
    corrected_b(p)
    scope = beijing_scope(p)
    few = queries_for(scope)
    for _round in range(3):
        approved_a(p)
        corrected_b(p)
        refused_c(p)
        denied_d(p)
    assert queries_for(scope) == few
    # months, steps (their starts by subquery), limits, open clocks; the 工作日历 rows of a year are
    # read once per process and cached, so at most one more.
    with django_assert_max_num_queries(5):
        compute(scope)


# --- the admin screen -----------------------------------------------------------------------------


def get(client, user, **params):
    client.force_login(user)
    return client.get(INDEX, {**PERIOD, **params})


def test_authority_staff_get_the_page_with_charts_and_tables(client, parties, history):
    response = get(client, parties.authority)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="statistics-chart" role="img"' in html
    assert 'aria-labelledby="statistics-months-title statistics-months-desc"' in html
    assert '<title id="statistics-months-title">每月办理量</title>' in html
    assert '<title id="statistics-steps-title">各环节实际用时与法定时限</title>' in html
    assert "<title>2026-03 收到申请: 2</title>" in html  # a bar's own tooltip
    assert "<script" not in html.split('id="statistics-months-heading"')[1]  # charts without script
    assert "北京市市场监督管理局" in html
    # the same numbers in a table beneath the chart
    assert '<th scope="row">2026-03</th><td>2</td><td>2</td><td>1</td><td>0</td><td>0</td><td>0</td>' in html
    assert 'name="authority"' not in html  # a province has no authority to choose


def test_samr_may_choose_an_authority(client, parties, two_jurisdictions):
    response = get(client, parties.samr)
    html = response.content.decode()
    assert 'name="authority"' in html and "全部审批机关" in html
    response = get(client, parties.samr, authority=jiangsu(parties).pk)
    assert response.context["result"].scope.label == "江苏省市场监督管理局"
    assert counts_by_month(response.context["result"])["2026-03"] == month(received=1, correction_requested=1)


def test_a_province_cannot_ask_for_another_authority(client, parties, two_jurisdictions):
    response = get(client, parties.authority, authority=jiangsu(parties).pk)
    assert response.context["result"].scope.authority_ids == (parties.authority.organisation_id,)
    assert counts_by_month(response.context["result"])["2026-03"]["received"] == 2


@pytest.mark.parametrize("role", ["review_body", "other_review_body", "editor"])
def test_other_staff_are_refused_like_the_other_staff_screens(client, parties, role):
    response = get(client, getattr(parties, role))
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_applicants_never_get_into_the_admin(client, parties):
    response = get(client, parties.applicant)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_menu_item_is_shown_to_authorities_only(rf, parties):
    from wagtail.admin.menu import admin_menu

    def labels(user):
        request = rf.get("/admin/")
        request.user = user
        return [str(item.label) for item in admin_menu.menu_items_for_request(request)]

    assert "统计分析" in labels(parties.authority)
    assert "统计分析" in labels(parties.samr)
    for role in ("review_body", "editor", "applicant"):
        assert "统计分析" not in labels(getattr(parties, role))


def test_a_bad_period_is_explained_in_chinese(client, parties):
    response = get(client, parties.authority, start="2026-05", end="2026-03")
    assert "截止月份不能早于起始月份。" in response.content.decode()
    response = get(client, parties.authority, start="2020-01", end="2026-03")
    assert "统计区间最长 36 个月" in response.content.decode()
    response = get(client, parties.authority, start="März")
    assert "请按“年-月”填写月份" in response.content.decode()


def test_the_csv_exports_hold_the_tables(client, parties, history):
    response = get(client, parties.authority, export="csv", table="months")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="statistics-202603-202605.months.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["月份", "收到申请", "受理", "补正告知", "不予受理", "准予许可", "不予许可"]
    assert rows[1] == ["2026-03", "2", "2", "1", "0", "0", "0"]
    assert rows[-1] == ["合计", "3", "2", "1", "1", "1", "1"]

    rows = list(
        csv.reader(io.StringIO(get(client, parties.authority, export="csv", table="steps").content.decode("utf-8-sig")))
    )
    assert rows[1] == ["受理", "4", "2.5", "5", "3", "75%", "1"]
    assert get(client, parties.authority, export="csv", table="nothing").status_code == 404


def test_the_xlsx_export_holds_every_table(client, parties, two_jurisdictions):
    response = get(client, parties.samr, export="xlsx")
    assert response["Content-Type"] == statistics_xlsx_type()
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["说明", "月度统计", "办理时长", "当前超期"]
    months = [list(row) for row in workbook["月度统计"].iter_rows(values_only=True)]
    assert months[1] == ["2026-03", 3, 2, 2, 0, 0, 0]
    assert months[-1] == ["合计", 4, 2, 2, 1, 1, 1]
    steps = {row[0]: row for row in workbook["办理时长"].iter_rows(values_only=True)}
    assert steps["协商评审时间"][1:5] == (2, 8.5, 10, 2)
    about = {row[0]: row[1] for row in workbook["说明"].iter_rows(values_only=True)}
    assert about["统计范围"] == "全部审批机关" and about["统计期间"] == "2026-03 — 2026-05"


def test_the_authoritys_export_never_holds_other_authorities_numbers(client, parties, two_jurisdictions):
    workbook = load_workbook(io.BytesIO(get(client, parties.other_authority, export="xlsx").content))
    months = [list(row) for row in workbook["月度统计"].iter_rows(values_only=True)]
    assert months[1] == ["2026-03", 1, 0, 1, 0, 0, 0]
    assert months[-1] == ["合计", 1, 0, 1, 0, 0, 0]


def statistics_xlsx_type():
    from workflows.statistics_admin import XLSX_TYPE

    return XLSX_TYPE


def test_the_page_has_a_query_ceiling(client, parties, history, django_assert_max_num_queries):
    client.force_login(parties.authority)
    client.get(INDEX, PERIOD)  # warm the per-process caches (site, calendar years)
    # 15 today: session, user, 2FA device, permissions, the four statistics queries, the menu's.
    with django_assert_max_num_queries(20):
        assert client.get(INDEX, PERIOD).status_code == 200
