"""许可证查询 and the API's licences/verify/ share one allowance (workflows.verification.check_lookup_allowed):
per client IP and per organisation, whichever door a lookup comes through, so neither a new API
token nor switching between the page and the API gives a fresh allowance to walk the register."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.support.api import api_client, make_token
from tests.support.factories import make_uscc

VERIFY_API = reverse("api:licence_verify")
VERIFY_PAGE = reverse("verify_license")


@pytest.fixture
def limits(settings):
    settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_IP = 3
    settings.LICENSE_VERIFY_DAILY_LIMIT_PER_IP = 0
    settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_ORGANISATION = 3
    settings.LICENSE_VERIFY_DAILY_LIMIT_PER_ORGANISATION = 0
    return settings


def api_lookup(secret, n, ip="127.0.0.1"):
    return api_client(secret).get(VERIFY_API, {"credit_code": make_uscc(n)}, REMOTE_ADDR=ip)


def assert_refused(response):
    assert response.status_code == 429, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "lookup_limited"
    assert "分钟后再试" in body["detail"]
    assert int(response["Retry-After"]) > 0
    return body


def test_the_page_and_the_api_share_the_allowance_of_an_ip(parties, limits):
    _token, secret = make_token(parties.applicant)
    for n in range(3):
        assert Client().get(VERIFY_PAGE, {"credit_code": make_uscc(n)}).status_code == 200
    body = assert_refused(api_lookup(secret, 10))
    assert "您所在网络" in body["detail"]
    # Another client address is not held back.
    assert api_lookup(secret, 11, ip="10.9.8.7").status_code == 200


def test_the_api_uses_up_the_page_s_allowance_too(parties, limits):
    _token, secret = make_token(parties.applicant)
    assert [api_lookup(secret, n).status_code for n in range(3)] == [200, 200, 200]
    response = Client().get(VERIFY_PAGE, {"credit_code": make_uscc(9)})
    assert response.status_code == 429
    assert "您所在网络查询许可证过于频繁" in response.content.decode()


def test_a_new_token_of_the_same_organisation_gets_no_fresh_allowance(parties, limits):
    limits.LICENSE_VERIFY_HOURLY_LIMIT_PER_IP = 0  # only the organisation's allowance counts here
    _token, first = make_token(parties.applicant)
    assert [api_lookup(first, n, ip=f"10.0.0.{n + 1}").status_code for n in range(3)] == [200, 200, 200]
    assert_refused(api_lookup(first, 3, ip="10.0.0.4"))
    _token, second = make_token(parties.applicant, name="新令牌")
    body = assert_refused(api_lookup(second, 4, ip="10.0.0.5"))
    assert "本单位" in body["detail"]
    # Another organisation from another address is not affected.
    _token, other = make_token(parties.other_enterprise)
    assert api_lookup(other, 5, ip="10.0.1.1").status_code == 200


def test_the_organisation_s_members_on_the_page_count_against_it_too(parties, limits):
    limits.LICENSE_VERIFY_HOURLY_LIMIT_PER_IP = 0
    _token, secret = make_token(parties.applicant)
    assert [api_lookup(secret, n, ip="10.0.0.1").status_code for n in range(3)] == [200, 200, 200]
    member = Client(REMOTE_ADDR="10.0.0.2")
    member.force_login(parties.applicant)
    response = member.get(VERIFY_PAGE, {"credit_code": make_uscc(7)})
    assert response.status_code == 429
    assert "本单位查询许可证过于频繁" in response.content.decode()
    # Anonymous visitors from that address are not.
    assert Client(REMOTE_ADDR="10.0.0.2").get(VERIFY_PAGE, {"credit_code": make_uscc(8)}).status_code == 200


def test_input_the_api_rejects_costs_nothing(parties, limits):
    _token, secret = make_token(parties.applicant)
    for _ in range(5):
        assert api_client(secret).get(VERIFY_API, {"credit_code": "123"}).status_code == 400
    assert api_lookup(secret, 1).status_code == 200
