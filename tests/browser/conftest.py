"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright for Python.

Never a downloaded browser build: the tests are skipped with a reason when chromium is absent,
and `make test` / .ci/run install it from Debian's packages.
"""

import os
import shutil

import pytest

from tests.browser.axe import AxeAudit
from tests.support.database import restore_migration_data

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
# it (reading the SMS outbox, checking rows) are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            # A plain transactional test's flush re-creates content types through post_migrate,
            # which then clash with a serialized-rollback test's restore: use one kind only.
            marker = item.get_closest_marker("django_db")
            assert marker is not None and marker.kwargs.get("serialized_rollback"), (
                f"{item.nodeid}: browser tests need django_db(transaction=True, serialized_rollback=True)"
            )
            # The journeys are one module, which `--dist loadfile` gives to one xdist worker: one
            # Chromium at a time. (`--dist loadgroup` does not group any more: pytest 9 derives
            # nodeid from Node._id and ignores the `@group` suffix xdist 3.8 writes to _nodeid.)
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_blocker):
    # The journeys are transactional: leave the migration data for whatever runs next here.
    yield
    restore_migration_data(django_db_blocker)


AXE_AUDIT = AxeAudit()


class AuditedBrowser:
    """The browser, with axe-core attached to every context a test opens (tests/browser/axe.py)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        return AXE_AUDIT.attach(self._browser.new_context(**kwargs))

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # In the call phase, so a serious violation fails the test itself (not its teardown).
    AXE_AUDIT.violations = []  # nothing left over from an earlier test's teardown
    try:
        result = yield
    except BaseException:
        AXE_AUDIT.discard()
        raise
    if "tests/browser/" in str(item.fspath) and AXE_AUDIT.contexts:
        violations = AXE_AUDIT.finish_test()
        if violations:
            pytest.fail(
                f"axe-core: {len(violations)} accessibility violation(s)"
                " (serious, critical, or a portal structure rule)\n" + "\n".join(str(v) for v in violations),
                pytrace=False,
            )
    return result


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield AuditedBrowser(browser)
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def regions(transactional_db):
    """The regions the migration loaded. Browser tests are transactional with serialized rollback
    (every module's pytestmark), which restores migration data such as regions, Wagtail's root
    page and groups before each test; this is a guard for a test that runs without it."""
    from accounts.models import Region
    from accounts.regions import load_regions

    if not Region.objects.exists():
        load_regions(Region)
