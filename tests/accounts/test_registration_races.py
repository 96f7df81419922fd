"""Uniqueness held by the database, not only by the form (outside review finding 11, docs/security.md).

The form's checks run before the save; a second registration landing in between must still be
refused, with the same message the form would have given.
"""

import importlib

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import forms
from accounts.models import Organisation, OrganisationKind
from tests.support.accounts import individual_data, sms_code_for
from tests.support.factories import OrganisationFactory, UserFactory, make_id_number

REGISTER = reverse("accounts:register_individual")
User = forms.User


def _post(client, data):
    data = dict(data, sms_code=sms_code_for(data["mobile"]))
    return client.post(REGISTER, data)


def _individual(username, id_number, mobile):
    organisation = OrganisationFactory(individual=True, contact_id_number=id_number)
    return UserFactory(username=username, mobile=mobile, id_number=id_number, organisation=organisation)


@pytest.mark.django_db
def test_username_differing_only_in_case_is_refused(client):
    UserFactory(username="RaceCase")
    response = _post(client, individual_data(1, username="racecase"))
    assert response.status_code == 200 and "该用户名已被注册，请换一个。" in response.content.decode()


@pytest.mark.django_db
def test_database_refuses_usernames_differing_only_in_case():
    UserFactory(username="RaceCase")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="racecase")


@pytest.mark.django_db
def test_database_refuses_two_individuals_with_one_id_number():
    _individual("geren0001", make_id_number(501), "13600000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(individual=True, contact_id_number=make_id_number(501))
    # Enterprises' contacts may share an ID number (one person is contact of several companies).
    OrganisationFactory(contact_id_number=make_id_number(501))
    OrganisationFactory(contact_id_number=make_id_number(501))


def _race(monkeypatch, competitor):
    """The competitor's row is written after the form's checks passed, just before our save."""
    real = forms.IndividualRegistrationForm._post_clean_password

    def late(form):
        real(form)
        competitor()

    monkeypatch.setattr(forms.IndividualRegistrationForm, "_post_clean_password", late)


@pytest.mark.django_db
def test_race_on_username_case_gets_the_forms_message(client, monkeypatch):
    _race(monkeypatch, lambda: UserFactory(username="RaceCase"))
    response = _post(client, individual_data(1, username="racecase"))
    html = response.content.decode()
    assert response.status_code == 200 and "该用户名已被注册，请换一个。" in html
    assert not User.objects.filter(username="racecase").exists()


@pytest.mark.django_db
def test_race_on_individual_id_number_gets_the_forms_message(client, monkeypatch):
    id_number = make_id_number(501)
    _race(monkeypatch, lambda: _individual("other0001", id_number, "13600009999"))
    response = _post(client, individual_data(1, id_number=id_number))
    html = response.content.decode()
    assert response.status_code == 200 and "该身份证号码已注册个人账号，请直接登录。" in html
    assert not User.objects.filter(username="geren0001").exists()
    assert Organisation.objects.filter(kind=OrganisationKind.INDIVIDUAL, contact_id_number=id_number).count() == 1


@pytest.mark.django_db
def test_registration_stores_the_individuals_id_number_on_the_organisation(client):
    data = individual_data(1)
    assert _post(client, data).status_code == 302
    user = User.objects.get(username=data["username"])
    assert user.organisation.contact_id_number == data["id_number"] == user.id_number


# --- the migration reports duplicates already in the table instead of failing on the constraint ---


def _migration():
    return importlib.import_module("accounts.migrations.0004_unique_username_and_individual_id_number")


def test_migration_report_lists_existing_duplicates_with_masked_id_numbers():
    id_number = make_id_number(777)
    report = _migration().duplicates_report(
        usernames=[(1, "RaceCase"), (2, "racecase"), (3, "geren0001")],
        individuals=[(10, id_number, ["geren0001"]), (11, id_number.lower(), ["geren0002"]), (12, "", ["x"])],
    )
    assert "RaceCase" in report and "racecase" in report and "geren0001" in report
    assert id_number not in report and "110105********" + id_number[-4:] in report
    assert "10" in report and "11" in report and "geren0002" in report
    assert "manage.py migrate" in report
    assert (
        _migration().duplicates_report(usernames=[(1, "a"), (2, "b")], individuals=[(10, "", []), (11, "", [])]) == ""
    )
