"""我的办事 → 接口令牌: an applicant organisation's members make, see and revoke its one token."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from api import tokens
from api.models import ApiScope, ApiToken
from tests.support.api import api_client, make_token
from tests.support.factories import UserFactory

MANAGE = reverse("api_token:manage")
REVOKE = reverse("api_token:revoke")
LIST = reverse("api:application_list")
CREATE = {"name": "ERP 系统", "scopes": list(ApiScope.values)}


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def secret_in(response):
    """The secret as the page shows it once: the value of the read-only field."""
    html = response.content.decode()
    marker = 'id="api-token-secret" type="text" readonly value="'
    assert marker in html
    return html.split(marker, 1)[1].split('"', 1)[0]


def test_the_page_offers_a_token_when_there_is_none(parties):
    response = logged_in(parties.applicant).get(MANAGE)
    assert response.status_code == 200
    assert "本单位当前没有有效的接口令牌" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


def test_creating_shows_the_secret_once(parties, caplog):
    client = logged_in(parties.applicant)
    with caplog.at_level(logging.INFO, logger="api.tokens"):
        response = client.post(MANAGE, CREATE)
    assert response.status_code == 200
    secret = secret_in(response)
    assert "离开本页后将无法再次查看" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(organisation=parties.applicant.organisation)
    assert token.key_hash == tokens.hash_secret(secret) and token.created_by == parties.applicant
    assert token.scopes == list(ApiScope.values) and token.name == "ERP 系统"
    # Audited without the secret.
    assert token.prefix in caplog.text and secret not in caplog.text
    # Never again: the page now shows the prefix only.
    again = client.get(MANAGE).content.decode()
    assert secret not in again and token.prefix in again
    assert api_client(secret).get(LIST).status_code == 200


def test_scopes_can_be_narrowed_and_one_is_required(parties):
    client = logged_in(parties.applicant)
    response = client.post(MANAGE, {"name": "x", "scopes": []})
    assert response.status_code == 400 and "请至少选择一项权限范围" in response.content.decode()
    client.post(MANAGE, {"name": "x", "scopes": [ApiScope.LICENCES_VERIFY]})
    assert ApiToken.objects.get().scopes == [ApiScope.LICENCES_VERIFY]


def test_a_new_token_replaces_the_old_only_when_confirmed(parties):
    client = logged_in(parties.applicant)
    old_secret = secret_in(client.post(MANAGE, CREATE))
    refused = client.post(MANAGE, CREATE)
    assert refused.status_code == 400 and "请确认当前令牌将失效" in refused.content.decode()
    assert ApiToken.objects.count() == 1
    new_secret = secret_in(client.post(MANAGE, {**CREATE, "confirm_replace": "on"}))
    organisation = parties.applicant.organisation
    assert ApiToken.objects.filter(organisation=organisation).count() == 2
    assert ApiToken.objects.filter(organisation=organisation, revoked_at__isnull=True).count() == 1
    assert api_client(old_secret).get(LIST).status_code == 401
    assert api_client(new_secret).get(LIST).status_code == 200


def test_a_colleague_sees_and_manages_the_same_token(parties):
    token, _secret = make_token(parties.applicant)
    colleague = UserFactory(organisation=parties.applicant.organisation)
    assert token.prefix in logged_in(colleague).get(MANAGE).content.decode()


def test_revoking_asks_for_confirmation_then_revokes(parties, caplog):
    token, secret = make_token(parties.applicant)
    client = logged_in(parties.applicant)
    confirm = client.get(REVOKE)
    assert confirm.status_code == 200 and "确定撤销" in confirm.content.decode()
    assert ApiToken.objects.get().revoked_at is None  # a GET changes nothing
    with caplog.at_level(logging.INFO, logger="api.tokens"):
        response = client.post(REVOKE)
    assert response.status_code == 302 and response["Location"] == MANAGE
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == parties.applicant
    assert "revoked" in caplog.text and secret not in caplog.text
    assert api_client(secret).get(LIST).status_code == 401
    page = client.get(MANAGE).content.decode()
    assert "已撤销的令牌" in page and "接口令牌已撤销" in page


def test_revoke_without_a_token_goes_back_to_the_page(parties):
    response = logged_in(parties.applicant).post(REVOKE)
    assert response.status_code == 302 and response["Location"] == MANAGE


def test_another_enterprise_neither_sees_nor_revokes_it(parties):
    token, _secret = make_token(parties.applicant)
    client = logged_in(parties.other_enterprise)
    assert token.prefix not in client.get(MANAGE).content.decode()
    client.post(REVOKE)
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("role", ["authority", "samr", "review_body", "editor"])
def test_staff_and_review_bodies_get_404(parties, role):
    client = logged_in(getattr(parties, role))
    assert client.get(MANAGE).status_code == 404
    assert client.post(MANAGE, CREATE).status_code == 404
    assert client.post(REVOKE).status_code == 404
    assert not ApiToken.objects.exists()


def test_anonymous_visitors_are_sent_to_login(db):
    response = Client().get(MANAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_csrf_is_checked(parties):
    client = Client(enforce_csrf_checks=True)
    client.force_login(parties.applicant)
    assert client.post(MANAGE, CREATE).status_code == 403
    make_token(parties.applicant)
    assert client.post(REVOKE).status_code == 403
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_my_services_links_to_the_page(parties):
    assert MANAGE in logged_in(parties.applicant).get(reverse("my_services")).content.decode()
