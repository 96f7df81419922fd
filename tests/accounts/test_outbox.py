"""The outbox (accounts/outbox.py, accounts/tasks.py): rows written with the action, delivered
once, retried with growing delays, failed after the last try or at once when retrying cannot
help, swept when due; verification codes logged with the code masked.

Tasks run eagerly here (settings/test.py); tests/test_background_jobs.py runs a real worker."""

import io
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts import outbox, tasks
from accounts.models import Channel, DeliveryStatus, OutboundMessage, SmsCode
from accounts.sms import SmsError, send_code
from accounts.sms.backends import locmem
from accounts.sms.backends.base import SmsDeliveryError
from tests.support.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DELAYS = [60, 120, 240, 480]
INVALID_NUMBER = "手机号码无效或无法接收短信（isv.MOBILE_NUMBER_ILLEGAL），请核对号码，重试无用"


@pytest.fixture(autouse=True)
def _delays(settings):
    settings.OUTBOX_RETRY_DELAYS = DELAYS


class MailServer:
    """The locmem mail backend behind a switch: while `down`, every send fails as a mail server
    that cannot be reached would (or with `error`). Counts the failed tries."""

    def __init__(self, monkeypatch):
        from django.core.mail.backends.locmem import EmailBackend

        self.down = True
        self.failures = 0
        self.error = ConnectionRefusedError(111, "Connection refused")
        real_send = EmailBackend.send_messages

        def send_messages(backend, messages):
            if self.down:
                self.failures += 1
                raise self.error
            return real_send(backend, messages)

        monkeypatch.setattr(EmailBackend, "send_messages", send_messages)


@pytest.fixture
def smtp_down(monkeypatch):
    return MailServer(monkeypatch)


def refresh(message):
    return OutboundMessage.objects.get(pk=message.pk)


def test_rows_are_written_with_the_action_and_sent_after_the_commit(django_capture_on_commit_callbacks):
    about = OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.enqueue_email("zhang@example.cn", "主题", "正文", about=about)
        sms = outbox.enqueue_sms("13512345678", "【特种设备行政许可】通知", params={"reference": "R1"}, about=about)
        assert mail.outbox == [] and locmem.outbox == [], "sent before the commit"
        assert refresh(email).status == DeliveryStatus.PENDING
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]
    assert locmem.outbox == [
        {
            "mobile": "13512345678",
            "message": "【特种设备行政许可】通知",
            "template": "notice",
            "params": {"reference": "R1"},
        }
    ]
    for message in (email, sms):
        message = refresh(message)
        assert (message.status, message.attempts, message.next_attempt_at) == (DeliveryStatus.SENT, 1, None)
        assert message.sent_at is not None
    assert set(OutboundMessage.objects.about(about)) == {email, sms}


def test_a_rolled_back_action_leaves_no_row_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue_email("zhang@example.cn", "主题", "正文")
            raise RuntimeError("the action failed")
    assert callbacks == []
    assert not OutboundMessage.objects.exists()
    assert mail.outbox == []


def pending_email():
    # Written without its on-commit dispatch (no capture): the test runs the task itself.
    return outbox.enqueue_email("li@example.cn", "主题", "正文")


def test_deliver_message_sends_once_and_a_second_run_sends_nothing():
    message = pending_email()
    tasks.deliver_message(message.pk)
    tasks.deliver_message(message.pk)
    assert len(mail.outbox) == 1
    assert refresh(message).status == DeliveryStatus.SENT and refresh(message).attempts == 1


def test_smtp_failure_keeps_the_row_pending_with_growing_delays_then_failed_after_five(smtp_down):
    message = pending_email()
    now = timezone.now()
    for attempt, delay in enumerate(DELAYS, start=1):
        outcome = outbox.deliver(message.pk, now=now)
        message = refresh(message)
        assert (outcome.status, outcome.retry_in) == (DeliveryStatus.PENDING, delay)
        assert (message.status, message.attempts) == (DeliveryStatus.PENDING, attempt)
        assert message.next_attempt_at == now + timedelta(seconds=delay)
        assert "Connection refused" in message.last_error
        # Not due yet: another copy of the task (the sweeper's) sends nothing.
        assert outbox.deliver(message.pk, now=now).status == "skipped"
        now = message.next_attempt_at
    assert smtp_down.failures == 4
    outcome = outbox.deliver(message.pk, now=now)
    message = refresh(message)
    assert outcome.status == DeliveryStatus.FAILED
    assert (message.status, message.attempts, message.next_attempt_at) == (DeliveryStatus.FAILED, 5, None)
    assert smtp_down.failures == 5
    assert outbox.deliver(message.pk, now=now + timedelta(days=1)).status == "skipped"
    assert mail.outbox == []


def test_eager_mode_does_not_retry_inside_the_request(smtp_down):
    message = pending_email()
    tasks.deliver_message(message.pk)
    assert smtp_down.failures == 1
    assert refresh(message).status == DeliveryStatus.PENDING


def test_a_permanent_smtp_refusal_fails_at_once(smtp_down):
    smtp_down.error = smtplib.SMTPRecipientsRefused({"li@example.cn": (550, b"mailbox unavailable")})
    message = pending_email()
    assert outbox.deliver(message.pk).status == DeliveryStatus.FAILED
    assert refresh(message).last_error == "550: mailbox unavailable"


def test_a_non_retryable_sms_error_fails_at_once(monkeypatch):
    def refuse(self, mobile, message, **kwargs):
        raise SmsDeliveryError(INVALID_NUMBER, code="isv.MOBILE_NUMBER_ILLEGAL", retryable=False)

    monkeypatch.setattr(locmem.LocmemBackend, "send", refuse)
    message = outbox.enqueue_sms("13512345678", "通知")
    outcome = outbox.deliver(message.pk)
    message = refresh(message)
    assert outcome.status == DeliveryStatus.FAILED
    assert (message.status, message.attempts) == (DeliveryStatus.FAILED, 1)
    assert message.last_error == INVALID_NUMBER


def test_a_retryable_sms_error_is_retried(monkeypatch):
    def busy(self, mobile, message, **kwargs):
        raise SmsDeliveryError(
            "短信服务商限流（isv.BUSINESS_LIMIT_CONTROL），稍后重试", code="isv.BUSINESS_LIMIT_CONTROL"
        )

    monkeypatch.setattr(locmem.LocmemBackend, "send", busy)
    message = outbox.enqueue_sms("13512345678", "通知")
    assert outbox.deliver(message.pk).status == DeliveryStatus.PENDING


def test_an_error_text_never_shows_a_whole_mobile_number(monkeypatch):
    def echo(self, mobile, message, **kwargs):
        raise SmsDeliveryError(f"number {mobile} refused", code="X1")

    monkeypatch.setattr(locmem.LocmemBackend, "send", echo)
    message = outbox.enqueue_sms("13512345678", "通知")
    outbox.deliver(message.pk)
    assert refresh(message).last_error == "X1: number 135****5678 refused"


def test_deliver_due_sends_the_due_rows_only(smtp_down):
    due = pending_email()
    tasks.deliver_message(due.pk)  # fails once: pending, next try in a minute
    later = pending_email()
    OutboundMessage.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + timedelta(hours=1))
    smtp_down.down = False
    just_due = pending_email()  # its own task is on the way: the sweep leaves it alone
    OutboundMessage.objects.filter(pk=due.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    assert tasks.deliver_due() == 1
    assert refresh(due).status == DeliveryStatus.SENT and refresh(due).attempts == 2
    assert refresh(later).status == DeliveryStatus.PENDING
    assert refresh(just_due).status == DeliveryStatus.PENDING
    assert len(mail.outbox) == 1
    # `manage.py deliver_outbox` (dev: no worker retries anything) takes every due row.
    call_command("deliver_outbox", stdout=io.StringIO())
    assert refresh(just_due).status == DeliveryStatus.SENT


def test_a_broker_that_is_down_leaves_the_row_pending_for_the_sweep(monkeypatch, django_capture_on_commit_callbacks):
    broker = {"up": False}
    real_apply_async = tasks.deliver_message.apply_async

    def apply_async(*args, **kwargs):
        if not broker["up"]:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")
        return real_apply_async(*args, **kwargs)

    monkeypatch.setattr(tasks.deliver_message, "apply_async", apply_async)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue_email("li@example.cn", "主题", "正文")
    assert refresh(message).status == DeliveryStatus.PENDING
    broker["up"] = True
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    tasks.deliver_due()
    assert refresh(message).status == DeliveryStatus.SENT


def test_retry_gives_a_failed_row_a_new_round(django_capture_on_commit_callbacks):
    message = pending_email()
    OutboundMessage.objects.filter(pk=message.pk).update(status=DeliveryStatus.FAILED, attempts=5, next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry(message) is True
    message = refresh(message)
    assert (message.status, message.attempts) == (DeliveryStatus.SENT, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry(message) is False  # only failed rows
    assert len(mail.outbox) == 1


def test_send_code_logs_a_sent_row_with_the_code_masked():
    send_code("13512345678", "register")
    row = OutboundMessage.objects.get()
    code = locmem.outbox[0]["params"]["code"]
    assert (row.channel, row.status, row.template, row.attempts) == (
        Channel.SMS,
        DeliveryStatus.SENT,
        "verification_code",
        1,
    )
    assert row.params == {"code": "******"}
    assert "******" in row.body and code not in row.body
    assert row.about is None and row.sent_at is not None


def test_send_code_logs_a_failed_row_that_outlives_the_refusal(monkeypatch):
    def down(self, mobile, message, **kwargs):
        raise SmsDeliveryError("无法连接短信服务商（timeout），稍后重试", code="timeout")

    monkeypatch.setattr(locmem.LocmemBackend, "send", down)
    with pytest.raises(SmsError):
        send_code("13512345678", "register")
    assert not SmsCode.objects.exists()
    row = OutboundMessage.objects.get()
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "无法连接短信服务商（timeout），稍后重试")
    assert row.params == {"code": "******"}


def test_purge_expired_removes_old_finished_rows_only(settings):
    settings.OUTBOX_RETENTION_DAYS = 30
    old = timezone.now() - timedelta(days=31)
    sent = outbox.enqueue_email("a@example.cn", "s", "b")
    failed = outbox.enqueue_email("b@example.cn", "s", "b")
    pending = outbox.enqueue_email("c@example.cn", "s", "b")
    recent = outbox.enqueue_email("d@example.cn", "s", "b")
    OutboundMessage.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT, created_at=old)
    OutboundMessage.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED, created_at=old)
    OutboundMessage.objects.filter(pk=pending.pk).update(created_at=old)
    OutboundMessage.objects.filter(pk=recent.pk).update(status=DeliveryStatus.SENT)
    call_command("purge_expired", stdout=io.StringIO())
    assert set(OutboundMessage.objects.values_list("pk", flat=True)) == {pending.pk, recent.pk}
