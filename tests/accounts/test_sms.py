import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import SmsCode
from accounts.sms import SmsError, consume_code, send_code, verify_code
from accounts.sms.backends import locmem

MOBILE = "13800138000"
OTHER_MOBILE = "13900139000"

pytestmark = pytest.mark.django_db


class Clock:
    """Stands in for django.utils.timezone.now, which both the service and auto_now_add call."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    # Local noon, so ten sends a minute apart never cross midnight (the limit is per calendar day).
    fake = Clock(datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    monkeypatch.setattr(timezone, "now", fake)
    return fake


def last_code(mobile=MOBILE):
    message = [m for m in locmem.outbox if m["mobile"] == mobile][-1]["message"]
    match = re.search(r"验证码为(\d{6})，", message)
    assert match, message
    return match.group(1)


def wrong(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def refusal(func, *args, **kwargs):
    with pytest.raises(SmsError) as info:
        func(*args, **kwargs)
    return info.value


def test_code_is_sent_as_six_digits_and_only_its_hash_is_stored(clock):
    assert send_code(MOBILE, "register") == 60

    assert len(locmem.outbox) == 1
    sent = locmem.outbox[0]
    assert sent["mobile"] == MOBILE
    assert "【特种设备行政许可】" in sent["message"]
    assert "5分钟内有效" in sent["message"]
    code = last_code()
    assert re.fullmatch(r"\d{6}", code)

    record = SmsCode.objects.get()
    assert record.mobile == MOBILE
    assert record.purpose == "register"
    assert code not in record.code_hash
    assert re.fullmatch(r"[0-9a-f]{64}", record.code_hash)  # HMAC-SHA256 keyed with SECRET_KEY
    assert record.expires_at == clock.now + timedelta(seconds=300)
    assert record.attempts == 0
    assert record.used_at is None


def test_resend_within_the_interval_is_refused_with_the_seconds_to_wait(clock):
    send_code(MOBILE, "register")

    error = refusal(send_code, MOBILE, "register")
    assert error.message == "验证码发送过于频繁，请60秒后再试。"
    assert error.retry_after == 60

    clock.advance(45)
    error = refusal(send_code, MOBILE, "register")
    assert "请15秒后再试" in error.message
    assert error.retry_after == 15

    # The interval is per phone, whatever the purpose.
    assert refusal(send_code, MOBILE, "reset_password").retry_after == 15
    assert len(locmem.outbox) == 1
    assert SmsCode.objects.count() == 1


def test_resend_after_the_interval_is_allowed(clock):
    send_code(MOBILE, "register")
    clock.advance(60)
    send_code(MOBILE, "register")
    assert SmsCode.objects.count() == 2
    assert len(locmem.outbox) == 2


def test_interval_also_holds_when_created_at_is_moved_back(clock):
    # Simulating time passing by editing the stored row instead of the clock.
    send_code(MOBILE, "register")
    SmsCode.objects.update(created_at=clock.now - timedelta(seconds=30))
    assert refusal(send_code, MOBILE, "register").retry_after == 30
    SmsCode.objects.update(created_at=clock.now - timedelta(seconds=61))
    send_code(MOBILE, "register")


def test_other_phones_are_not_held_back(clock):
    send_code(MOBILE, "register")
    send_code(OTHER_MOBILE, "register")
    assert [m["mobile"] for m in locmem.outbox] == [MOBILE, OTHER_MOBILE]


def test_ten_codes_per_phone_per_day_then_refused(clock):
    for _ in range(10):
        send_code(MOBILE, "register")
        clock.advance(61)

    error = refusal(send_code, MOBILE, "register")
    assert error.message == "该手机号今日获取验证码次数已达上限，请明天再试。"
    assert error.retry_after is None
    assert SmsCode.objects.filter(mobile=MOBILE).count() == 10
    assert len(locmem.outbox) == 10

    send_code(OTHER_MOBILE, "register")  # the limit is per phone

    # The limit is per calendar day in China: just after local midnight a new code is allowed.
    clock.now = datetime(2026, 6, 2, 0, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    send_code(MOBILE, "register")


def test_right_code_verifies_and_is_used_up(clock):
    send_code(MOBILE, "register")
    code = last_code()

    assert verify_code(MOBILE, "register", code) is True
    assert SmsCode.objects.get().used_at == clock.now


def test_code_is_accepted_with_surrounding_spaces(clock):
    send_code(MOBILE, "register")
    assert verify_code(MOBILE, "register", f" {last_code()} ") is True


def test_wrong_code_is_refused_and_says_how_many_tries_are_left(clock):
    send_code(MOBILE, "register")
    code = last_code()

    error = refusal(verify_code, MOBILE, "register", wrong(code))
    assert error.message == "短信验证码不正确，还可尝试4次。"
    # The wrong try is stored, not rolled back with the refusal.
    assert SmsCode.objects.get().attempts == 1

    assert "还可尝试3次" in refusal(verify_code, MOBILE, "register", "").message
    assert "还可尝试2次" in refusal(verify_code, MOBILE, "register", None).message
    assert SmsCode.objects.get().attempts == 3
    assert SmsCode.objects.get().used_at is None

    assert verify_code(MOBILE, "register", code) is True


def test_after_five_wrong_tries_even_the_right_code_is_refused(clock):
    send_code(MOBILE, "register")
    code = last_code()

    messages = [refusal(verify_code, MOBILE, "register", wrong(code)).message for _ in range(5)]
    assert messages[:4] == [f"短信验证码不正确，还可尝试{n}次。" for n in (4, 3, 2, 1)]
    assert messages[4] == "短信验证码错误次数过多，请重新获取。"
    assert SmsCode.objects.get().attempts == 5

    assert refusal(verify_code, MOBILE, "register", code).message == "短信验证码错误次数过多，请重新获取。"
    assert SmsCode.objects.get().attempts == 5
    assert SmsCode.objects.get().used_at is None

    # A new code (after the resend interval) starts again.
    clock.advance(60)
    send_code(MOBILE, "register")
    assert verify_code(MOBILE, "register", last_code()) is True


def test_expired_code_is_refused(clock):
    send_code(MOBILE, "register")
    code = last_code()
    SmsCode.objects.update(expires_at=clock.now - timedelta(seconds=1))

    assert refusal(verify_code, MOBILE, "register", code).message == "短信验证码已过期，请重新获取。"


def test_code_expires_after_five_minutes(clock):
    send_code(MOBILE, "register")
    code = last_code()
    clock.advance(300)
    assert verify_code(MOBILE, "register", code, consume=False) is True
    clock.advance(1)
    assert "已过期" in refusal(verify_code, MOBILE, "register", code).message


def test_used_code_cannot_be_reused(clock):
    send_code(MOBILE, "register")
    code = last_code()
    verify_code(MOBILE, "register", code)

    assert refusal(verify_code, MOBILE, "register", code).message == "短信验证码已使用，请重新获取。"


def test_code_for_one_purpose_does_not_verify_another(clock):
    send_code(MOBILE, "register")
    code = last_code()

    assert refusal(verify_code, MOBILE, "reset_password", code).message == "请先获取短信验证码。"
    assert refusal(verify_code, OTHER_MOBILE, "register", code).message == "请先获取短信验证码。"
    assert verify_code(MOBILE, "register", code) is True


def test_without_any_code_the_user_is_told_to_request_one():
    assert refusal(verify_code, MOBILE, "register", "123456").message == "请先获取短信验证码。"


def test_a_new_code_supersedes_the_previous_one(clock):
    send_code(MOBILE, "register")
    first = last_code()
    clock.advance(60)
    send_code(MOBILE, "register")
    second = last_code()
    if first == second:  # one chance in a million
        pytest.skip("both codes happen to be equal")

    assert "短信验证码不正确" in refusal(verify_code, MOBILE, "register", first).message
    assert verify_code(MOBILE, "register", second) is True
    # Once the newest code is used, the older unused one does not come back to life.
    assert "已使用" in refusal(verify_code, MOBILE, "register", first).message


def test_verify_without_consuming_then_consume_code(clock):
    send_code(MOBILE, "register")
    code = last_code()

    # A form may check the code, fail on another field, and be submitted again.
    assert verify_code(MOBILE, "register", code, consume=False) is True
    assert verify_code(MOBILE, "register", code, consume=False) is True
    assert SmsCode.objects.get().used_at is None

    clock.advance(5)
    assert consume_code(MOBILE, "register") is True
    assert SmsCode.objects.get().used_at == clock.now
    # A second submission of the same form is caught.
    assert consume_code(MOBILE, "register") is False
    assert "已使用" in refusal(verify_code, MOBILE, "register", code).message


def test_consume_code_without_a_code_returns_false(clock):
    assert consume_code(MOBILE, "register") is False
    send_code(MOBILE, "register")
    assert consume_code(MOBILE, "reset_password") is False
    assert consume_code(OTHER_MOBILE, "register") is False
    assert SmsCode.objects.get().used_at is None


def test_consume_code_marks_only_the_latest_code(clock):
    send_code(MOBILE, "register")
    clock.advance(60)
    send_code(MOBILE, "register")
    assert consume_code(MOBILE, "register") is True
    older, newer = SmsCode.objects.order_by("created_at")
    assert newer.used_at == clock.now
    assert older.used_at is None


def test_delivery_failure_is_reported_and_stores_no_code(settings, clock):
    settings.SMS_BACKEND = "tests.support.sms.FailingBackend"

    error = refusal(send_code, MOBILE, "register")
    assert error.message.startswith("短信发送失败")
    assert error.retry_after is None
    assert not SmsCode.objects.exists()
    assert locmem.outbox == []

    # The failed attempt does not count against the resend interval.
    settings.SMS_BACKEND = "accounts.sms.backends.locmem.LocmemBackend"
    send_code(MOBILE, "register")
    assert SmsCode.objects.count() == 1
