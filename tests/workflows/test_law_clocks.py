"""The law's clocks (Administrative Licensing Law art. 32; TSG 07-2019 §3.3–3.5).

- 视为受理: when the 受理 limit runs out with no 补正告知 and no decision, the daily sweep records
  that the application is accepted from the day it was received; both sides read it in 办理记录,
  补正 and 不予受理 are no longer offered, and 受理 (naming the review body) issues the 受理决定书
  dated the receipt day, with the clock after acceptance running from that day.
- An agreed review date may be changed before it arrives by either side, with a reason, through
  the same propose/confirm exchange; from the day itself it cannot.
- 准予许可 on a report concluding 不符合条件 needs an explicit confirmation and a reason, recorded.

The working-day calendar is moved by back-dating the receipt (the clock is started as on that day)
and, where it matters, by 工作日历 rows entered before the clock starts.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.support.builders import make_catalogue
from tests.support.pdf import text_of
from tests.support.workflow_builders import (
    application_in,
    correction_items,
    future,
    make_parties,
    refresh,
    report_file,
)
from workflows import actions, deadline_sweep, deadlines, working_days
from workflows.actions import ActionRefused
from workflows.models import (
    Action,
    Application,
    ApplicationEvent,
    ApplicationState,
    CalendarDay,
    Clock,
    DayKind,
    DocumentKind,
    Notification,
    ProposalStatus,
    ReviewConclusion,
)

S = ApplicationState
A = Action
pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2026, 11, 2)  # a Monday
DAY = datetime.timedelta(days=1)
DEEMED_TEXT = "逾期未告知补正，自收到申请之日起即为受理"


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def received_on(application, day):
    """The application as if submitted on `day`: its receipt and its 受理 clock moved back."""
    submitted_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    Application.objects.filter(pk=application.pk).update(submitted_at=submitted_at)
    application = refresh(application)
    deadlines.start_clock(application, today=day)
    Application.objects.filter(pk=application.pk).update(
        clock=application.clock, clock_started_on=application.clock_started_on, due_on=application.due_on
    )
    return refresh(application)


def submitted_on(parties, day):
    return received_on(application_in(S.SUBMITTED, parties), day)


def staff_html(client, user, application):
    client.force_login(user)
    return client.get(reverse("licensing:detail", args=[application.pk])).content.decode()


def applicant_html(client, parties, application):
    client.force_login(parties.applicant)
    return client.get(reverse("applications:detail", args=[application.uuid])).content.decode()


# --- 视为受理 -----------------------------------------------------------------------------------------


def test_the_sweep_deems_an_unanswered_application_accepted_from_the_day_it_was_received(client, parties):
    application = submitted_on(parties, RECEIVED)
    due = application.due_on
    assert due == working_days.add_working_days(RECEIVED, 5)

    deadline_sweep.sweep(due)  # the last day allowed: not yet
    assert refresh(application).deemed_accepted_on is None
    assert not ApplicationEvent.objects.filter(application=application, transition=A.DEEMED_ACCEPTANCE).exists()

    deadline_sweep.sweep(due + DAY)
    deadline_sweep.sweep(due + 2 * DAY)  # a second run records nothing twice

    application = refresh(application)
    assert application.deemed_accepted_on == RECEIVED
    assert application.state == S.SUBMITTED  # 受理 (naming the review body) is still the authority's step
    [event] = ApplicationEvent.objects.filter(application=application, transition=A.DEEMED_ACCEPTANCE)
    assert event.actor is None and event.from_state == event.to_state == S.SUBMITTED
    assert DEEMED_TEXT in event.comment and "2026-11-02" in event.comment

    # Both sides read it in 办理记录, and both were told.
    for html in (applicant_html(client, parties, application), staff_html(client, parties.authority, application)):
        assert DEEMED_TEXT in html and "视为受理" in html
    told = Notification.objects.filter(application=application, message__contains="即为受理")
    assert {n.recipient for n in told} == {parties.applicant, parties.authority}


def test_after_deemed_acceptance_correction_and_refusal_are_no_longer_offered(client, parties):
    application = submitted_on(parties, RECEIVED)
    deadline_sweep.sweep(application.due_on + DAY)
    application = refresh(application)

    assert actions.available_actions(application, parties.authority) == [A.ACCEPT]
    with pytest.raises(ActionRefused) as refused:
        actions.request_correction(application, parties.authority, correction_items(), "请补正")
    assert "受理期限已过且未告知补正" in refused.value.messages[0]
    with pytest.raises(ActionRefused):
        actions.refuse_acceptance(application, parties.authority, "不属于本机关职权范围")
    assert refresh(application).state == S.SUBMITTED

    html = staff_html(client, parties.authority, application)
    assert reverse("licensing:accept", args=[application.pk]) in html
    assert reverse("licensing:request_correction", args=[application.pk]) not in html
    response = client.get(reverse("licensing:request_correction", args=[application.pk]), follow=True)
    assert "受理期限已过且未告知补正" in response.content.decode()


def test_accepting_a_deemed_accepted_application_dates_the_decision_the_receipt_day(client, parties):
    application = submitted_on(parties, RECEIVED)
    deadline_sweep.sweep(application.due_on + DAY)
    client.force_login(parties.authority)

    response = client.post(
        reverse("licensing:accept", args=[application.pk]),
        {"review_body": parties.review_body_org.pk, "comment": "", "confirmed": "on"},
    )

    assert response.status_code == 302
    application = refresh(application)
    assert application.state == S.ACCEPTED
    assert timezone.localdate(application.accepted_at) == RECEIVED
    # The clock after acceptance runs from the receipt day.
    assert (application.clock, application.clock_started_on) == (Clock.SCHEDULING, RECEIVED)
    assert application.due_on == working_days.add_working_days(RECEIVED, 10)
    document = application.documents.get(kind=DocumentKind.ACCEPTANCE_DECISION)
    assert "〔2026〕" in document.number
    text = text_of(document.file)
    assert "2026年11月2日" in text
    assert "逾期不告知的，自收到申请材料之日起即为受理" in text
    assert parties.review_body_org.name in text


def test_the_limit_passed_before_the_sweep_came_round(parties):
    """补正 is refused from the day after the limit, and 受理 records 视为受理 itself first."""
    application = submitted_on(parties, RECEIVED)  # its limit ran out weeks before today

    assert A.REQUEST_CORRECTION not in actions.available_actions(application, parties.authority)
    with pytest.raises(ActionRefused):
        actions.request_correction(application, parties.authority, correction_items(), "请补正")

    actions.accept(application, parties.authority, parties.review_body_org)

    events = list(ApplicationEvent.objects.filter(application=application).values_list("transition", flat=True))
    assert events[-2:] == [A.DEEMED_ACCEPTANCE, A.ACCEPT]
    document = refresh(application).documents.get(kind=DocumentKind.ACCEPTANCE_DECISION)
    assert "2026年11月2日" in text_of(document.file)


def test_a_correction_in_time_leaves_acceptance_to_the_authority(parties):
    application = application_in(S.SUBMITTED, parties)
    actions.request_correction(application, parties.authority, correction_items(), "请补正")  # in time
    actions.resubmit(application, parties.applicant, [])
    application = received_on(application, RECEIVED)  # the restarted clock runs out too

    deadline_sweep.sweep(application.due_on + DAY)

    application = refresh(application)
    assert application.deemed_accepted_on is None
    assert set(actions.available_actions(application, parties.authority)) == {A.ACCEPT, A.REFUSE_ACCEPTANCE}


def test_a_holiday_entered_in_the_working_day_calendar_moves_the_deemed_acceptance(parties):
    plain_due = working_days.add_working_days(RECEIVED, 5)
    CalendarDay.objects.create(date=RECEIVED + 2 * DAY, kind=DayKind.HOLIDAY, name="临时放假")
    application = submitted_on(parties, RECEIVED)
    assert application.due_on > plain_due

    deadline_sweep.sweep(plain_due + DAY)
    assert refresh(application).deemed_accepted_on is None
    deadline_sweep.sweep(application.due_on + DAY)
    assert refresh(application).deemed_accepted_on == RECEIVED


# --- changing an agreed review date ----------------------------------------------------------------


def test_the_review_body_changes_the_agreed_date_with_a_reason_and_the_applicant_confirms(client, parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    agreed = application.review_date
    client.force_login(parties.review_body)
    propose = reverse("licensing:propose_review_dates", args=[application.pk])

    response = client.post(propose, {"date_1": f"{future(30):%Y-%m-%d}", "comment": " "})
    assert response.status_code == 400
    assert "请填写变更鉴定评审时间的原因。" in response.content.decode()

    response = client.post(propose, {"date_1": f"{future(30):%Y-%m-%d}", "comment": "评审组长临时出差"})
    assert response.status_code == 302
    proposal = refresh(application).open_proposal()
    assert proposal.replaces_date == agreed

    client.force_login(parties.applicant)
    page = reverse("applications:review_date", args=[application.uuid])
    html = client.get(page).content.decode()
    assert "评审组长临时出差" in html and f"变更原定 {agreed:%Y-%m-%d}" in html
    response = client.post(page, {"action": "agree", "date": f"{future(30):%Y-%m-%d}"})
    assert response.status_code == 302

    application = refresh(application)
    assert (application.state, application.review_date) == (S.REVIEW_SCHEDULED, future(30))
    statuses = list(application.review_proposals.order_by("pk").values_list("status", flat=True))
    assert statuses == [ProposalStatus.RESCHEDULED, ProposalStatus.AGREED]
    html = applicant_html(client, parties, application)
    assert "评审组长临时出差" in html
    assert f"鉴定评审日期由 {agreed:%Y-%m-%d} 变更为 {future(30):%Y-%m-%d}。变更原因：评审组长临时出差" in html


def test_the_applicant_changes_the_agreed_date_with_a_reason_and_the_review_body_confirms(client, parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    client.force_login(parties.applicant)
    page = reverse("applications:review_date", args=[application.uuid])

    html = client.get(page).content.decode()
    assert "提议变更鉴定评审日期" in html and "变更原因" in html
    response = client.post(page, {"action": "propose", "date_1": f"{future(33):%Y-%m-%d}", "comment": ""})
    assert response.status_code == 400
    assert "请填写变更鉴定评审时间的原因。" in response.content.decode()
    response = client.post(page, {"action": "propose", "date_1": f"{future(33):%Y-%m-%d}", "comment": "设备检修"})
    assert response.status_code == 302

    client.force_login(parties.review_body)
    response = client.post(
        reverse("licensing:agree_review_date", args=[application.pk]), {"day": f"{future(33):%Y-%m-%d}"}
    )
    assert response.status_code == 302
    assert refresh(application).review_date == future(33)
    assert "变更原因：设备检修" in staff_html(client, parties.authority, application)


def test_the_agreed_date_cannot_be_changed_once_it_has_arrived(client, parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    Application.objects.filter(pk=application.pk).update(review_date=timezone.localdate())
    application = refresh(application)

    for user in (parties.applicant, parties.review_body):
        assert A.PROPOSE_REVIEW_DATES not in actions.available_actions(application, user)
        with pytest.raises(ActionRefused) as refused:
            actions.propose_review_dates(application, user, [future(5)], "改期")
        assert "已到，不能再变更鉴定评审时间" in refused.value.messages[0]

    client.force_login(parties.applicant)
    response = client.get(reverse("applications:review_date", args=[application.uuid]))
    assert response.status_code == 409
    assert "已到，不能再变更鉴定评审时间" in response.content.decode()
    client.force_login(parties.review_body)
    response = client.get(reverse("licensing:propose_review_dates", args=[application.pk]), follow=True)
    assert "已到，不能再变更鉴定评审时间" in response.content.decode()
    # The review itself goes on.
    assert A.SUBMIT_REVIEW_REPORT in actions.available_actions(application, parties.review_body)


# --- 准予许可 against a report concluding 不符合条件 -------------------------------------------------------


def reviewed_with(parties, conclusion):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    actions.submit_review_report(
        application,
        parties.review_body,
        reviewed_from=future(20),
        reviewed_to=future(21),
        conclusion=conclusion,
        summary="评审意见",
        report_file=report_file(),
        materials=[],
    )
    return refresh(application)


def test_approving_against_a_not_qualified_report_needs_a_confirmation_and_a_reason(client, parties):
    application = reviewed_with(parties, ReviewConclusion.NOT_QUALIFIED)
    client.force_login(parties.authority)
    approve = reverse("licensing:approve", args=[application.pk])
    assert "仍准予许可的理由" in client.get(approve).content.decode()

    response = client.post(approve, {"comment": "准予", "confirmed": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写仍准予许可的理由。" in html
    assert "准予许可须勾选“我已确认评审结论为不符合条件，仍准予许可”" in html
    assert refresh(application).state == S.REVIEWED
    with pytest.raises(actions.ValidationError):
        actions.approve(application, parties.authority, "准予")
    assert refresh(application).state == S.REVIEWED

    response = client.post(
        approve,
        {
            "comment": "准予",
            "confirmed": "on",
            "against_report_confirmed": "on",
            "against_report_reason": "整改材料经书面审查已符合要求",
        },
    )
    assert response.status_code == 302
    application = refresh(application)
    assert application.state == S.APPROVED
    event = application.events.get(transition=A.APPROVE)
    assert "评审结论为“不符合条件”，经确认仍准予许可。理由：整改材料经书面审查已符合要求" in event.comment
    assert "整改材料经书面审查已符合要求" in staff_html(client, parties.authority, application)


def test_approving_on_a_qualified_report_asks_for_nothing_more(client, parties):
    application = reviewed_with(parties, ReviewConclusion.QUALIFIED_AFTER_RECTIFICATION)
    client.force_login(parties.authority)
    approve = reverse("licensing:approve", args=[application.pk])
    assert "仍准予许可的理由" not in client.get(approve).content.decode()
    assert client.post(approve, {"comment": "准予", "confirmed": "on"}).status_code == 302
    assert refresh(application).state == S.APPROVED
