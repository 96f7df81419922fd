"""The outbox: queue an e-mail or SMS with the action that causes it, deliver it in the background.

    enqueue_email(address, subject, body, about=application)
    enqueue_sms(mobile, body, template="notice", params={...}, about=application)

Each call writes an OutboundMessage row in the caller's transaction and, once that commits, hands
its id to the worker (accounts.tasks.deliver_message). Nothing is sent in the request, so an SMTP
or SMS provider outage never fails the user's action: the row stays 待发送, is tried again after
each of settings.OUTBOX_RETRY_DELAYS and ends as 发送失败 with the provider's error, for staff to
see and retry (accounts/outbox_admin.py).

`deliver(pk)` is the one place a row is sent. It locks the row and sends only a pending row that
is due, so two copies of the task (the retry and the sweeper's, say) never send it twice. A worker
killed between the provider's answer and the commit leaves the row pending and it is sent again:
delivery is at least once, the usual price of not losing anything.

SMS verification codes are not queued (the user is waiting for the code): accounts/sms/service.py
sends them at once and logs the attempt here with `record_sms`, the code masked.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from core.masking import redact_text

from .models import Channel, DeliveryStatus, OutboundMessage

logger = logging.getLogger(__name__)

# A task that arrives this early (clocks of two machines) still counts as due.
DUE_TOLERANCE = timedelta(seconds=2)


def _about(about):
    if about is None:
        return {}
    return {"content_type": ContentType.objects.get_for_model(about), "object_id": about.pk}


def enqueue_email(address, subject, body, *, about=None):
    message = OutboundMessage.objects.create(
        channel=Channel.EMAIL, recipient=address, subject=subject[:255], body=body, **_about(about)
    )
    _dispatch_on_commit(message.pk)
    return message


def enqueue_sms(mobile, body, *, template="notice", params=None, about=None):
    message = OutboundMessage.objects.create(
        channel=Channel.SMS, recipient=mobile, body=body, template=template, params=params or {}, **_about(about)
    )
    _dispatch_on_commit(message.pk)
    return message


def record_sms(mobile, body, *, template, params, error=None):
    """Log an SMS that was sent synchronously (a verification code): sent, or failed with `error`.
    `body` and `params` must already have any code masked."""
    now = timezone.now()
    fields = {"status": DeliveryStatus.SENT, "sent_at": now}
    if error is not None:
        fields = {"status": DeliveryStatus.FAILED, "last_error": describe_error(error)}
    return OutboundMessage.objects.create(
        channel=Channel.SMS,
        recipient=mobile,
        body=body,
        template=template,
        params=params,
        attempts=1,
        next_attempt_at=None,
        **fields,
    )


def _dispatch_on_commit(pk):
    # robust: a broker that is down must not turn the committed action into an error page.
    transaction.on_commit(lambda: dispatch(pk), robust=True)


def dispatch(pk, countdown=None):
    """Hand a row to the worker, now or in `countdown` seconds (in dev and tests: deliver it now,
    in-process). A broker that cannot be reached leaves the row pending; deliver_due picks it up
    once the broker is back."""
    from .tasks import deliver_message

    try:
        deliver_message.apply_async((pk,), countdown=countdown)
    except Exception:  # kombu's OperationalError, redis' ConnectionError, ...: whatever the transport raises
        logger.warning("Outbox message %s could not be queued; the periodic sweep will send it", pk, exc_info=True)


def retry(message):
    """重新发送 (staff): a failed row gets a fresh round of tries, starting now."""
    with transaction.atomic():
        locked = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != DeliveryStatus.FAILED:
            return False
        locked.status = DeliveryStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        _dispatch_on_commit(locked.pk)
    return True


@dataclass
class Outcome:
    status: str  # DeliveryStatus, or "skipped" when the row was not pending or not due
    retry_in: int | None = None  # seconds until the next try, when one is due


def deliver(pk, now=None):
    """Send row `pk` once if it is pending and due; record the outcome. Never raises for a
    provider's error: it becomes the row's last_error and a later try, or 发送失败."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=pk).first()
        now = now or timezone.now()
        if message is None or message.status != DeliveryStatus.PENDING:
            return Outcome("skipped")
        if message.next_attempt_at is not None and message.next_attempt_at > now + DUE_TOLERANCE:
            return Outcome("skipped")  # another copy of the task is waiting for that time
        message.attempts += 1
        try:
            send(message)
        except Exception as error:  # anything else is recorded too, and logged as a bug below
            retryable = is_retryable(error)
            if not isinstance(error, (OSError, _sms_error_class())):  # smtplib's errors are OSErrors
                logger.exception("Outbox message %s: unexpected error while sending", pk)
            message.last_error = describe_error(error)
            delays = settings.OUTBOX_RETRY_DELAYS
            if retryable and message.attempts <= len(delays):
                retry_in = delays[message.attempts - 1]
                message.next_attempt_at = now + timedelta(seconds=retry_in)
                outcome = Outcome(DeliveryStatus.PENDING, retry_in)
            else:
                message.status = DeliveryStatus.FAILED
                message.next_attempt_at = None
                outcome = Outcome(DeliveryStatus.FAILED)
        else:
            message.status = DeliveryStatus.SENT
            message.sent_at = timezone.now()
            message.next_attempt_at = None
            outcome = Outcome(DeliveryStatus.SENT)
        message.save(update_fields=["attempts", "status", "next_attempt_at", "last_error", "sent_at"])
    return outcome


def send(message):
    if message.channel == Channel.EMAIL:
        EmailMessage(message.subject, message.body, to=[message.recipient]).send(fail_silently=False)
    else:
        from .sms.backends import get_backend

        get_backend().send(message.recipient, message.body, template=message.template, params=message.params or None)


def _sms_error_class():
    from .sms.backends.base import SmsDeliveryError

    return SmsDeliveryError


def is_retryable(error):
    if isinstance(error, _sms_error_class()):
        return getattr(error, "retryable", True)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Every address refused with a permanent (5xx) code: trying again cannot help.
        return not all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code < 500
    return True


def describe_error(error):
    """The provider's code and message, for staff; numbers that look like personal data masked."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Not the addresses: the list already shows the (masked) recipient.
        described = "; ".join(f"{code}: {_text(reply)}" for code, reply in error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        described = f"{error.smtp_code}: {_text(error.smtp_error)}"
    else:
        code = getattr(error, "code", "")
        text = str(error) or type(error).__name__
        if code:
            # The SMS backends' messages already name the provider's code (accounts/sms/backends/provider.py).
            described = text if str(code) in text else f"{code}: {text}"
        else:
            described = f"{type(error).__name__}: {text}"
    return redact_text(described)[:500]


def _text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def sweep_due(now=None, overdue_by=timedelta(0), limit=500):
    """Queue every pending row whose next try is due (by more than `overdue_by`): rows whose task
    was lost (broker down at commit), retries in eager mode, rows a killed worker held. The
    periodic deliver_due leaves alone rows that have only just come due, whose own task (the first
    send, the scheduled retry) is about to run, so a healthy queue is not filled with copies."""
    now = now or timezone.now()
    due = OutboundMessage.objects.due(now - overdue_by).order_by("next_attempt_at")
    pks = list(due.values_list("pk", flat=True)[:limit])
    for pk in pks:
        dispatch(pk)
    return len(pks)
