"""Login (登录), lockout, logout, password reset by SMS and the 我的办事 home."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import SmsCode
from tests.support.accounts import sms_code_for
from tests.support.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
LOGIN = reverse("accounts:login")


def test_applicant_logs_in_and_lands_on_my_services(client):
    UserFactory(username="qiye0001")
    response = client.post(LOGIN, {"username": "qiye0001", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("my_services")
    html = client.get(response.url).content.decode()
    assert "我的办事" in html
    assert "特种设备生产单位许可" in html and "在线办理" in html
    assert "生产企业许可申请管理" in html and "直接办理" in html
    assert 'href="/applications/new/"' in html and 'href="/applications/"' in html


def test_staff_land_in_the_admin(client):
    UserFactory(username="staff01", is_staff=True, is_superuser=True)
    response = client.post(LOGIN, {"username": "staff01", "password": DEFAULT_PASSWORD})
    assert response.url == reverse("wagtailadmin_home")


def test_wrong_password_gives_chinese_message(client):
    UserFactory(username="qiye0001")
    response = client.post(LOGIN, {"username": "qiye0001", "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_my_services_requires_login(client):
    response = client.get(reverse("my_services"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_lockout_after_repeated_failures(client, settings):
    UserFactory(username="qiye0001")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "qiye0001", "password": "wrong-Pass1!"})
    # Even the right password is refused while locked.
    response = client.post(LOGIN, {"username": "qiye0001", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    html = response.content.decode()
    assert "已暂时锁定" in html and "请 30 分钟后再试" in html


def test_lockout_is_per_username(client, settings):
    UserFactory(username="qiye0001")
    UserFactory(username="qiye0002")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "qiye0001", "password": "wrong-Pass1!"})
    response = client.post(LOGIN, {"username": "qiye0002", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_logout_is_post_only(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("my_services")).status_code == 302


def test_password_reset_by_sms(client):
    user = UserFactory(username="qiye0001", mobile="13900000001")
    response = client.post(reverse("accounts:send_sms_code"), {"mobile": "13900000001", "purpose": "reset_password"})
    assert response.json()["ok"] is True
    code = SmsCode.objects.get(mobile="13900000001")
    assert code.purpose == "reset_password"
    import re

    from accounts.sms.backends import locmem

    sms = re.search(r"\d{6}", locmem.outbox[-1]["message"]).group(0)
    response = client.post(
        reverse("accounts:password_reset"),
        {
            "username": "qiye0001",
            "mobile": "13900000001",
            "sms_code": sms,
            "password1": "NewPass1!x",
            "password2": "NewPass1!x",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("NewPass1!x")


def test_password_reset_refuses_wrong_mobile_and_weak_password(client):
    UserFactory(username="qiye0001", mobile="13900000001")
    UserFactory(username="other0001", mobile="13900000002")
    # The mismatch is told only to whoever holds the phone (its right code): tests/accounts/test_enumeration.py.
    response = client.post(
        reverse("accounts:password_reset"),
        {
            "username": "qiye0001",
            "mobile": "13900000002",
            "sms_code": sms_code_for("13900000002", "reset_password"),
            "password1": "weak",
            "password2": "weak",
        },
    )
    assert "用户名与手机号不匹配" in response.content.decode()
    code = sms_code_for("13900000001", "reset_password")
    response = client.post(
        reverse("accounts:password_reset"),
        {
            "username": "qiye0001",
            "mobile": "13900000001",
            "sms_code": code,
            "password1": "weakpass",
            "password2": "weakpass",
        },
    )
    assert "缺少" in response.content.decode()


def test_reset_code_for_unknown_phone_is_not_sent_but_answer_looks_the_same(client):
    from accounts.models import OutboundMessage
    from accounts.sms.backends import locmem

    response = client.post(reverse("accounts:send_sms_code"), {"mobile": "13900000009", "purpose": "reset_password"})
    assert response.json()["ok"] is True
    # Nothing is sent nor logged; a code nobody knows is kept so that the 60 s interval and the daily
    # limit answer as for a registered phone (tests/accounts/test_enumeration.py).
    assert not [m for m in locmem.outbox if m["mobile"] == "13900000009"]
    assert not OutboundMessage.objects.filter(recipient__contains="13900000009").exists()


def test_register_code_refused_for_registered_phone(client):
    UserFactory(mobile="13900000001")
    response = client.post(reverse("accounts:send_sms_code"), {"mobile": "13900000001", "purpose": "register"})
    assert response.status_code == 400 and "已注册" in response.json()["message"]


def test_send_sms_rate_limit_message(client):
    client.post(reverse("accounts:send_sms_code"), {"mobile": "13900000003", "purpose": "register"})
    response = client.post(reverse("accounts:send_sms_code"), {"mobile": "13900000003", "purpose": "register"})
    assert response.status_code == 429
    body = response.json()
    assert "秒后再试" in body["message"] and body["retry_after"] > 0


def test_send_sms_requires_csrf():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:send_sms_code"), {"mobile": "13900000003", "purpose": "register"})
    assert response.status_code == 403


def test_idle_session_expires_and_activity_extends_it(client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(UserFactory())
    client.get(reverse("my_services"))
    session = Session.objects.get()
    assert session.expire_date - timezone.now() > timedelta(minutes=29)
    # 31 minutes without a request: the session is gone and the user must log in again.
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("my_services"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_staff_visiting_my_services_go_to_the_admin(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("my_services")).url == reverse("wagtailadmin_home")


def test_provider_failure_is_reported_as_unavailable(client, settings):
    settings.SMS_BACKEND = "tests.support.sms.FailingBackend"
    response = client.post(reverse("accounts:send_sms_code"), {"mobile": "13900000004", "purpose": "register"})
    assert response.status_code == 503 and "短信发送失败" in response.json()["message"]


def test_a_locked_pending_institution_gets_the_lockout_page_not_its_status(client, settings):
    """The 正在审核中 answer proves the password right: once the pair is locked, it must not be given."""
    organisation = OrganisationFactory(pending_institution=True)
    UserFactory(username="jigou0001", organisation=organisation, is_active=False)
    right = {"username": "jigou0001", "password": DEFAULT_PASSWORD}
    assert "正在审核中" in client.post(LOGIN, right).content.decode()  # not locked: told why
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "jigou0001", "password": "wrong-Pass1!"})
    response = client.post(LOGIN, right)
    html = response.content.decode()
    assert response.status_code == 429
    assert "已暂时锁定" in html and "正在审核中" not in html


def test_a_wrong_password_of_a_pending_institution_is_counted_and_gets_the_plain_answer(client, settings):
    organisation = OrganisationFactory(pending_institution=True)
    UserFactory(username="jigou0001", organisation=organisation, is_active=False)
    html = client.post(LOGIN, {"username": "jigou0001", "password": "wrong-Pass1!"}).content.decode()
    assert "用户名或密码不正确" in html and "正在审核中" not in html
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(LOGIN, {"username": "jigou0001", "password": "wrong-Pass1!"})
    assert client.post(LOGIN, {"username": "jigou0001", "password": DEFAULT_PASSWORD}).status_code == 429
