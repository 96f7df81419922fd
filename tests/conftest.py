import pytest

from accounts.sms.backends import locmem
from tests.support.accounts import verify_staff_session


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in zh-hans: a request in English leaves English active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's database setup, with the serialized copy of the migration data (regions,
    Wagtail's root page, groups) visible from every context.

    Django keeps connections per context (asgiref Local), and Playwright's sync API runs the
    browser tests in another one, where the connection object lacks the instance attribute
    Django stored the copy in: serialized rollback then silently restores nothing. A class
    attribute is seen by every connection object."""
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _fresh_working_day_cache():
    # A rolled-back test sends no post_delete signal, so 工作日历 rows of one test could stay in
    # the per-process cache for the next one.
    from workflows.working_days import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def _otp_verified_force_login(monkeypatch):
    """Staff must pass a TOTP second factor (STAFF_2FA_REQUIRED, on in tests). A test that logs a
    user in with the test client's `force_login` means "this user is logged in", so for a user who
    can reach the admin it also verifies the session (`verify_staff_session`). Tests of the second
    factor itself (tests/security/test_staff_2fa.py) override this fixture to get plain sessions;
    real logins (browser journeys) enter a real code."""
    from django.test import Client

    from accounts.two_factor import policy

    plain_force_login = Client.force_login

    def force_login(self, user, backend=None):
        plain_force_login(self, user, backend)
        if policy.can_access_admin(user):
            verify_staff_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    yield
