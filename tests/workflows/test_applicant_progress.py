"""After submission (guide 1.6, 直接办理): the list with the next action, the detail page with its
stages, countdown and timeline, documents, 协商鉴定评审时间 and 撤回申请 — and nothing of it for
another enterprise."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.support.builders import make_catalogue
from tests.support.pdf import body_text
from tests.support.workflow_builders import application_in, future, make_parties, refresh
from workflows import actions
from workflows.models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    CalendarDay,
    DayKind,
    DocumentKind,
    ProposalSide,
    ProposalStatus,
)

pytestmark = pytest.mark.django_db

S = ApplicationState


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def applicant_client(client, parties):
    client.force_login(parties.applicant)
    return client


def detail_url(application):
    return reverse("applications:detail", args=[application.uuid])


def html_of(response):
    return response.content.decode()


def next_action_of(html, application):
    """The label of the row's next-action link."""
    row = re.search(rf'<tr class="state-[^"]*">(?:(?!</tr>).)*?{application.uuid}(?:(?!</tr>).)*</tr>', html, re.S)
    assert row, f"no row for {application}"
    link = re.search(r'class="next-action[^"]*" data-next="([a-z_]+)">([^<]+)</a>', row.group(0))
    return link.group(1), link.group(2)


# --- the list -----------------------------------------------------------------------------------


def test_the_list_offers_the_next_action_of_each_state(applicant_client, parties):
    p = parties
    draft = application_in(S.DRAFT, p)
    submitted = application_in(S.SUBMITTED, p)
    correction = application_in(S.CORRECTION_REQUESTED, p)
    accepted = application_in(S.ACCEPTED, p)
    actions.propose_review_dates(accepted, p.review_body, [future(15), future(16)], "请确认")
    waiting = application_in(S.ACCEPTED, p)  # no proposal from the review body yet
    reviewed = application_in(S.REVIEWED, p)
    approved = application_in(S.APPROVED, p)
    withdrawn = application_in(S.WITHDRAWN, p)

    html = html_of(applicant_client.get(reverse("applications:list")))

    assert next_action_of(html, draft) == ("continue", "继续填写")
    assert next_action_of(html, submitted) == ("view", "查看")
    assert next_action_of(html, correction) == ("correct", "补齐补正")
    assert next_action_of(html, accepted) == ("review_date", "协商鉴定评审时间")
    assert next_action_of(html, waiting) == ("view", "查看")
    assert next_action_of(html, reviewed) == ("feedback", "填写评审反馈表")
    assert next_action_of(html, withdrawn) == ("view", "查看")
    # Approved: the feedback is still owed first, the licence is offered beside it.
    assert next_action_of(html, approved) == ("feedback", "填写评审反馈表")
    assert "下载许可证" in html
    assert reverse("applications:correction", args=[correction.uuid]) in html
    assert reverse("applications:review_date", args=[accepted.uuid]) in html
    # The columns: authority, submission date and the running time limit.
    assert "北京市市场监督管理局" in html
    assert f"{timezone.localdate():%Y-%m-%d}" in html
    assert f"{refresh(submitted).due_on:%Y-%m-%d}" in html


def test_an_approved_application_with_feedback_offers_the_licence(applicant_client, parties):
    approved = application_in(S.APPROVED, parties)
    actions.submit_feedback(approved, parties.applicant, approved.schema_version, {})
    html = html_of(applicant_client.get(reverse("applications:list")))
    key, label = next_action_of(html, approved)
    assert (key, label) == ("license", "下载许可证")
    license_doc = approved.documents.get(kind=DocumentKind.LICENSE)
    assert reverse("applications:document", args=[license_doc.uuid]) in html


def test_the_list_flags_overdue_applications(applicant_client, parties):
    application = application_in(S.SUBMITTED, parties)
    Application.objects.filter(pk=application.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    html = html_of(applicant_client.get(reverse("applications:list")))
    assert "已超期" in html and "overdue" in html


def _mixed(parties, n):
    states = [S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED]
    for index in range(n):
        application = application_in(states[index % len(states)], parties)
        if application.state == S.ACCEPTED:
            actions.propose_review_dates(application, parties.review_body, [future(15)], "")


def test_the_list_costs_the_same_queries_for_3_or_20_applications(
    applicant_client, parties, django_assert_max_num_queries
):
    application_in(S.REVIEWED, parties)
    application_in(S.APPROVED, parties)
    _mixed(parties, 1)
    url = reverse("applications:list")
    applicant_client.get(url)  # warm the session and settings caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        applicant_client.get(url)
    _mixed(parties, 17)
    assert Application.objects.filter(applicant=parties.applicant.organisation).count() == 20
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = applicant_client.get(url)
    assert response.status_code == 200
    assert html_of(response).count('class="next-action') == 20


# --- the detail page ----------------------------------------------------------------------------


def test_the_detail_shows_stages_countdown_timeline_documents_and_review_body(applicant_client, parties):
    application = application_in(S.ACCEPTED, parties)
    html = html_of(applicant_client.get(detail_url(application)))

    # The stages, the current one marked.
    current = re.search(
        r'<li class="stage current[^"]*" aria-current="step">\s*<span class="stage-label">([^<]+)', html
    )
    assert current.group(1) == "协商鉴定评审时间"
    assert html.count('class="stage done') == 2  # 申请, 受理
    # The countdown of the running limit.
    due = refresh(application).due_on
    assert re.search(rf"协商评审时间期限：{due:%Y-%m-%d}（剩余 \d+ 个工作日）", html)
    # The timeline: every step, who (and for which organisation) and the documents it issued.
    timeline = html[html.index('id="timeline"') :]
    assert "提交申请" in timeline and "受理" in timeline
    assert parties.authority.display_name in timeline and "北京市市场监督管理局" in timeline
    assert "材料齐全" in timeline  # the officer's comment
    decision = application.documents.get(kind=DocumentKind.ACCEPTANCE_DECISION)
    assert reverse("applications:document", args=[decision.uuid]) in timeline
    # The review body and its contact, the documents list, the actions open now.
    assert "中国特种设备检测研究院" in html and "刘评审" in html and "010-12345678" in html
    assert "查看受理决定书" in html
    assert reverse("applications:review_date", args=[application.uuid]) in html
    assert reverse("applications:withdraw", args=[application.uuid]) not in html  # accepted: too late


def test_the_countdown_says_when_the_limit_is_overdue(applicant_client, parties):
    application = application_in(S.SUBMITTED, parties)
    Application.objects.filter(pk=application.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=10))
    html = html_of(applicant_client.get(detail_url(application)))
    assert re.search(r"受理期限：[\d-]+（已超期 \d+ 个工作日）", html)
    assert 'class="countdown overdue"' in html


def test_the_countdown_says_when_it_is_an_estimate(applicant_client, parties):
    application = application_in(S.SUBMITTED, parties)
    # A due date in a year nobody has entered holidays for: the count is an estimate.
    far = datetime.date(2031, 3, 3)
    Application.objects.filter(pk=application.pk).update(due_on=far)
    html = html_of(applicant_client.get(detail_url(application)))
    assert "受理期限：2031-03-03（剩余" in html
    assert "期限按周末和法定节假日估算" in html


def test_the_countdown_counts_working_days_of_the_calendar(applicant_client, parties):
    application = application_in(S.SUBMITTED, parties)
    today = timezone.localdate()
    due = today + datetime.timedelta(days=14)
    Application.objects.filter(pk=application.pk).update(due_on=due)
    # Every day in between declared a holiday but one: one working day left.
    for offset in range(1, 14):
        CalendarDay.objects.create(date=today + datetime.timedelta(days=offset), kind=DayKind.HOLIDAY)
    CalendarDay.objects.create(date=due, kind=DayKind.WORKDAY)
    html = html_of(applicant_client.get(detail_url(application)))
    assert f"受理期限：{due:%Y-%m-%d}（剩余 1 个工作日）" in html


def test_the_detail_of_an_approved_application_offers_the_licence_and_the_agreed_date(applicant_client, parties):
    application = application_in(S.APPROVED, parties)
    html = html_of(applicant_client.get(detail_url(application)))
    assert "下载许可证" in html and application.license.number in html
    assert f"{future(20):%Y-%m-%d}" in html  # the agreed review date
    for kind in (DocumentKind.ACCEPTANCE_DECISION, DocumentKind.LICENSE_DECISION, DocumentKind.LICENSE):
        document = application.documents.get(kind=kind)
        assert reverse("applications:document", args=[document.uuid]) in html
    assert reverse("applications:feedback", args=[application.uuid]) in html
    assert '<li class="stage current outcome-done" aria-current="step">' in html


def test_a_withdrawn_application_shows_where_it_stopped(applicant_client, parties):
    application = application_in(S.WITHDRAWN, parties)
    html = html_of(applicant_client.get(detail_url(application)))
    assert re.search(r'class="stage current outcome-stopped"[^>]*>\s*<span class="stage-label">受理', html)
    assert "已撤回" in html and "不再申请" in html


# --- documents ----------------------------------------------------------------------------------


def test_the_acceptance_decision_downloads_with_the_review_body_and_its_contact(applicant_client, parties):
    application = application_in(S.ACCEPTED, parties)
    decision = application.documents.get(kind=DocumentKind.ACCEPTANCE_DECISION)
    response = applicant_client.get(reverse("applications:document", args=[decision.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content == decision.read()  # the stored bytes, never re-rendered
    text = body_text(response.content)
    assert "中国特种设备检测研究院" in text and "刘评审" in text and "010-12345678" in text
    download = applicant_client.get(reverse("applications:document", args=[decision.uuid]) + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")


def test_the_review_body_may_download_the_decision_too_but_not_others(client, parties):
    application = application_in(S.ACCEPTED, parties)
    decision = application.documents.get(kind=DocumentKind.ACCEPTANCE_DECISION)
    url = reverse("applications:document", args=[decision.uuid])
    client.force_login(parties.review_body)
    assert client.get(url).status_code == 200
    for outsider in (parties.other_review_body, parties.other_authority, parties.other_enterprise, parties.editor):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


# --- 协商鉴定评审时间 -----------------------------------------------------------------------------


@pytest.fixture
def proposed(parties):
    application = application_in(S.ACCEPTED, parties)
    actions.propose_review_dates(application, parties.review_body, [future(15), future(16)], "请任选一天")
    return refresh(application)


def test_the_applicant_sees_the_proposal_and_agrees_to_one_date(applicant_client, parties, proposed):
    url = reverse("applications:review_date", args=[proposed.uuid])
    html = html_of(applicant_client.get(url))
    assert f"{future(15):%Y-%m-%d}" in html and "请任选一天" in html and "鉴定评审机构" in html
    assert "确认该日期" in html
    response = applicant_client.post(url, {"action": "agree", "date": future(16).isoformat()})
    assert response.status_code == 302 and response.url == detail_url(proposed)
    application = refresh(proposed)
    assert application.state == S.REVIEW_SCHEDULED and application.review_date == future(16)
    assert application.review_proposals.get().status == ProposalStatus.AGREED
    html = html_of(applicant_client.get(response.url))
    assert f"鉴定评审日期已确定：{future(16):%Y-%m-%d}" in html


def test_a_date_that_was_not_proposed_is_refused(applicant_client, proposed):
    url = reverse("applications:review_date", args=[proposed.uuid])
    response = applicant_client.post(url, {"action": "agree", "date": future(30).isoformat()})
    assert response.status_code == 400
    assert "请从提议的日期中选择一个。" in html_of(response)
    assert refresh(proposed).state == S.ACCEPTED


def test_a_proposed_date_that_has_passed_cannot_be_agreed(applicant_client, proposed):
    proposal = proposed.review_proposals.get()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    type(proposal).objects.filter(pk=proposal.pk).update(dates=[yesterday.isoformat()])
    url = reverse("applications:review_date", args=[proposed.uuid])
    response = applicant_client.post(url, {"action": "agree", "date": yesterday.isoformat()})
    assert response.status_code == 400 and "该日期已过" in html_of(response)
    assert refresh(proposed).state == S.ACCEPTED


def test_the_applicant_proposes_other_dates(applicant_client, parties, proposed):
    url = reverse("applications:review_date", args=[proposed.uuid])
    response = applicant_client.post(
        url,
        {
            "action": "propose",
            "date_1": future(25).isoformat(),
            "date_2": future(24).isoformat(),
            "comment": "设备检修",
        },
    )
    assert response.status_code == 302
    proposals = list(refresh(proposed).review_proposals.order_by("pk"))
    assert [p.status for p in proposals] == [ProposalStatus.SUPERSEDED, ProposalStatus.OPEN]
    assert proposals[1].side == ProposalSide.APPLICANT
    assert proposals[1].dates == [future(24).isoformat(), future(25).isoformat()]
    assert refresh(proposed).state == S.ACCEPTED
    # Now the applicant waits; the review body may confirm.
    html = html_of(applicant_client.get(url))
    assert "等待鉴定评审机构确认" in html and "确认该日期" not in html
    actions.agree_review_date(refresh(proposed), parties.review_body, future(24))
    assert refresh(proposed).review_date == future(24)


def test_a_past_or_malformed_proposal_says_why(applicant_client, proposed):
    url = reverse("applications:review_date", args=[proposed.uuid])
    response = applicant_client.post(url, {"action": "propose", "date_1": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "提议的鉴定评审日期须晚于今天。" in html_of(response)
    response = applicant_client.post(url, {"action": "propose", "date_1": "明天"})
    assert response.status_code == 400 and "请输入有效的日期" in html_of(response)
    response = applicant_client.post(url, {"action": "propose"})
    assert response.status_code == 400 and "请至少提议一个鉴定评审日期。" in html_of(response)
    assert proposed.review_proposals.count() == 1


def test_agreeing_when_only_the_applicant_proposed_is_refused(applicant_client, parties):
    application = application_in(S.ACCEPTED, parties)
    actions.propose_review_dates(application, parties.applicant, [future(15)], "")
    url = reverse("applications:review_date", args=[application.uuid])
    response = applicant_client.post(url, {"action": "agree", "date": future(15).isoformat()})
    assert response.status_code == 409
    assert refresh(application).state == S.ACCEPTED


def test_the_review_date_page_after_agreement_offers_a_change_until_the_day(applicant_client, parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    url = reverse("applications:review_date", args=[application.uuid])
    html = html_of(applicant_client.get(url))
    assert "已确认" in html and "提议变更鉴定评审日期" in html  # tests/workflows/test_law_clocks.py
    Application.objects.filter(pk=application.pk).update(review_date=timezone.localdate())
    response = applicant_client.get(url)
    assert response.status_code == 409
    html = html_of(response)
    assert "已到，不能再变更鉴定评审时间" in html and "已确认" in html


# --- 撤回申请 --------------------------------------------------------------------------------------


def test_withdrawing_a_submitted_application_with_a_reason(applicant_client, parties):
    application = application_in(S.SUBMITTED, parties)
    url = reverse("applications:withdraw", args=[application.uuid])
    html = html_of(applicant_client.get(url))
    assert "确定撤回" in html
    assert url in html_of(applicant_client.get(detail_url(application)))
    response = applicant_client.post(url, {"reason": "企业搬迁，暂缓申请"})
    assert response.status_code == 302 and response.url == detail_url(application)
    assert refresh(application).state == S.WITHDRAWN
    event = ApplicationEvent.objects.get(application=application, transition="withdraw")
    assert event.comment == "企业搬迁，暂缓申请" and event.actor == parties.applicant
    # The authority no longer processes it.
    assert not parties.authority.has_perm("workflows.process_application", refresh(application))


def test_withdrawing_an_accepted_application_is_refused(applicant_client, parties):
    application = application_in(S.ACCEPTED, parties)
    url = reverse("applications:withdraw", args=[application.uuid])
    response = applicant_client.get(url)
    assert response.status_code == 409 and "不能“撤回申请”" in html_of(response)
    response = applicant_client.post(url, {"reason": "x"})
    assert response.status_code == 409
    assert refresh(application).state == S.ACCEPTED


# --- another enterprise ---------------------------------------------------------------------------


def test_another_enterprise_gets_404_for_every_page_and_document(client, parties):
    p = parties
    correction = application_in(S.CORRECTION_REQUESTED, p)
    accepted = application_in(S.ACCEPTED, p)
    actions.propose_review_dates(accepted, p.review_body, [future(15)], "")
    reviewed = application_in(S.REVIEWED, p)
    submitted = application_in(S.SUBMITTED, p)
    client.force_login(p.other_enterprise)
    urls = [
        detail_url(submitted),
        reverse("applications:correction", args=[correction.uuid]),
        reverse("applications:review_date", args=[accepted.uuid]),
        reverse("applications:feedback", args=[reviewed.uuid]),
        reverse("applications:withdraw", args=[submitted.uuid]),
    ] + [
        reverse("applications:document", args=[d.uuid])
        for application in (correction, accepted, reviewed)
        for d in application.documents.all()
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    posts = {
        reverse("applications:correction", args=[correction.uuid]): {
            "action": "resubmit",
            "f-fa_ding_dai_biao_ren": "冒名",
        },
        reverse("applications:review_date", args=[accepted.uuid]): {
            "action": "agree",
            "date": future(15).isoformat(),
        },
        reverse("applications:feedback", args=[reviewed.uuid]): {},
        reverse("applications:withdraw", args=[submitted.uuid]): {"reason": "x"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert refresh(correction).state == S.CORRECTION_REQUESTED
    assert refresh(correction).data["fa_ding_dai_biao_ren"] == "张三"
    assert refresh(accepted).state == S.ACCEPTED
    assert refresh(submitted).state == S.SUBMITTED
    assert not hasattr(refresh(reviewed), "review_feedback")
    html = html_of(client.get(reverse("applications:list")))
    assert str(submitted.uuid) not in html


def test_staff_get_404_on_the_applicant_pages(client, parties):
    application = application_in(S.ACCEPTED, parties)
    client.force_login(parties.authority)
    for name in ("detail", "correction", "review_date", "feedback", "withdraw"):
        assert client.get(reverse(f"applications:{name}", args=[application.uuid])).status_code == 404, name


def test_the_pages_render_in_english(client, parties, proposed):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(parties.applicant)
    submitted = application_in(S.SUBMITTED, parties)
    for url in (
        reverse("applications:list"),
        detail_url(proposed),
        reverse("applications:review_date", args=[proposed.uuid]),
        reverse("applications:withdraw", args=[submitted.uuid]),
        reverse("applications:notifications"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()
