import pytest

from accounts.sms.backends import locmem


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


def restore_migration_data(django_db_blocker):
    """Put the migrations' data (regions, Wagtail's root page, groups, ...) back after a module of
    transactional tests. Their teardown empties every table, and serialized_rollback reloads that
    data only at the *start* of the next such test; `--dist loadfile` orders files by size, not
    transactional last as pytest-django does, so an ordinary test may run next on this worker.
    Saving the serialized rows again is harmless when nothing was flushed (same keys)."""
    from django.db import connections

    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)
