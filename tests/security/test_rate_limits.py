"""Abuse limits (ASVS 2.2.1, 11.1.4): SMS codes and registrations per client IP, login lockout.

The per-phone SMS limits are tested in tests/accounts/test_sms.py; here the per-IP ones, which
hold however many phone numbers a client rotates through.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import RequestFactory, override_settings
from django.urls import reverse

from accounts.sms.backends import locmem
from core import ratelimit
from tests.support.accounts import individual_data, sms_code_for
from tests.support.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
SEND = reverse("accounts:send_sms_code")
REGISTER = reverse("accounts:register_individual")
LOGIN = reverse("accounts:login")


def send(client, n, ip="203.0.113.7", **extra):
    return client.post(SEND, {"mobile": f"1390000{n:04d}", "purpose": "register"}, REMOTE_ADDR=ip, **extra)


# --- SMS codes per IP ---


@override_settings(SMS_HOURLY_LIMIT_PER_IP=3, SMS_DAILY_LIMIT_PER_IP=100)
def test_sms_codes_per_ip_per_hour_across_different_phones(client):
    for n in range(3):
        assert send(client, n).json()["ok"] is True
    response = send(client, 3)
    assert response.status_code == 429
    body = response.json()
    assert body["ok"] is False and "您所在网络获取验证码过于频繁" in body["message"] and "分钟后再试" in body["message"]
    assert 0 < int(response["Retry-After"]) <= 3600
    assert len(locmem.outbox) == 3  # the fourth phone got nothing
    # Another address is not affected.
    assert send(client, 4, ip="198.51.100.9").json()["ok"] is True


@override_settings(SMS_HOURLY_LIMIT_PER_IP=100, SMS_DAILY_LIMIT_PER_IP=2)
def test_sms_codes_per_ip_per_day(client):
    send(client, 0)
    send(client, 1)
    response = send(client, 2)
    assert response.status_code == 429
    assert response.json()["message"] == "您所在网络今日获取验证码次数已达上限，请明天再试。"


@override_settings(SMS_HOURLY_LIMIT_PER_IP=2, SMS_DAILY_LIMIT_PER_IP=100)
def test_refused_sms_requests_do_not_use_up_the_allowance(client):
    UserFactory(mobile="13900000000")
    # Refused by the per-phone rules (already registered; resend interval): nothing sent, nothing counted.
    assert send(client, 0).status_code == 400
    assert send(client, 1).json()["ok"] is True
    assert send(client, 1).status_code == 429  # 60 s interval of that phone
    assert send(client, 2).json()["ok"] is True
    assert "您所在网络" in send(client, 3).json()["message"]


@override_settings(SMS_HOURLY_LIMIT_PER_IP=1, SMS_DAILY_LIMIT_PER_IP=1)
def test_invalid_mobile_is_not_counted(client):
    assert client.post(SEND, {"mobile": "123", "purpose": "register"}).status_code == 400
    assert send(client, 0).json()["ok"] is True


@override_settings(SMS_HOURLY_LIMIT_PER_IP=0, SMS_DAILY_LIMIT_PER_IP=0)
def test_a_limit_of_zero_switches_it_off(client):
    for n in range(5):
        assert send(client, n).json()["ok"] is True


# --- which address counts ---


def test_forwarded_for_is_ignored_without_trusted_proxies():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_last_forwarded_entry_is_the_client():
    # The client wrote "1.2.3.4" itself; our proxy appended the address it really saw.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    assert ratelimit.client_ip(request) == "203.0.113.50"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_trusted_proxies_and_a_short_header_falls_back_to_remote_addr():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50, 10.0.0.1")
    assert ratelimit.client_ip(request) == "203.0.113.50"
    short = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert ratelimit.client_ip(short) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=1, SMS_HOURLY_LIMIT_PER_IP=1, SMS_DAILY_LIMIT_PER_IP=100)
def test_forged_forwarded_for_does_not_escape_the_limit(client):
    proxy = "10.0.0.2"
    assert send(client, 0, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50").json()["ok"] is True
    forged = send(client, 1, ip=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.50")
    assert forged.status_code == 429


def test_ipv6_clients_are_counted_per_64_prefix():
    one = ratelimit.counter_key("sms", "2001:db8:1:2::1", ratelimit.HOUR)
    same_prefix = ratelimit.counter_key("sms", "2001:db8:1:2:ffff::9", ratelimit.HOUR)
    other_prefix = ratelimit.counter_key("sms", "2001:db8:1:3::1", ratelimit.HOUR)
    assert one == same_prefix != other_prefix
    assert "2001" not in one  # the address is stored only as a keyed hash


def test_day_window_ends_at_local_midnight():
    shanghai = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 11, 26, 23, 30, tzinfo=shanghai)
    assert ratelimit._window(ratelimit.DAY, now) == ("20261126", 1800)
    assert ratelimit._window(ratelimit.HOUR, now) == ("2026112623", 1800)
    next_day = datetime(2026, 11, 27, 0, 0, 1, tzinfo=shanghai)
    assert ratelimit.counter_key("sms", "1.2.3.4", ratelimit.DAY, now) != ratelimit.counter_key(
        "sms", "1.2.3.4", ratelimit.DAY, next_day
    )


# --- registrations per IP ---


def register(client, n, ip="203.0.113.7"):
    data = individual_data(n)
    data["sms_code"] = sms_code_for(data["mobile"])
    return client.post(REGISTER, data, REMOTE_ADDR=ip)


@override_settings(REGISTRATION_HOURLY_LIMIT_PER_IP=2, REGISTRATION_DAILY_LIMIT_PER_IP=100)
def test_registrations_per_ip_per_hour(client):
    assert register(client, 1).status_code == 302
    assert register(client, 2).status_code == 302
    response = register(client, 3)
    assert response.status_code == 429
    html = response.content.decode()
    assert "您所在网络注册过于频繁，请" in html and "分钟后再试" in html
    assert 'value="geren0003"' in html  # what was typed is kept
    assert not User.objects.filter(username="geren0003").exists()
    assert 0 < int(response["Retry-After"]) <= 3600
    # The early refusal does not spend a try of the SMS code: after the window it still works.
    assert register(client, 4, ip="198.51.100.9").status_code == 302


@override_settings(REGISTRATION_HOURLY_LIMIT_PER_IP=100, REGISTRATION_DAILY_LIMIT_PER_IP=1)
def test_registrations_per_ip_per_day(client):
    assert register(client, 1).status_code == 302
    response = register(client, 2)
    assert response.status_code == 429
    assert "您所在网络今日注册次数已达上限，请明天再试。" in response.content.decode()


@override_settings(REGISTRATION_HOURLY_LIMIT_PER_IP=1, REGISTRATION_DAILY_LIMIT_PER_IP=100)
def test_invalid_registration_forms_are_not_counted(client):
    data = individual_data(1, password2="different-Pass1!")
    assert client.post(REGISTER, data, REMOTE_ADDR="203.0.113.7").status_code == 200
    assert register(client, 1).status_code == 302


@override_settings(REGISTRATION_HOURLY_LIMIT_PER_IP=1, REGISTRATION_DAILY_LIMIT_PER_IP=100)
def test_throttled_registration_keeps_the_sms_code_usable(client):
    assert register(client, 1).status_code == 302
    data = individual_data(2)
    data["sms_code"] = sms_code_for(data["mobile"])
    assert client.post(REGISTER, data, REMOTE_ADDR="203.0.113.7").status_code == 429
    cache.clear()  # the hour is over
    assert client.post(REGISTER, data, REMOTE_ADDR="203.0.113.7").status_code == 302
    assert User.objects.filter(username="geren0002").exists()


# --- login lockout (django-axes) still works, on the same client address ---


def test_lockout_still_works_and_uses_the_same_client_address(client, settings):
    UserFactory(username="qiye0001")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "qiye0001", "password": "wrong-Pass1!"}, REMOTE_ADDR="203.0.113.7")
    locked = client.post(LOGIN, {"username": "qiye0001", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert locked.status_code == 429 and "已暂时锁定" in locked.content.decode()
    # Username + IP: the same account from another address is not locked.
    other = client.post(LOGIN, {"username": "qiye0001", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.ratelimit.client_ip"


# --- the counters live in Redis when Redis is the cache ---

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}: {error}")
    return connection


@pytest.fixture
def redis_cache():
    connection = _redis_or_skip()
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            "KEY_PREFIX": "portal-test-ratelimit",
        }
    }
    with override_settings(CACHES=caches):
        # Only our own keys: DB 15 may be shared with other test runs, so no FLUSHDB (cache.clear()).
        cache.delete_pattern("ratelimit:*")
        yield connection
        cache.delete_pattern("ratelimit:*")


@override_settings(SMS_HOURLY_LIMIT_PER_IP=2, SMS_DAILY_LIMIT_PER_IP=100)
def test_counters_live_in_redis(client, redis_cache):
    from django_redis import get_redis_connection

    assert send(client, 0).json()["ok"] is True
    assert send(client, 1).json()["ok"] is True
    key = ratelimit.counter_key("sms", "203.0.113.7", ratelimit.HOUR)
    assert cache.get(key) == 2
    # Read straight from Redis, not through Django: the key, its value and its expiry are there.
    raw_keys = [k.decode() for k in redis_cache.keys("portal-test-ratelimit:*ratelimit:sms:*")]
    assert any(k.endswith(key) for k in raw_keys)
    raw_key = next(k for k in raw_keys if k.endswith(key))
    assert int(redis_cache.get(raw_key)) == 2
    assert 0 < redis_cache.ttl(raw_key) <= 3600 + 60
    assert get_redis_connection("default").connection_pool.connection_kwargs["db"] == 15
    # A third send is refused: the limit is read back from Redis.
    assert send(client, 2).status_code == 429


@override_settings(SMS_HOURLY_LIMIT_PER_IP=50, SMS_DAILY_LIMIT_PER_IP=1000)
def test_redis_increments_are_atomic_under_concurrency(redis_cache):
    from concurrent.futures import ThreadPoolExecutor

    def one(_):
        return ratelimit.hit("sms", "203.0.113.8", ratelimit.sms_limits())

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, range(80)))
    assert sum(1 for r in results if r is None) == 50  # exactly the limit passes, never more
    assert cache.get(ratelimit.counter_key("sms", "203.0.113.8", ratelimit.HOUR)) == 80


# --- password spraying: failed logins per IP, across usernames ---


def spray(client, url, count, ip="203.0.113.7", start=0):
    """One password tried on `count` different usernames (none of them locked by django-axes)."""
    for n in range(start, start + count):
        client.post(url, {"username": f"qiye{n:04d}", "password": "Spring2026!"}, REMOTE_ADDR=ip)


@override_settings(LOGIN_FAILURE_HOURLY_LIMIT_PER_IP=4, LOGIN_FAILURE_DAILY_LIMIT_PER_IP=100)
def test_password_spraying_from_one_address_is_refused_before_any_password_is_checked(client):
    UserFactory(username="qiye0100")
    spray(client, LOGIN, 4)
    # The right password of a fifth user: refused without being checked, so it proves nothing.
    response = client.post(LOGIN, {"username": "qiye0100", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert "您所在网络登录失败次数过多，请" in html and "分钟后再试" in html
    assert 'value="qiye0100"' in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = client.post(LOGIN, {"username": "qiye0100", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302


@override_settings(LOGIN_FAILURE_HOURLY_LIMIT_PER_IP=100, LOGIN_FAILURE_DAILY_LIMIT_PER_IP=3)
def test_failed_logins_per_ip_per_day_and_on_the_admin_login_page_too(client):
    admin_login = reverse("wagtailadmin_login")
    spray(client, admin_login, 2)
    spray(client, LOGIN, 1, start=2)  # both pages count against the same address
    UserFactory(username="staff01", is_staff=True, is_superuser=True, organisation=None)
    right = {"username": "staff01", "password": DEFAULT_PASSWORD}
    response = client.post(admin_login, right, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "您所在网络今日登录失败次数已达上限，请明天再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURE_HOURLY_LIMIT_PER_IP=3, LOGIN_FAILURE_DAILY_LIMIT_PER_IP=100)
def test_successful_logins_are_not_counted_against_the_address(client):
    UserFactory(username="qiye0100")
    for _ in range(5):
        client.post(LOGIN, {"username": "qiye0100", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.7")
        client.post(reverse("accounts:logout"))
    spray(client, LOGIN, 2)
    response = client.post(LOGIN, {"username": "qiye0100", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302


@override_settings(LOGIN_FAILURE_HOURLY_LIMIT_PER_IP=0, LOGIN_FAILURE_DAILY_LIMIT_PER_IP=0)
def test_a_login_failure_limit_of_zero_switches_it_off(client):
    UserFactory(username="qiye0100")
    spray(client, LOGIN, 40)
    response = client.post(LOGIN, {"username": "qiye0100", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
