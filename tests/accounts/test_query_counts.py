"""Queries per page stay bounded (they do not depend on machine speed, unlike timings)."""

import pytest
from django.urls import reverse

from tests.support.accounts import enterprise_data
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "accounts:register",
        "accounts:user_type_guide",
        "accounts:register_enterprise",
        "accounts:register_individual",
        "accounts:login",
        "accounts:password_reset",
    ],
)
def test_public_account_pages(client, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(4):
        assert client.get(reverse(url)).status_code == 200


def test_redisplayed_registration_form(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.post(reverse("accounts:register_enterprise"), enterprise_data(name=""))
    assert response.status_code == 200


def test_my_services(client, django_assert_max_num_queries):
    client.force_login(UserFactory())
    with django_assert_max_num_queries(7):  # + the catalogue page for 在线办理
        assert client.get(reverse("my_services")).status_code == 200


def test_complete_region(client, django_assert_max_num_queries):
    from tests.support.factories import OrganisationFactory

    client.force_login(UserFactory(organisation=OrganisationFactory(individual=True, region=None)))
    with django_assert_max_num_queries(5):
        assert client.get(reverse("accounts:complete_region")).status_code == 200


def test_region_children(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get(reverse("accounts:region_children", args=["330000"]))
