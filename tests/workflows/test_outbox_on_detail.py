"""通知发送情况 on the staff detail page of 许可申请办理 (workflows/staff_admin/detail.py): the
application's own e-mails and SMS from the outbox, with status, tries and the provider's error,
recipients masked; an SMTP outage never fails the action, it shows up here as 待发送."""

import pytest
from django.urls import reverse

from accounts.models import Channel, DeliveryStatus, OutboundMessage
from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import actions
from workflows.models import ApplicationState as S

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    p = make_parties(make_catalogue())
    p.applicant.email = "applicant.wang@example.cn"
    p.applicant.save(update_fields=["email"])
    return p


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(backend, messages):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)


def detail(client, user, application):
    client.force_login(user)
    response = client.get(reverse("licensing:detail", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_detail_page_lists_the_applications_deliveries(client, parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.SUBMITTED, p)
    other = application_in(S.SUBMITTED, p)
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept(application, p.authority, p.review_body_org, "材料齐全")
    rows = OutboundMessage.objects.about(application)
    assert {(m.channel, m.status) for m in rows} == {
        (Channel.EMAIL, DeliveryStatus.SENT),
        (Channel.SMS, DeliveryStatus.SENT),
    }
    assert not OutboundMessage.objects.about(other).exists()  # no e-mail address there, no SMS at submission

    page = detail(client, p.authority, application)
    assert "通知发送情况" in page
    assert "a*************@example.cn" in page and "applicant.wang@example.cn" not in page
    assert p.applicant.mobile not in page and f"{p.applicant.mobile[:3]}****{p.applicant.mobile[-4:]}" in page
    assert "已发送" in page
    assert "尚未发送电子邮件或短信通知" in detail(client, p.authority, other)


def test_an_smtp_outage_does_not_fail_the_action_and_shows_as_pending(
    client, parties, smtp_down, django_capture_on_commit_callbacks
):
    p = parties
    application = application_in(S.SUBMITTED, p)
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept(application, p.authority, p.review_body_org, "材料齐全")
    assert refresh(application).state == S.ACCEPTED
    email = OutboundMessage.objects.about(application).get(channel=Channel.EMAIL)
    assert (email.status, email.attempts) == (DeliveryStatus.PENDING, 1)
    page = detail(client, p.review_body, application)
    assert "待发送" in page and "Connection refused" in page
