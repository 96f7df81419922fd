import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SmsCode
from .backends import get_backend
from .backends.base import SmsDeliveryError


class SmsError(Exception):
    """A refusal the user should read: too soon, too many, wrong or expired code."""

    def __init__(self, message, retry_after=None):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _message(code):
    minutes = settings.SMS_CODE_TTL_SECONDS // 60
    return _("【特种设备行政许可】您的验证码为%(code)s，%(minutes)d分钟内有效。请勿泄露给他人。") % {
        "code": code,
        "minutes": minutes,
    }


@transaction.atomic
def send_code(mobile, purpose):
    """Create and send a code; returns the number of seconds before another may be sent."""
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
    if len(recent) >= settings.SMS_DAILY_LIMIT_PER_PHONE:
        raise SmsError(_("该手机号今日获取验证码次数已达上限，请明天再试。"))
    code = f"{secrets.randbelow(10**6):06d}"
    try:
        get_backend().send(mobile, _message(code))
    except SmsDeliveryError:
        raise SmsError(_("短信发送失败，请稍后重试。")) from None
    SmsCode.objects.create(
        mobile=mobile,
        purpose=purpose,
        code_hash=make_password(code),
        expires_at=now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
    )
    return interval


def verify_code(mobile, purpose, code, consume=True):
    """Check the latest code for this phone and purpose; raise SmsError with the reason.

    Runs in its own transaction so that a wrong try is counted even when the caller's form
    fails and rolls back.
    """
    with transaction.atomic():
        record = (
            SmsCode.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if record is None:
            raise SmsError(_("请先获取短信验证码。"))
        if record.expires_at < timezone.now():
            raise SmsError(_("短信验证码已过期，请重新获取。"))
        if record.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            raise SmsError(_("短信验证码错误次数过多，请重新获取。"))
        if not check_password((code or "").strip(), record.code_hash):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            left = settings.SMS_CODE_MAX_ATTEMPTS - record.attempts
            if left <= 0:
                raise SmsError(_("短信验证码错误次数过多，请重新获取。"))
            raise SmsError(_("短信验证码不正确，还可尝试%(left)d次。") % {"left": left})
        if consume:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
    return True
