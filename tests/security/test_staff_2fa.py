"""Staff log in with password + TOTP code (GB/T 22239-2019 level 3, privileged users; ASVS 2.8):
enrolment, verification, where it applies, throttling, logout; applicants are not affected."""

import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import policy
from tests.support.builders import make_catalogue
from tests.support.factories import DEFAULT_PASSWORD, UserFactory
from tests.support.workflow_builders import application_in, make_parties
from workflows.models import ApplicationState

pytestmark = pytest.mark.django_db

VERIFY = reverse("staff_2fa:verify")
ENROL = reverse("staff_2fa:enrol")
ADMIN = reverse("wagtailadmin_home")


@pytest.fixture(autouse=True)
def _otp_verified_force_login():
    """Overrides tests/conftest.py's fixture: here force_login gives a password-only session."""
    yield


def code(device, step_offset=0):
    """What the authenticator app shows now (or `step_offset` 30-second steps later)."""
    return f"{totp(device.bin_key, drift=step_offset):06d}"


def device_for(user):
    return TOTPDevice.objects.create(user=user, name=policy.CONFIRMED_DEVICE_NAME, confirmed=True)


def after_throttle_delay(device):
    """Move the last failure far enough back that the device accepts codes again."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
    )


@pytest.fixture
def staff():
    return UserFactory(username="staff01", is_staff=True, is_superuser=True, organisation=None)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_without_a_device_are_sent_to_enrolment_and_confirm_with_a_first_code(staff_client, staff):
    response = staff_client.get(ADMIN)
    assert response.status_code == 302 and response.url == f"{ENROL}?next={quote(ADMIN)}"

    page = staff_client.get(response.url)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = policy.base32_secret(device)
    assert "设置两步验证" in html and secret in html and "<svg" in html and "<path" in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    # Reloading keeps the secret just scanned.
    assert secret in staff_client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=staff).count() == 1

    wrong = staff_client.post(ENROL, {"token": "000000" if code(device) != "000000" else "111111", "next": ADMIN})
    assert wrong.status_code == 200 and "动态验证码不正确或已过期，请重新输入。" in wrong.content.decode()
    assert not policy.confirmed_device(staff)
    assert staff_client.get(ADMIN).status_code == 302

    after_throttle_delay(device)
    right = staff_client.post(ENROL, {"token": code(device), "next": ADMIN})
    assert right.status_code == 302 and right.url == ADMIN
    assert policy.confirmed_device(staff).pk == device.pk
    assert staff_client.get(ADMIN).status_code == 200
    # With a confirmed device, enrolment is closed: a password alone cannot add another phone.
    staff_client.logout()
    staff_client.force_login(staff)
    assert staff_client.get(ENROL).url.startswith(VERIFY)


def test_code_format_is_checked_with_a_chinese_message(staff_client, staff):
    device_for(staff)
    for token, message in [("", "请输入身份验证器显示的6位动态验证码。"), ("12ab56", "动态验证码为6位数字。")]:
        response = staff_client.post(VERIFY, {"token": token})
        assert response.status_code == 200 and message in response.content.decode()


def admin_urls(parties):
    submitted = application_in(ApplicationState.SUBMITTED, parties)
    return [
        ADMIN,
        reverse("licensing:index"),
        reverse("licensing:index_results"),
        reverse("licensing:detail", args=[submitted.pk]),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailadmin_account"),
        "/admin/no-such-screen/",
    ], submitted


def test_an_unverified_staff_session_gets_the_verify_page_for_every_admin_url(client):
    parties = make_parties(make_catalogue())
    urls, submitted = admin_urls(parties)
    for user in (parties.authority, parties.review_body, parties.editor):
        device_for(user)
        client.force_login(user)
        for url in [*urls, reverse("applications:detail", args=[submitted.uuid]), "/"]:
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert response.url == f"{VERIFY}?next={quote(url)}", (user, url)
        # Posts too: an action cannot be taken with the password alone.
        response = client.post(reverse("licensing:index"), {})
        assert response.status_code == 302 and response.url.startswith(VERIFY)
        client.logout()


def test_the_right_code_opens_the_admin_and_the_licensing_queue(client):
    parties = make_parties(make_catalogue())
    officer = parties.authority
    device = device_for(officer)
    client.force_login(officer)
    queue = reverse("licensing:index")
    assert client.get(queue).url == f"{VERIFY}?next={quote(queue)}"

    page = client.get(VERIFY, {"next": queue})
    assert page.status_code == 200 and "两步验证" in page.content.decode()
    wrong = client.post(VERIFY, {"token": "000000" if code(device) != "000000" else "111111", "next": queue})
    assert "动态验证码不正确或已过期，请重新输入。" in wrong.content.decode()
    assert client.get(queue).status_code == 302

    after_throttle_delay(device)
    response = client.post(VERIFY, {"token": code(device), "next": queue})
    assert response.status_code == 302 and response.url == queue
    assert client.get(queue).status_code == 200
    assert client.get(ADMIN).status_code == 200
    # Verified already: the page sends the user on.
    assert client.get(VERIFY).url == ADMIN


def test_a_code_is_used_once(client, staff):
    device = device_for(staff)
    client.force_login(staff)
    token = code(device)
    assert client.post(VERIFY, {"token": token}).status_code == 302
    client.logout()
    client.force_login(staff)
    replay = client.post(VERIFY, {"token": token})
    assert replay.status_code == 200 and "动态验证码不正确" in replay.content.decode()


def test_next_stays_on_this_site(staff_client, staff):
    device = device_for(staff)
    response = staff_client.post(VERIFY, {"token": code(device), "next": "https://evil.example/admin/"})
    assert response.url == ADMIN


def test_throttling_after_wrong_codes(staff_client, staff):
    device = device_for(staff)
    wrong = "000000" if code(device) != "000000" else "111111"
    assert "动态验证码不正确" in staff_client.post(VERIFY, {"token": wrong}).content.decode()
    # Right after a wrong code, even the right one is refused: 1, 2, 4, ... seconds between tries.
    throttled = staff_client.post(VERIFY, {"token": code(device)}).content.decode()
    assert "动态验证码错误次数过多，请" in throttled and "秒后再试" in throttled
    for _ in range(3):
        after_throttle_delay(device)
        staff_client.post(VERIFY, {"token": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count == 4
    allowed, details = device.verify_is_allowed()
    assert not allowed and (details["locked_until"] - device.throttling_failure_timestamp).total_seconds() == 8
    assert "请 8 秒后再试" in staff_client.post(VERIFY, {"token": code(device)}).content.decode()
    assert staff_client.get(ADMIN).status_code == 302

    # Once the delay is over the right code works, and the count starts again.
    after_throttle_delay(device)
    assert staff_client.post(VERIFY, {"token": code(device)}).url == ADMIN
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_logout_clears_the_verification(client, staff):
    device = device_for(staff)
    login = reverse("wagtailadmin_login")
    response = client.post(login, {"username": staff.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get(ADMIN).url.startswith(VERIFY)
    client.post(VERIFY, {"token": code(device)})
    assert client.get(ADMIN).status_code == 200

    client.post(reverse("wagtailadmin_logout"))
    client.post(login, {"username": staff.username, "password": DEFAULT_PASSWORD})
    assert client.get(ADMIN).url.startswith(VERIFY)
    # The next step's code, as the app shows it 30 seconds later (the first one is spent).
    client.post(VERIFY, {"token": code(device, step_offset=1)})
    assert client.get(ADMIN).status_code == 200


def test_staff_logging_in_on_the_portal_page_get_the_second_factor_too(client, staff):
    device_for(staff)
    response = client.post(reverse("accounts:login"), {"username": staff.username, "password": DEFAULT_PASSWORD})
    assert response.url == ADMIN
    assert client.get(ADMIN).url.startswith(VERIFY)


def test_a_group_granted_admin_access_needs_the_second_factor_without_the_staff_flag(client):
    parties = make_parties(make_catalogue())
    officer = parties.authority
    officer.is_staff = False
    officer.save()
    assert officer.has_perm("wagtailadmin.access_admin")
    client.force_login(officer)
    assert client.get(ADMIN).url.startswith(ENROL)


def test_applicants_are_not_affected(client):
    parties = make_parties(make_catalogue())
    applicant = parties.applicant
    submitted = application_in(ApplicationState.SUBMITTED, parties)
    client.force_login(applicant)
    assert client.get(reverse("my_services")).status_code == 200
    assert client.get(reverse("applications:detail", args=[submitted.uuid])).status_code == 200
    # The admin turns them away as before (its login page), never to a 2FA page; those do not exist for them.
    response = client.get(ADMIN)
    assert response.status_code == 302 and not response.url.startswith("/admin/2fa/")
    assert client.get(VERIFY).status_code == 404
    assert client.get(ENROL).status_code == 404
    assert not TOTPDevice.objects.exists()
    assert policy.SESSION_FLAG not in client.session


def test_anonymous_visitors_go_to_the_admin_login(client):
    response = client.get(VERIFY)
    assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))


def test_the_setting_switches_it_off(client, staff, settings):
    settings.STAFF_2FA_REQUIRED = False
    client.force_login(staff)
    assert client.get(ADMIN).status_code == 200


def test_the_setting_is_on_in_tests_and_by_default():
    from django.conf import settings

    from portal.settings import base

    assert settings.STAFF_2FA_REQUIRED is True
    assert base.STAFF_2FA_REQUIRED is True  # no STAFF_2FA_REQUIRED in the test environment


def test_force_login_in_other_tests_verifies_staff(client, staff, request):
    """The conftest helper the rest of the suite relies on: a staff session it verified opens the admin."""
    from tests.support.accounts import verify_staff_session

    client.force_login(staff)
    device = verify_staff_session(client, staff)
    assert device.confirmed and device.user == staff
    assert client.get(ADMIN).status_code == 200


def test_a_lost_phone_is_reset_by_the_administrator(client, staff):
    from io import StringIO

    from django.core.management import CommandError, call_command

    device = device_for(staff)
    client.force_login(staff)
    client.post(VERIFY, {"token": code(device)})
    assert client.get(ADMIN).status_code == 200

    out = StringIO()
    call_command("reset_staff_2fa", staff.username, stdout=out)
    assert "已删除 staff01 的 1 个身份验证器设备" in out.getvalue()
    # The session verified with the lost phone is verified no more; the next step is a new enrolment.
    assert client.get(ADMIN).url.startswith(ENROL)
    with pytest.raises(CommandError, match="没有用户名"):
        call_command("reset_staff_2fa", "nobody", stdout=StringIO())


def test_admin_logout_by_get_touches_nothing_and_by_post_ends_the_server_session(client, staff):
    """A cross-site link to /admin/logout/ must not log staff out (nor half: cookie gone, session alive)."""
    from django.conf import settings
    from django.contrib.sessions.models import Session

    device = device_for(staff)
    client.post(reverse("wagtailadmin_login"), {"username": staff.username, "password": DEFAULT_PASSWORD})
    client.post(VERIFY, {"token": code(device)})
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    logout = reverse("wagtailadmin_logout")

    response = client.get(logout)
    assert response.status_code == 405
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # no Set-Cookie, not even a deleting one
    assert Session.objects.filter(session_key=session_key).exists()
    assert client.get(ADMIN).status_code == 200

    response = client.post(logout)
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    # Replaying the old cookie opens nothing.
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert client.get(ADMIN).url.startswith(reverse("wagtailadmin_login"))


def test_wagtails_email_password_reset_is_switched_off(client, staff):
    """Staff passwords are reset by an administrator (docs/operations.md), applicants' by SMS: no third way."""
    from django.core import mail

    start = "/admin/password_reset/"
    assert client.get(start).status_code == 404
    assert client.post(start, {"email": staff.email}).status_code == 404
    assert mail.outbox == []
    for path in ("done/", "complete/", "confirm/MQ/abc-def/"):
        assert client.get(start + path).status_code == 404
    assert "password_reset" not in client.get(reverse("wagtailadmin_login")).content.decode()
