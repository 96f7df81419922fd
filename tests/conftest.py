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
