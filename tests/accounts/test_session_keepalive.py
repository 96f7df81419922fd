"""继续保持登录: the keep-alive endpoint behind the session-expiry warning (static/js/session.js)."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.sessions import RENEWED_KEY
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/session/keepalive/"


def test_the_url_is_the_documented_one():
    assert reverse("session_keepalive") == URL


def test_an_expired_session_answers_401_json_not_the_login_page(client):
    response = client.post(URL)
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error": "登录已过期，请重新登录。"}


def test_only_post_is_allowed(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 405


def test_it_renews_the_session_even_within_the_minute_the_middleware_skips(client, settings):
    client.force_login(UserFactory())
    client.get(reverse("my_services"))
    # Pretend the session was renewed 30 seconds ago and will end 10 minutes from now: an ordinary
    # request now would not write it (portal/sessions.py renews once a minute).
    session = client.session
    session[RENEWED_KEY] = int(time.time()) - 30
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=10))
    client.get(reverse("my_services"))
    assert Session.objects.get().expire_date < timezone.now() + timedelta(minutes=11)

    response = client.post(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["expires_in"] == settings.SESSION_COOKIE_AGE
    expires_at = Session.objects.get().expire_date
    assert expires_at > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)
    assert abs(timezone.datetime.fromisoformat(body["expires_at"]) - expires_at) < timedelta(seconds=5)


def test_it_needs_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post(URL).status_code == 403
    html = client.get(reverse("my_services")).content.decode()
    token = html.split('data-csrf-token="', 1)[1].split('"', 1)[0]
    assert client.post(URL, {"csrfmiddlewaretoken": token}).json()["ok"] is True
    assert client.post(URL, HTTP_X_CSRFTOKEN=token).json()["ok"] is True


def test_pages_of_a_logged_in_user_carry_the_warning_and_visitors_do_not(client, settings):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "session-dialog" not in html and "js/session.js" not in html

    client.force_login(UserFactory())
    html = client.get(reverse("my_services")).content.decode()
    assert 'id="session-dialog"' in html and "js/session.js" in html
    lifetime = settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS
    assert f'data-session-seconds="{lifetime}"' in html
    assert f'data-keepalive-url="{URL}"' in html
    assert "您的登录即将过期" in html and "继续保持登录" in html
    # After expiry: a way back to the same page.
    assert "/accounts/login/?next=/accounts/my/" in html
