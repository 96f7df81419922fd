"""整改 during the review (TSG 07-2019 §3.4.2): the review body asks for rectification with its items
and a deadline within 6 months, the applicant sees it and uploads its 整改报告, the review body
confirms it, and only then may the review report be submitted. An overdue request (deadline
passed, no report) is flagged to the review body and the authority."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.support.builders import make_catalogue
from tests.support.workflow_builders import PDF_BYTES, application_in, future, make_parties, refresh
from workflows import actions
from workflows.models import Action, ApplicationEvent, ApplicationState, Notification, RectificationRequest
from workflows.models.rectification import add_months, latest_deadline

pytestmark = pytest.mark.django_db

S = ApplicationState


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def scheduled(parties):
    return application_in(S.REVIEW_SCHEDULED, parties)


def request_url(application, name):
    return reverse(f"licensing:{name}", args=[application.pk])


def ask_for_rectification(client, parties, application, items="压力试验记录不完整\n焊工资格证书过期", deadline=None):
    client.force_login(parties.review_body)
    return client.post(
        request_url(application, "request_rectification"),
        {"items": items, "deadline": f"{deadline or future(30):%Y-%m-%d}", "comment": ""},
    )


def upload(client, parties, application, name="整改报告.pdf", content=PDF_BYTES):
    client.force_login(parties.applicant)
    return client.post(
        reverse("applications:rectification", args=[application.uuid]),
        {"report": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def report_post(client, application):
    return client.post(
        request_url(application, "submit_review_report"),
        {
            "reviewed_from": f"{future(1):%Y-%m-%d}",
            "reviewed_to": f"{future(2):%Y-%m-%d}",
            "conclusion": "qualified_after_rectification",
            "summary": "整改后符合条件",
            "report_file": SimpleUploadedFile("评审报告.pdf", PDF_BYTES, content_type="application/pdf"),
            "confirmed": "on",
        },
    )


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(datetime.date(2026, 1, 15), 6) == datetime.date(2026, 7, 15)
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 12, 1), 6) == datetime.date(2027, 6, 1)


def test_the_review_body_asks_for_rectification_with_items_and_deadline(client, parties, scheduled):
    client.force_login(parties.review_body)
    page = client.get(request_url(scheduled, "request_rectification"))
    assert page.status_code == 200
    assert f"最晚为 {latest_deadline():%Y-%m-%d}" in page.content.decode()

    response = ask_for_rectification(client, parties, scheduled)

    assert response.status_code == 302
    rectification = RectificationRequest.objects.get(application=scheduled)
    assert rectification.items == ["压力试验记录不完整", "焊工资格证书过期"]
    assert (rectification.deadline, rectification.requested_by) == (future(30), parties.review_body)
    assert refresh(scheduled).state == S.REVIEW_SCHEDULED
    event = ApplicationEvent.objects.filter(application=scheduled).latest("pk")
    assert event.transition == Action.REQUEST_RECTIFICATION
    assert "焊工资格证书过期" in event.comment
    assert Notification.objects.filter(recipient=parties.applicant, message__contains="需要整改").exists()


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (lambda: latest_deadline() + datetime.timedelta(days=1), "整改期限自今天起最长 6 个月"),
        (lambda: timezone.localdate() - datetime.timedelta(days=1), "整改期限不能早于今天"),
    ],
    ids=["later-than-6-months", "in-the-past"],
)
def test_a_deadline_beyond_6_months_or_in_the_past_is_refused_at_the_field(
    client, parties, scheduled, deadline, message
):
    response = ask_for_rectification(client, parties, scheduled, deadline=deadline())

    assert response.status_code == 400
    assert message in response.context["form"].errors["deadline"][0]
    assert not RectificationRequest.objects.exists()


def test_the_latest_allowed_deadline_is_accepted(client, parties, scheduled):
    assert ask_for_rectification(client, parties, scheduled, deadline=latest_deadline()).status_code == 302


def test_at_least_one_item(client, parties, scheduled):
    response = ask_for_rectification(client, parties, scheduled, items="  \n \n")

    assert response.status_code == 400
    assert "请至少填写一项整改内容" in response.context["form"].errors["items"][0]
    with pytest.raises(ValidationError) as refused:
        actions.request_rectification(scheduled, parties.review_body, [" "], future(30))
    assert "items" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        actions.request_rectification(
            scheduled, parties.review_body, ["整改"], latest_deadline() + datetime.timedelta(1)
        )
    assert "deadline" in refused.value.message_dict
    assert not RectificationRequest.objects.exists()


def test_the_applicant_sees_the_request_and_uploads_its_report(client, parties, scheduled):
    ask_for_rectification(client, parties, scheduled)
    client.force_login(parties.applicant)

    detail = client.get(reverse("applications:detail", args=[scheduled.uuid])).content.decode()
    assert "焊工资格证书过期" in detail
    assert f"{future(30):%Y-%m-%d}" in detail
    assert reverse("applications:rectification", args=[scheduled.uuid]) in detail
    assert "上传整改报告" in detail
    page = client.get(reverse("applications:rectification", args=[scheduled.uuid]))
    assert page.status_code == 200
    assert "压力试验记录不完整" in page.content.decode()

    response = upload(client, parties, scheduled)

    assert response.status_code == 302
    rectification = RectificationRequest.objects.get(application=scheduled)
    assert (rectification.report_name, rectification.report_content_type) == ("整改报告.pdf", "application/pdf")
    assert rectification.reported_by == parties.applicant
    assert rectification.report.read() == PDF_BYTES
    assert Notification.objects.filter(recipient=parties.review_body, message__contains="整改报告").exists()
    # Once uploaded, the page says so instead of offering a second upload.
    again = upload(client, parties, scheduled)
    assert again.status_code == 409
    assert "整改报告已提交" in again.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [("整改报告.exe", PDF_BYTES), ("整改报告.pdf", b"MZ\x90\x00 not a pdf at all"), ("空.pdf", b"")],
    ids=["extension", "content", "empty"],
)
def test_a_bad_file_is_refused_at_the_field(client, parties, scheduled, name, content):
    ask_for_rectification(client, parties, scheduled)

    response = upload(client, parties, scheduled, name=name, content=content)

    assert response.status_code == 400
    assert response.context["form"].errors["report"]
    assert RectificationRequest.objects.get(application=scheduled).reported_at is None


def test_the_review_report_waits_for_the_confirmation(client, parties, scheduled):
    ask_for_rectification(client, parties, scheduled)
    client.force_login(parties.review_body)

    # Open request: no report button, and a POST is refused with the reason.
    detail = client.get(request_url(scheduled, "detail")).content.decode()
    assert request_url(scheduled, "submit_review_report") not in detail
    response = report_post(client, scheduled)
    assert response.status_code == 302
    assert refresh(scheduled).state == S.REVIEW_SCHEDULED
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("整改尚未确认" in m for m in messages)
    # Reported but not confirmed: still refused; confirming is offered.
    upload(client, parties, scheduled)
    client.force_login(parties.review_body)
    detail = client.get(request_url(scheduled, "detail")).content.decode()
    assert request_url(scheduled, "confirm_rectification") in detail
    rectification = RectificationRequest.objects.get(application=scheduled)
    assert reverse("licensing:rectification_report", args=[scheduled.pk, rectification.uuid]) in detail
    report_post(client, scheduled)
    assert refresh(scheduled).state == S.REVIEW_SCHEDULED

    confirmed = client.post(request_url(scheduled, "confirm_rectification"), {"comment": "整改到位", "confirmed": "on"})

    assert confirmed.status_code == 302
    rectification = RectificationRequest.objects.get(application=scheduled)
    assert (rectification.confirmed_by, rectification.confirmation_comment) == (parties.review_body, "整改到位")
    assert report_post(client, scheduled).status_code == 302
    assert refresh(scheduled).state == S.REVIEWED


def test_a_double_click_on_confirm_is_harmless(client, parties, scheduled):
    ask_for_rectification(client, parties, scheduled)
    upload(client, parties, scheduled)
    client.force_login(parties.review_body)
    url = request_url(scheduled, "confirm_rectification")

    first = client.post(url, {"confirmed": "on"})
    second = client.post(url, {"confirmed": "on"})

    assert first.status_code == second.status_code == 302
    assert second["Location"] == request_url(scheduled, "detail")
    assert ApplicationEvent.objects.filter(application=scheduled, transition=Action.CONFIRM_RECTIFICATION).count() == 1
    messages = [str(m) for m in second.wsgi_request._messages]
    assert any("没有待确认的整改" in m for m in messages)


def test_the_review_body_downloads_the_report(client, parties, scheduled):
    ask_for_rectification(client, parties, scheduled)
    upload(client, parties, scheduled)
    rectification = RectificationRequest.objects.get(application=scheduled)
    url = reverse("licensing:rectification_report", args=[scheduled.pk, rectification.uuid])

    for user in (parties.review_body, parties.authority):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES


def test_an_overdue_rectification_is_flagged_to_the_review_body_and_the_authority(client, parties, scheduled):
    on_time = application_in(S.REVIEW_SCHEDULED, parties)
    ask_for_rectification(client, parties, scheduled)
    ask_for_rectification(client, parties, on_time)
    RectificationRequest.objects.filter(application=scheduled).update(deadline=future(-1))

    for user in (parties.review_body, parties.authority):
        client.force_login(user)
        detail = client.get(request_url(scheduled, "detail")).content.decode()
        assert 'id="rectification-overdue"' in detail
        assert "整改逾期" in detail
        assert "整改逾期" not in client.get(request_url(on_time, "detail")).content.decode()
        queue = client.get(reverse("licensing:index")).content.decode()
        assert queue.count("整改逾期") == 1
    # The applicant sees it too, and may still upload its report late.
    client.force_login(parties.applicant)
    assert "已逾期" in client.get(reverse("applications:detail", args=[scheduled.uuid])).content.decode()
    assert upload(client, parties, scheduled).status_code == 302
    client.force_login(parties.authority)
    assert "整改逾期" not in client.get(request_url(scheduled, "detail")).content.decode()


def test_other_organisations_get_404(client, parties, scheduled):
    ask_for_rectification(client, parties, scheduled)
    upload(client, parties, scheduled)
    rectification = RectificationRequest.objects.get(application=scheduled)
    staff_urls = [
        request_url(scheduled, "request_rectification"),
        request_url(scheduled, "confirm_rectification"),
        reverse("licensing:rectification_report", args=[scheduled.pk, rectification.uuid]),
    ]
    for user in (parties.other_review_body, parties.other_authority):
        client.force_login(user)
        for url in staff_urls:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(staff_urls[1], {"confirmed": "on"}).status_code == 404
    client.force_login(parties.other_enterprise)
    portal = reverse("applications:rectification", args=[scheduled.uuid])
    assert client.get(portal).status_code == 404
    assert client.post(portal, {}).status_code == 404
    # The authority plays no part in 整改: its own application's action pages are a 404 too.
    client.force_login(parties.authority)
    assert client.get(staff_urls[1]).status_code == 404
    assert RectificationRequest.objects.get(application=scheduled).confirmed_at is None
