"""Access-control matrix (OWASP ASVS 4.0 V4.1/V4.2, GB/T 22239-2019 8.1.4.2 access control).

Every URL pattern of the site, read from Django's resolver, is checked for every role: anonymous,
the owner (applicant), another enterprise, the application's authority, another province's
authority, SAMR, the entrusted review body, another review body and a content editor.

- Our own URLs (portal, 许可申请办理, 单位管理, 工作日历, the form-schema snippet, the CMS pages)
  have an entry in EXPECTED (tests/support/access_matrix.py): how to fill the URL from the fixture
  world and the answer each role gets (tokens of tests/support/matrix.py). Outsiders also POST
  empty data to them, and nothing may change.
- Wagtail's and Django's own admin URLs follow a rule per role: anonymous users and applicants
  never get in (admin login, 404 or 405), staff never get a 500, no role (none is a superuser)
  reaches user, group, site, settings, redirect or collection management.
- A URL that is neither in EXPECTED, nor in a third-party namespace, nor in SKIPPED fails
  test_every_url_is_classified: a new URL needs an entry before it ships.
"""

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import Organisation
from forms_config.models import ApplicationFormSchema
from tests.support.access_matrix import (
    APPLICANTS,
    EXPECTED,
    MANAGEMENT_NAMESPACES,
    REFUSED,
    ROUTES,
    SKIPPED,
    THIRD_PARTY_PUBLIC,
    UNNAMED,
    classify,
    expect,
    matrix_size,
)
from tests.support.accounts import verify_staff_session
from tests.support.matrix import generic_values, own_values, token
from tests.support.url_map import build_url
from tests.support.world import ROLES, build_world
from workflows.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    CalendarDay,
    Document,
    Notification,
    RectificationRequest,
    ReviewAppointment,
)


def test_every_url_is_classified():
    unclassified = sorted(key for key, route in ROUTES.items() if classify(route) is None)
    assert not unclassified, (
        f"URLs without an access-matrix entry (add them to EXPECTED in tests/support/access_matrix.py): {unclassified}"
    )
    stale = sorted((set(EXPECTED) | set(SKIPPED) | set(UNNAMED)) - set(ROUTES))
    assert not stale, f"entries for URLs that no longer exist: {stale}"
    urls, pairs, skipped = matrix_size()
    print(f"access matrix: {urls} URL patterns × {len(ROLES)} roles, {pairs} pairs checked, {skipped} skipped")


# --- the fixture world, built once for the module -------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once (a few seconds); every test runs in a savepoint of this transaction (pytest-django's
    `db`), so a request that changes something is rolled back before the next URL."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            built.clients = {}
            for role in ROLES:
                client = Client()
                if role != "anonymous":
                    # Function-scoped conftest fixtures (the 2FA-verifying force_login) are not
                    # active yet in a module fixture: verify staff sessions here, as a real TOTP
                    # login does.
                    client.force_login(built.user(role))
                    if built.user(role).is_staff:
                        verify_staff_session(client, built.user(role))
                built.clients[role] = client
            yield built
            transaction.set_rollback(True)


def snapshot():
    """What an outsider's POST must not change."""
    return (
        sorted(Application.objects.values_list("pk", "state", "data")),
        ApplicationEvent.objects.count(),
        ApplicationAttachment.objects.count(),
        Document.objects.count(),
        ReviewAppointment.objects.count(),
        sorted(RectificationRequest.objects.values_list("pk", "reported_at", "confirmed_at")),
        Notification.objects.filter(read_at__isnull=False).count(),
        sorted(Organisation.objects.values_list("pk", "approval_status")),
        CalendarDay.objects.count(),
        sorted(ApplicationFormSchema.objects.values_list("pk", "live_revision_id")),
    )


def own_urls(world, key):
    route, own = ROUTES[key], EXPECTED[key]
    if own.cases:
        return {label: build_url(route, values(world)) for label, values in own.cases.items()}
    values = own.values(world) if own.values else own_values(world, key, own.state)
    return {"": build_url(route, values)}


def matches(expected, got):
    """Equal, or for an expectation ending in "*" (a redirect to a URL with an id), a prefix."""
    return got == expected or (expected.endswith("*") and got.startswith(expected[:-1]))


def answer(client, method, url):
    try:
        return token(getattr(client, method)(url))
    except Exception as error:  # an exception is a 500 for the user: name it in the failure
        return f"500 ({type(error).__name__}: {error})"


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(key for key, route in ROUTES.items() if classify(route) == "own"))
def test_own_url(world, key):
    own = EXPECTED[key]
    wrong = []
    for label, url in own_urls(world, key).items():
        expected = own.expected
        if label == "missing":
            expected = expect("404")
        for role in ROLES:
            got = answer(world.clients[role], "get", url)
            if not matches(expected[role], got):
                wrong.append(f"GET {url} as {role}: expected {expected[role]}, got {got}")
        if not own.post:
            continue
        before = snapshot()
        for role in own.outsiders(expected):
            got = answer(world.clients[role], "post", url)
            if got not in REFUSED:
                wrong.append(f"POST {url} as {role}: expected a refusal, got {got}")
        if snapshot() != before:
            wrong.append(f"POST {url} by outsiders changed data")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(key for key, route in ROUTES.items() if classify(route) == "third_party"))
def test_third_party_url(world, key):
    route = ROUTES[key]
    url = UNNAMED.get(key) or build_url(route, generic_values(world, route))
    public = route.name in THIRD_PARTY_PUBLIC
    management = route.namespace in MANAGEMENT_NAMESPACES
    wrong = []
    for role in ROLES:
        got = answer(world.clients[role], "get", url)
        if got.startswith("5"):
            wrong.append(f"GET {url} as {role}: {got}")
        elif role in ("anonymous", *APPLICANTS) and not public and got not in ("admin_login", "404", "405"):
            wrong.append(f"GET {url} as {role}: expected admin_login, 404 or 405, got {got}")
        elif management and got == "200":
            wrong.append(f"GET {url} as {role}: a management screen answered 200")
    assert not wrong, "\n".join(wrong)
