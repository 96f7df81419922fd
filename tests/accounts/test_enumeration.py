"""Who is registered must not be learnt in bulk (outside review finding 9, docs/security.md).

The registration page and 获取验证码 for 注册 say so when a username, mobile or ID number is
taken (a real user needs to know); each such answer counts against a per-IP budget. The reset
code's answer is the same, to the byte, for a registered and an unregistered phone.
"""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from accounts.models import OutboundMessage
from accounts.sms.backends import locmem
from tests.support.accounts import individual_data
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = reverse("accounts:register_individual")
SEND = reverse("accounts:send_sms_code")
IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def _clear_counters():
    cache.clear()
    yield
    cache.clear()


@override_settings(ENUMERATION_HOURLY_LIMIT_PER_IP=3, ENUMERATION_DAILY_LIMIT_PER_IP=100)
def test_registration_duplicate_answers_are_limited_per_ip(client):
    for n in range(3):
        UserFactory(username=f"taken{n:04d}", mobile=f"1350000{n:04d}")
    for n in range(3):
        response = client.post(REGISTER, individual_data(10 + n, username=f"taken{n:04d}"), REMOTE_ADDR=IP)
        assert response.status_code == 200
        assert "该用户名已被注册" in response.content.decode()
    # The fourth probe learns nothing: 429, the typed values kept, no word on which value is taken.
    response = client.post(REGISTER, individual_data(20, mobile="13500000001"), REMOTE_ADDR=IP)
    html = response.content.decode()
    assert response.status_code == 429
    assert "您所在网络查询注册信息过于频繁，请" in html and "分钟后再试" in html
    assert "已注册" not in html and 'value="geren0020"' in html
    assert 0 < int(response["Retry-After"]) <= 3600
    # Another network is not affected.
    other = client.post(REGISTER, individual_data(21, username="taken0000"), REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200 and "该用户名已被注册" in other.content.decode()


@override_settings(ENUMERATION_HOURLY_LIMIT_PER_IP=1, ENUMERATION_DAILY_LIMIT_PER_IP=100)
def test_id_number_and_mobile_probes_count_too_but_other_mistakes_do_not(client):
    user = UserFactory(mobile="13500000001")
    for _ in range(3):  # a typo in the password is not a probe
        assert client.post(REGISTER, individual_data(1, password2="Other-Pass1!"), REMOTE_ADDR=IP).status_code == 200
    assert client.post(REGISTER, individual_data(2, mobile=user.mobile), REMOTE_ADDR=IP).status_code == 200
    assert client.post(REGISTER, individual_data(3, mobile=user.mobile), REMOTE_ADDR=IP).status_code == 429


@override_settings(ENUMERATION_DAILY_LIMIT_PER_IP=2, ENUMERATION_HOURLY_LIMIT_PER_IP=100)
def test_register_code_for_registered_phones_is_limited_per_ip(client):
    for n in range(3):
        UserFactory(mobile=f"1350000{n:04d}")
    for n in range(2):
        response = client.post(SEND, {"mobile": f"1350000{n:04d}", "purpose": "register"}, REMOTE_ADDR=IP)
        assert response.status_code == 400 and "已注册" in response.json()["message"]
    response = client.post(SEND, {"mobile": "13500000002", "purpose": "register"}, REMOTE_ADDR=IP)
    assert response.status_code == 429
    assert response.json()["message"] == "您所在网络今日查询注册信息次数已达上限，请明天再试。"


def _reset_code(client, mobile):
    response = client.post(SEND, {"mobile": mobile, "purpose": "reset_password"}, REMOTE_ADDR=IP)
    return response.status_code, response.content, response.get("Retry-After")


def test_reset_code_answers_are_identical_for_registered_and_unregistered_phones(client):
    UserFactory(mobile="13900000001")
    registered, unregistered = "13900000001", "13900000009"
    # First request, then a second within the 60 s interval: each pair of answers is byte-identical.
    first = _reset_code(client, registered), _reset_code(client, unregistered)
    again = _reset_code(client, registered), _reset_code(client, unregistered)
    assert first[0] == first[1] and first[0][0] == 200
    assert again[0] == again[1] and again[0][0] == 429
    # Nothing reaches a phone without an account, nor the 发送记录.
    assert [m["mobile"] for m in locmem.outbox] == [registered]
    assert not OutboundMessage.objects.filter(recipient__contains=unregistered).exists()


@override_settings(SMS_DAILY_LIMIT_PER_PHONE=1, SMS_RESEND_INTERVAL_SECONDS=0)
def test_reset_code_daily_limit_answers_the_same_for_unregistered_phones(client):
    UserFactory(mobile="13900000001")
    answers = {}
    for mobile in ("13900000001", "13900000009"):
        answers[mobile] = [_reset_code(client, mobile) for _ in range(2)]
    assert answers["13900000001"] == answers["13900000009"]
    assert [status for status, _body, _retry in answers["13900000001"]] == [200, 429]


def test_reset_form_does_not_say_whether_a_username_goes_with_a_phone_before_the_code_is_right(client):
    UserFactory(username="qiye0001", mobile="13900000001")
    for mobile in ("13900000001", "13900000009"):
        _reset_code(client, mobile)
    errors = {}
    for mobile in ("13900000001", "13900000009"):
        data = {"username": "qiye0001", "mobile": mobile, "sms_code": "000000"}
        data.update(password1="NewPass1!x", password2="NewPass1!x")
        response = client.post(reverse("accounts:password_reset"), data)
        errors[mobile] = response.context["form"].errors.as_data()
    assert str(errors["13900000001"]) == str(errors["13900000009"])
    assert "不匹配" not in str(errors["13900000009"]) and "sms_code" in errors["13900000009"]
