"""Two registrations at once on PostgreSQL, in two threads (outside review finding 11, docs/security.md):
the database's case-insensitive unique username decides, and the loser gets the form's message.

A module of its own: the test commits for real (transactional), which empties every table at its
end; the module's teardown puts the migrations' data back (tests/support/database.py says why)."""

import threading

import pytest
from django.db import connection

from accounts import forms
from accounts.models import OrganisationKind, Region
from tests.support.accounts import individual_data, sms_code_for
from tests.support.database import restore_migration_data

User = forms.User

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once need PostgreSQL"),
]


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_blocker):
    yield
    if connection.vendor == "postgresql":  # elsewhere the module is skipped: nothing was flushed
        restore_migration_data(django_db_blocker)


def test_two_threads_registering_racecase_and_racecase_only_one_wins():
    from accounts import services

    data = [individual_data(1, username="RaceCase"), individual_data(2, username="racecase")]
    for item in data:
        item["sms_code"] = sms_code_for(item["mobile"])
        item["region"] = Region.objects.get(code=item["county"])  # what the form's clean gives the service
    barrier, results = threading.Barrier(2), []

    def register(item):
        try:
            barrier.wait()
            services.register_applicant(OrganisationKind.INDIVIDUAL, item)
            results.append("ok")
        except services.DuplicateRegistration as error:
            results.append(error.errors)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(item,)) for item in data]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == sorted(["ok", {"username": "该用户名已被注册，请换一个。"}], key=str)
    assert User.objects.filter(username__iexact="racecase").count() == 1
