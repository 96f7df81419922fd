"""许可申请管理: searched by 申请编号, 许可项目, 状态 and 提交日期 (a GET form whose criteria the page
links keep), a Chinese message at a mistyped date, and 查看受理决定书 on the rows that have one;
the list costs the same number of queries for a few or many rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.support.builders import ApplicationFactory, make_catalogue
from tests.support.workflow_builders import application_in, fill_completely, make_parties
from workflows.models import Application, ApplicationState, DocumentKind

pytestmark = pytest.mark.django_db

S = ApplicationState
LIST_CEILING = 10  # measured 9: the bench's "applicant list" (8) and the pagination's count


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def world(client, parties):
    """An accepted application submitted on 10 March, a submitted one on 20 May, a boiler draft."""
    accepted = application_in(S.ACCEPTED, parties)
    submitted = application_in(S.SUBMITTED, parties)
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["B"]]))
    for application, day in ((accepted, datetime.date(2026, 3, 10)), (submitted, datetime.date(2026, 5, 20))):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        Application.objects.filter(pk=application.pk).update(submitted_at=moment)
    client.force_login(parties.applicant)
    return {"accepted": accepted, "submitted": submitted, "draft": draft}


def listed(client, query=None):
    response = client.get(reverse("applications:list"), query or {})
    assert response.status_code == 200
    return response.content.decode()


def shown(html, world):
    """The names of the world's applications whose rows the page shows."""
    return {name for name, a in world.items() if reverse("applications:print", args=[a.uuid]) in html}


def row_of(html, application):
    row = re.search(rf"<tr class=\"state-[^\"]*\">(?:(?!</tr>).)*?{application.uuid}(?:(?!</tr>).)*</tr>", html, re.S)
    assert row, f"no row for {application}"
    return row.group(0)


def test_without_criteria_every_application_is_listed_under_the_search_form(client, world):
    html = listed(client)
    assert shown(html, world) == {"accepted", "submitted", "draft"}
    start = html.index('<form method="get" class="list-filters" id="application-filters"')
    form = html[start : html.index("</form>", start)]
    for label in ("申请编号", "许可项目", "状态", "提交日期自", "提交日期至", "查询"):
        assert label in form


def test_by_reference(client, world):
    reference = world["submitted"].reference
    assert shown(listed(client, {"reference": reference}), world) == {"submitted"}
    assert shown(listed(client, {"reference": " " + reference.lower() + " "}), world) == {"submitted"}
    assert shown(listed(client, {"reference": "TSXK"}), world) == {"accepted", "submitted"}


def test_by_licence_item(client, world):
    assert shown(listed(client, {"item": "锅炉"}), world) == {"draft"}
    assert shown(listed(client, {"item": "压力容器"}), world) == {"accepted", "submitted"}
    html = listed(client, {"item": "电梯"})
    assert shown(html, world) == set()
    assert "没有符合条件的许可申请。" in html and "清除条件" in html
    assert 'id="applications-empty"' not in html  # not the first-time empty state


def test_by_state(client, world):
    html = listed(client, {"state": S.ACCEPTED})
    assert shown(html, world) == {"accepted"}
    assert re.search(r'<option value="accepted" selected>', html)
    assert shown(listed(client, {"state": S.DRAFT}), world) == {"draft"}


def test_by_submission_dates(client, world):
    assert shown(listed(client, {"submitted_from": "2026-04-01"}), world) == {"submitted"}
    assert shown(listed(client, {"submitted_to": "2026-04-01"}), world) == {"accepted"}
    both = {"submitted_from": "2026-03-10", "submitted_to": "2026-05-20"}
    assert shown(listed(client, both), world) == {"accepted", "submitted"}  # both ends included
    assert shown(listed(client, {"submitted_from": "2026-03-11", "submitted_to": "2026-05-19"}), world) == set()


def test_a_mistyped_date_says_so_at_the_field_and_the_other_criteria_still_apply(client, world):
    html = listed(client, {"submitted_from": "2026-13-45", "state": S.SUBMITTED})
    field = html[html.index('id="field-submitted_from"') :][:1200]
    assert "请输入有效的日期，例如 2026-05-08。" in field
    assert 'value="2026-13-45"' in field  # what was typed stays to be corrected
    assert shown(html, world) == {"submitted"}


def test_dates_in_the_wrong_order_and_an_unknown_state_say_why(client, world):
    html = listed(client, {"submitted_from": "2026-06-01", "submitted_to": "2026-01-01"})
    assert "结束日期不能早于开始日期。" in html[html.index('id="field-submitted_to"') :][:1200]
    html = listed(client, {"state": "nonsense"})
    assert "请从列表中选择状态。" in html
    assert shown(html, world) == {"accepted", "submitted", "draft"}


def test_the_pages_keep_the_criteria(client, parties, world):
    for _ in range(21):
        ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]])
    html = listed(client, {"state": S.DRAFT, "item": "压力容器"})
    assert html.count('class="next-action') == 20
    assert "找到 21 个符合条件的许可申请。" in html
    next_link = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', html).group(1).replace("&amp;", "&")
    assert "state=draft" in next_link and "page=2" in next_link and "item=" in next_link
    second = client.get(reverse("applications:list") + next_link).content.decode()
    assert second.count('class="next-action') == 1
    assert "第 2 页，共 2 页" in second
    assert shown(second, world) == set()  # the boiler draft does not match 压力容器
    assert re.search(r'<option value="draft" selected>', second)
    previous = re.search(r'<a href="([^"]+)" rel="prev">上一页</a>', second).group(1).replace("&amp;", "&")
    assert "state=draft" in previous and "page=1" in previous


def test_the_acceptance_decision_is_offered_only_on_rows_that_have_one_and_downloads(client, world):
    html = listed(client)
    decision = world["accepted"].documents.get(kind=DocumentKind.ACCEPTANCE_DECISION)
    url = reverse("applications:document", args=[decision.uuid])
    row = row_of(html, world["accepted"])
    assert f'href="{url}"' in row and "查看受理决定书" in row
    for name in ("submitted", "draft"):
        assert "查看受理决定书" not in row_of(html, world[name])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == decision.read()


def test_an_approved_row_offers_its_acceptance_decision_beside_the_licence(client, parties):
    approved = application_in(S.APPROVED, parties)
    client.force_login(parties.applicant)
    row = row_of(listed(client), approved)
    assert "查看受理决定书" in row
    decision = approved.documents.get(kind=DocumentKind.ACCEPTANCE_DECISION)
    assert reverse("applications:document", args=[decision.uuid]) in row


def test_another_enterprise_finds_nothing_of_ours(client, parties, world):
    client.force_login(parties.other_enterprise)
    html = listed(client, {"reference": world["accepted"].reference})
    assert shown(html, world) == set()
    assert "查看受理决定书" not in html


def test_the_filtered_list_costs_the_same_queries_with_many_rows(client, parties, world):
    query = {"item": "压力容器", "submitted_from": "2020-01-01", "page": "1"}

    def measure():
        client.get(reverse("applications:list"), query)  # warm the caches
        with CaptureQueriesContext(connection) as captured:
            html = listed(client, query)
        return len(captured.captured_queries), html

    few, _html = measure()
    for state in (S.ACCEPTED, S.ACCEPTED, S.REVIEWED, S.APPROVED, S.SUBMITTED, S.CORRECTION_REQUESTED):
        application_in(state, parties)
    many, html = measure()
    assert html.count("查看受理决定书") == 5
    assert many == few <= LIST_CEILING
