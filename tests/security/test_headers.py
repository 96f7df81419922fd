"""Response headers, cookies, sessions and the no-inline-script rule (ASVS 3.4, 14.4; GB/T 22239 8.1.4).

The settings under test are the real ones: base.py for every environment, production.py (loaded
here with the environment variables it requires) for HSTS and secure cookies.
"""

import importlib
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.support.builders import ApplicationFactory, make_catalogue
from tests.support.factories import DEFAULT_PASSWORD, UserFactory
from tests.support.http import csp

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60 + "-a-long-random-production-key-for-the-deploy-check",
    "ALLOWED_HOSTS": "tsxk.example.gov.cn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "SMS_BACKEND": "accounts.sms.backends.console.ConsoleBackend",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "WAGTAILADMIN_BASE_URL": "https://xuke.example.gov.cn",
}


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert "'unsafe-eval'" not in policy["script-src"]
    return policy


def assert_strict_scripts(policy):
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]


# --- headers on the three kinds of response ---


def test_portal_page_headers(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_strict_scripts(assert_common_headers(response))


def test_portal_page_of_a_logged_in_applicant_has_the_strict_policy(client):
    client.force_login(UserFactory())
    response = client.get(reverse("my_services"))
    assert response.status_code == 200
    assert_strict_scripts(assert_common_headers(response))


def test_json_endpoint_headers(client):
    response = client.get(reverse("accounts:region_children", args=["320000"]))
    assert response["Content-Type"] == "application/json"
    assert_strict_scripts(assert_common_headers(response))


def test_admin_login_page_headers(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    policy = assert_common_headers(response)
    # Scripts as strict as the portal's (tests/security/test_admin_csp.py: no inline script left).
    assert policy["script-src"] == ["'self'"]
    # The one documented exception: Wagtail's admin uses inline style attributes and blob: previews.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]


def test_logged_in_admin_pages_allow_no_inline_script(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))  # OTP-verified by conftest
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_explore_root")):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = assert_common_headers(response)
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-inline'" not in policy["default-src"]


def test_no_policy_allows_inline_scripts():
    # The settings themselves, for every area: the portal's directives and what the admin adds.
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert "script-src" not in settings.CSP_ADMIN_EXTRA_SOURCES
    assert "default-src" not in settings.CSP_ADMIN_EXTRA_SOURCES


def test_pdf_response_headers(client):
    user = UserFactory()
    application = ApplicationFactory(user=user, levels=[make_catalogue()["D"]])
    client.force_login(user)
    response = client.get(reverse("applications:print", args=[application.uuid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert_strict_scripts(assert_common_headers(response))


# --- production: HTTPS only, secure cookies ---


@pytest.fixture
def production(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    sys.modules.pop("portal.settings.production", None)
    module = importlib.import_module("portal.settings.production")
    sys.modules.pop("portal.settings.production", None)
    return module


def test_production_sends_hsts_and_secure_cookie_flags(client, production):
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS",
        "CONTENT_SECURITY_POLICY",
    ]
    assert production.SECURE_SSL_REDIRECT is True and production.SECURE_HSTS_SECONDS >= 31536000
    UserFactory(username="qiye0001")
    with override_settings(**{name: getattr(production, name) for name in names}):
        plain = client.get(reverse("accounts:login"))
        assert "Strict-Transport-Security" not in plain  # HSTS only over HTTPS, as the standard says
        response = client.post(
            reverse("accounts:login"), {"username": "qiye0001", "password": DEFAULT_PASSWORD}, secure=True
        )
        assert response.status_code == 302
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert session_cookie["secure"] and session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
        csrf_cookie = response.cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies[settings.CSRF_COOKIE_NAME]
        assert csrf_cookie["secure"]


def test_production_refuses_to_start_without_its_environment(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    for name in PRODUCTION_ENV:
        monkeypatch.delenv(name, raising=False)
    sys.modules.pop("portal.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        importlib.import_module("portal.settings.production")
    sys.modules.pop("portal.settings.production", None)


def test_check_deploy_is_clean():
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings.production"}
    env.pop("REDIS_URL", None)
    # Set by the browser suite's conftest when it shares this worker; never in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# --- sessions: idle timeout ---


def idle_for(minutes):
    """As if the session's last renewal were `minutes` ago (portal.sessions keeps its time)."""
    from django.contrib.sessions.backends.db import SessionStore

    from portal.sessions import RENEWED_KEY

    session = Session.objects.get()
    data = SessionStore().decode(session.session_data)
    data[RENEWED_KEY] = int(time.time()) - minutes * 60
    Session.objects.filter(pk=session.pk).update(
        session_data=SessionStore().encode(data),
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - minutes * 60),
    )


def test_session_ends_after_30_idle_minutes_and_each_request_renews_it(client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_RENEW_SECONDS == 60
    client.force_login(UserFactory())
    my = reverse("my_services")
    assert client.get(my).status_code == 200
    # Activity renews the expiry: 29 idle minutes later the next request still works and pushes it on.
    idle_for(29)
    assert client.get(my).status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)
    # After the idle time the session is gone: back to the login page.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(my)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_request_within_a_minute_of_the_last_renewal_writes_no_session(client, django_assert_max_num_queries):
    client.force_login(UserFactory())
    my = reverse("my_services")
    client.get(my)
    before = Session.objects.get().expire_date
    with django_assert_max_num_queries(20) as queries:
        assert client.get(my).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get().expire_date == before
    # A minute on, the next request renews it.
    idle_for(1)
    client.get(my)
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29, seconds=50)


def test_an_anonymous_visit_creates_no_session(client):
    client.get(reverse("accounts:login"))
    client.get("/")
    assert not Session.objects.exists()


# --- no inline scripts in our templates ---

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\s(on[a-z]+)\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


SKIPPED_FOLDERS = {".venv", "var", "node_modules", ".git"}


def template_files():
    # templates/ and any app's own templates folder, however deep (not the virtualenv's packages).
    folders = [
        folder
        for folder in ROOT.rglob("templates")
        if folder.is_dir() and not SKIPPED_FOLDERS & set(folder.relative_to(ROOT).parts)
    ]
    files = sorted({p for folder in folders for p in folder.rglob("*.html")})
    assert len(files) > 20  # the scan really found the templates
    return files


def inline_script_problems(text):
    problems = []
    for attributes, body in SCRIPT_TAG.findall(text):
        if re.search(r"\bsrc\s*=", attributes):
            if body.strip():
                problems.append("a <script src> with a body")
            continue
        if re.search(r"""\btype\s*=\s*["']application/(ld\+)?json["']""", attributes):
            continue  # data, never executed (what json_script writes)
        problems.append(f"inline <script{attributes}>")
    problems += [f"event handler attribute {name}" for name in EVENT_HANDLER.findall(text)]
    problems += ["javascript: URL" for _ in JS_URL.findall(text)]
    return problems


def test_no_template_has_inline_scripts_or_event_handlers():
    found = {
        str(path.relative_to(ROOT)): problems
        for path in template_files()
        if (problems := inline_script_problems(path.read_text(encoding="utf-8")))
    }
    assert found == {}


def test_the_scan_catches_what_it_should():
    assert inline_script_problems("<script>alert(1)</script>")
    assert inline_script_problems('<button onclick="go()">x</button>')
    assert inline_script_problems('<a href="javascript:void(0)">x</a>')
    assert not inline_script_problems('<script src="/static/js/register.js" defer></script>')
    assert not inline_script_problems('<script id="data" type="application/json">{"a": 1}</script>')


def test_rendered_portal_pages_have_no_inline_scripts(client):
    pages = [reverse("accounts:login"), reverse("accounts:register"), reverse("accounts:register_enterprise")]
    pages.append(reverse("accounts:password_reset"))
    for url in pages:
        html = client.get(url).content.decode()
        assert inline_script_problems(html) == [], url
