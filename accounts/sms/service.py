import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .. import outbox
from ..models import SmsCode
from .backends import get_backend
from .backends.base import SmsDeliveryError


class SmsError(Exception):
    """A refusal the user should read: too soon, too many, wrong or expired code."""

    def __init__(self, message, retry_after=None, code=None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.code = code


def _message(code):
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    return _("【特种设备行政许可】您的验证码为%(code)s，%(minutes)d分钟内有效。请勿泄露给他人。") % {
        "code": code,
        "minutes": minutes,
    }


def _hash(mobile, code):
    # A keyed HMAC, not a password hasher: a leaked table cannot be brute-forced over the
    # million possible codes without SECRET_KEY, and each check costs microseconds, not 0.5 s.
    return salted_hmac("accounts.sms.code", f"{mobile}:{code}", algorithm="sha256").hexdigest()


def _start_of_today(now):
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


# The outbox keeps a record of every code sent, never the code itself.
CODE_TEMPLATE = "verification_code"
MASKED_CODE = "******"


class _DeliveryFailed(Exception):
    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


def send_code(mobile, purpose, deliver=True):
    """Create and send a code; returns the number of seconds before another may be sent.

    deliver=False goes through the same checks and records an unusable code without sending
    anything or logging it in the outbox: the reset code asked for a phone without an account
    (accounts/services.py request_sms_code) then answers exactly as for a registered one.

    Sent at once, not through the outbox's worker: the user is waiting for it. Each try is still
    logged in the outbox (accounts/outbox.py, 发送记录) with the code masked, a failed one after
    the transaction that the refusal rolls back, so it stays on record."""
    try:
        return _send_code(mobile, purpose, deliver)
    except _DeliveryFailed as failed:
        outbox.record_sms(
            mobile,
            _message(MASKED_CODE),
            template=CODE_TEMPLATE,
            params={"code": MASKED_CODE},
            error=failed.error,
        )
        raise SmsError(_("短信发送失败，请稍后重试。"), code="delivery") from None


@transaction.atomic
def _send_code(mobile, purpose, deliver):
    now = timezone.now()
    # Lock this phone's recent rows so two quick clicks cannot both pass the interval check.
    recent = list(
        SmsCode.objects.select_for_update()
        .filter(mobile=mobile, created_at__gte=now - timedelta(days=1))
        .order_by("-created_at")
    )
    interval = settings.SMS_RESEND_INTERVAL_SECONDS
    if recent and (now - recent[0].created_at).total_seconds() < interval:
        wait = interval - int((now - recent[0].created_at).total_seconds())
        raise SmsError(_("验证码发送过于频繁，请%(seconds)d秒后再试。") % {"seconds": wait}, retry_after=wait)
    # The limit is per calendar day (Asia/Shanghai), as the message says 今日 / 明天.
    if sum(1 for r in recent if r.created_at >= _start_of_today(now)) >= settings.SMS_DAILY_LIMIT_PER_PHONE:
        raise SmsError(_("该手机号今日获取验证码次数已达上限，请明天再试。"))
    code = f"{secrets.randbelow(10**6):06d}"
    if deliver:
        try:
            get_backend().send(mobile, _message(code), template=CODE_TEMPLATE, params={"code": code})
        except SmsDeliveryError as error:
            raise _DeliveryFailed(error) from None
        outbox.record_sms(mobile, _message(MASKED_CODE), template=CODE_TEMPLATE, params={"code": MASKED_CODE})
    SmsCode.objects.create(
        mobile=mobile,
        purpose=purpose,
        code_hash=_hash(mobile, code),
        expires_at=now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
    )
    return interval


def _latest_code(mobile, purpose):
    # Only the newest code counts: sending a new one supersedes every older one, even unused.
    return (
        SmsCode.objects.select_for_update()
        .filter(mobile=mobile, purpose=purpose)
        .order_by("-created_at", "-pk")
        .first()
    )


def verify_code(mobile, purpose, code, consume=True):
    """Check the latest code for this phone and purpose; raise SmsError with the reason.

    A wrong try is saved before SmsError is raised: the refusal is raised only after the
    transaction block has committed, since raising inside it would roll the count back. Call
    it outside the caller's own transaction.atomic(), or a rollback there undoes the count.
    """
    error = None
    with transaction.atomic():
        record = _latest_code(mobile, purpose)
        if record is None:
            error = _("请先获取短信验证码。")
        elif record.used_at is not None:
            error = _("短信验证码已使用，请重新获取。")
        elif record.expires_at < timezone.now():
            error = _("短信验证码已过期，请重新获取。")
        elif record.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            error = _("短信验证码错误次数过多，请重新获取。")
        elif not constant_time_compare(_hash(mobile, (code or "").strip()), record.code_hash):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            left = settings.SMS_CODE_MAX_ATTEMPTS - record.attempts
            if left <= 0:
                error = _("短信验证码错误次数过多，请重新获取。")
            else:
                error = _("短信验证码不正确，还可尝试%(left)d次。") % {"left": left}
        elif consume:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
    if error is not None:
        raise SmsError(error)
    return True


def consume_code(mobile, purpose):
    """Mark the latest code for this phone and purpose as used, after verify_code(consume=False).

    Returns False when there is no code or the latest one is already used (e.g. the same form
    submitted twice), so the caller can refuse the second submission.
    """
    with transaction.atomic():
        record = _latest_code(mobile, purpose)
        if record is None or record.used_at is not None:
            return False
        record.used_at = timezone.now()
        record.save(update_fields=["used_at"])
    return True
