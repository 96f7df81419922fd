"""The JSON API (api/): token authentication, scopes, one organisation's data only, licence
verification, JSON for every error, pagination and query-count ceilings."""

import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from api import tokens
from api.models import ApiScope, ApiToken
from tests.support.api import api_client, make_token
from tests.support.factories import make_uscc
from workflows.models import ApplicationState as S
from workflows.models import License
from workflows.verification import public_record

LIST = reverse("api:application_list")
VERIFY = reverse("api:licence_verify")
SCHEMA = reverse("api:schema")


def detail(reference):
    return reverse("api:application_detail", args=[reference])


def error_of(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


# --- authentication ---------------------------------------------------------------------------


def test_no_token_is_a_json_401_with_the_scheme(db):
    response = Client().get(LIST)
    body = error_of(response, 401, "not_authenticated")
    assert "Authorization" in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header, code",
    [
        ("Bearer tsxk_not-a-real-token", "token_invalid"),
        ("Bearer something-else", "token_invalid"),
        ("Bearer", "token_malformed"),
        ("Bearer a b", "token_malformed"),
        ("Basic dXNlcjpwYXNz", "not_authenticated"),  # passwords are not accepted here at all
    ],
)
def test_bad_tokens_are_refused(db, header, code):
    error_of(Client(HTTP_AUTHORIZATION=header).get(LIST), 401, code)


def test_a_logged_in_session_is_not_enough(parties):
    client = Client()
    client.force_login(parties.applicant)
    error_of(client.get(LIST), 401, "not_authenticated")


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_good_token_is_accepted_with_either_keyword(token_secret, keyword):
    response = api_client(token_secret, keyword).get(LIST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_revoked_token_is_refused_with_a_chinese_message(parties):
    token, secret = make_token(parties.applicant)
    tokens.revoke_token(token, parties.applicant)
    body = error_of(api_client(secret).get(LIST), 401, "token_revoked")
    assert "撤销" in body["detail"]


def test_a_replaced_token_stops_working_and_the_new_one_works(parties):
    _old, old_secret = make_token(parties.applicant)
    _new, new_secret = make_token(parties.applicant)
    error_of(api_client(old_secret).get(LIST), 401, "token_revoked")
    assert api_client(new_secret).get(LIST).status_code == 200
    assert ApiToken.objects.filter(organisation=parties.applicant.organisation, revoked_at__isnull=True).count() == 1


def test_only_the_hash_of_the_secret_is_stored(parties):
    token, secret = make_token(parties.applicant)
    assert token.key_hash == tokens.hash_secret(secret) != secret
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 3
    assert not ApiToken.objects.filter(key_hash=secret).exists()


def test_the_database_allows_one_active_token_per_organisation(parties):
    make_token(parties.applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(
            organisation=parties.applicant.organisation, name="x", scopes=[], prefix="tsxk_x", key_hash="0" * 64
        )


def test_use_is_recorded(parties):
    token, secret = make_token(parties.applicant)
    assert token.last_used_at is None
    api_client(secret).get(LIST)
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- scopes -----------------------------------------------------------------------------------


def test_a_missing_scope_is_a_json_403(parties, applications):
    _token, secret = make_token(parties.applicant, scopes=[ApiScope.LICENCES_VERIFY])
    client = api_client(secret)
    body = error_of(client.get(LIST), 403, "insufficient_scope")
    assert "applications:read" in body["detail"]
    error_of(client.get(detail(applications[S.SUBMITTED].reference)), 403, "insufficient_scope")
    assert client.get(VERIFY, {"number": "TS2110260001-2030"}).status_code == 200


def test_verify_needs_its_own_scope(parties):
    _token, secret = make_token(parties.applicant, scopes=[ApiScope.APPLICATIONS_READ])
    client = api_client(secret)
    error_of(client.get(VERIFY, {"number": "TS2110260001-2030"}), 403, "insufficient_scope")
    assert client.get(LIST).status_code == 200


# --- the organisation's own applications ------------------------------------------------------------

FIELDS = {
    "reference",
    "kind",
    "kind_display",
    "state",
    "state_display",
    "items",
    "authority",
    "submitted_at",
    "due_on",
    "decided_at",
    "licence_number",
    "stage",
}


def test_the_list_shows_the_organisations_submitted_applications_without_personal_data(
    parties, applications, token_secret
):
    response = api_client(token_secret).get(LIST)
    body = response.json()
    references = {row["reference"] for row in body["results"]}
    submitted = {a.reference for state, a in applications.items() if state != S.DRAFT}
    assert references == submitted  # drafts have no reference and are not offered
    assert body["count"] == 3
    for row in body["results"]:
        assert set(row) == FIELDS
        assert row["authority"] == "北京市市场监督管理局"
        assert row["items"] and set(row["items"][0]) == {"category", "item_name", "level_code", "level_description"}
    text = response.content.decode()
    user, organisation = parties.applicant, parties.applicant.organisation
    for personal in (user.mobile, user.username, organisation.contact_name, organisation.contact_mobile, "张三"):
        assert personal and personal not in text


def test_an_approved_application_carries_its_licence_number_and_stage(applications, token_secret):
    approved = applications[S.APPROVED]
    body = api_client(token_secret).get(detail(approved.reference)).json()
    assert body["state"] == "approved" and body["state_display"] == "准予许可"
    assert body["licence_number"] == License.objects.get(application=approved).number
    assert body["stage"] == {"key": "decide", "label": "审查与发证", "outcome": "done"}
    assert body["decided_at"]


def test_a_withdrawn_application_shows_where_it_stopped(applications, token_secret):
    body = api_client(token_secret).get(detail(applications[S.WITHDRAWN].reference)).json()
    assert body["licence_number"] is None
    assert body["stage"] == {"key": "accept", "label": "受理", "outcome": "stopped"}


def test_another_organisations_token_sees_none_of_them(parties, applications):
    _token, secret = make_token(parties.other_enterprise)
    client = api_client(secret)
    assert client.get(LIST).json()["count"] == 0
    for state in (S.SUBMITTED, S.APPROVED):
        error_of(client.get(detail(applications[state].reference)), 404, "not_found")


def test_filter_by_state(applications, token_secret):
    client = api_client(token_secret)
    body = client.get(LIST, {"state": "approved"}).json()
    assert [row["reference"] for row in body["results"]] == [applications[S.APPROVED].reference]
    assert client.get(LIST, {"state": "accepted"}).json()["count"] == 0


@pytest.mark.parametrize("state", ["bogus", "draft"])
def test_a_bad_state_filter_is_a_json_400(applications, token_secret, state):
    body = error_of(api_client(token_secret).get(LIST, {"state": state}), 400, "invalid")
    assert body["errors"]["state"]


def test_pagination_and_ordering(applications, token_secret):
    client = api_client(token_secret)
    first = client.get(LIST, {"page_size": 2, "ordering": "reference"}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    references = [row["reference"] for row in first["results"] + second["results"]]
    assert references == sorted(references) and len(set(references)) == 3
    error_of(client.get(LIST, {"page": 99}), 404, "not_found")


# --- licence verification ------------------------------------------------------------------------


def test_verify_by_number_gives_the_public_record(applications, token_secret):
    licence = License.objects.get(application=applications[S.APPROVED])
    response = api_client(token_secret).get(VERIFY, {"number": licence.number.lower()})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    expected = json.loads(json.dumps(public_record(licence), default=str))
    assert body["results"][0] == expected


def test_verify_by_credit_code(parties, applications, token_secret):
    licence = License.objects.get(application=applications[S.APPROVED])
    body = api_client(token_secret).get(VERIFY, {"credit_code": licence.holder_credit_code}).json()
    assert [row["number"] for row in body["results"]] == [licence.number]


def test_verify_finds_nothing_for_an_unknown_number(token_secret):
    assert api_client(token_secret).get(VERIFY, {"number": "TS2110269999-2030"}).json() == {"count": 0, "results": []}


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "non_field_errors"),
        ({"number": "TS2110260001-2030", "credit_code": make_uscc(7)}, "non_field_errors"),
        ({"number": "<script>"}, "number"),
        ({"credit_code": "123"}, "credit_code"),
        ({"credit_code": "911101050000000119"}, "credit_code"),
        ({"number": ""}, "non_field_errors"),  # empty counts as not given
    ],
)
def test_verify_explains_bad_input(token_secret, params, field):
    body = error_of(api_client(token_secret).get(VERIFY, params), 400, "invalid")
    assert body["errors"][field], body


# --- every answer is JSON ------------------------------------------------------------------------------


def test_other_methods_are_a_json_405(token_secret):
    error_of(api_client(token_secret).post(LIST, {}, content_type="application/json"), 405, "method_not_allowed")


def test_an_unknown_api_address_is_a_json_404(token_secret):
    error_of(api_client(token_secret).get("/api/v1/no-such-thing/"), 404, "not_found")
    error_of(Client().get("/api/v2/applications/"), 404, "not_found")


def test_throttling_per_token_is_a_json_429(parties, settings, token_secret):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "2/minute", "api_anon": "2/minute"},
    }
    client = api_client(token_secret)
    assert [client.get(LIST).status_code for _ in range(2)] == [200, 200]
    response = client.get(LIST)
    error_of(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # Counted per token: another organisation's token is not slowed down by this one.
    _token, other = make_token(parties.other_enterprise)
    assert api_client(other).get(LIST).status_code == 200


def test_the_schema_is_public_openapi_3(db):
    response = Client().get(SCHEMA)
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/applications/",
        "/api/v1/applications/{reference}/",
        "/api/v1/licences/verify/",
        "/api/v1/documents/verify/",
    }
    assert schema["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"


# --- query-count ceilings: the same for 1 or 30 rows --------------------------------------------------


def test_query_counts(applications, token_secret, django_assert_max_num_queries):
    client = api_client(token_secret)
    client.get(LIST)  # last_used_at written once; the ceilings below are for the steady state
    # token, count, page, items, withdrawal events
    with django_assert_max_num_queries(5):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(detail(applications[S.APPROVED].reference)).status_code == 200
    licence = License.objects.get(application=applications[S.APPROVED])
    with django_assert_max_num_queries(2):
        assert client.get(VERIFY, {"number": licence.number}).status_code == 200
    with django_assert_max_num_queries(1):
        assert client.get(LIST, {"state": "bogus"}).status_code == 400


def test_an_unexpected_error_is_a_json_500_and_logged(applications, token_secret, monkeypatch, caplog):
    from api import services

    def broken(application):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "current_stage", broken)
    response = api_client(token_secret).get(LIST)
    error_of(response, 500, "server_error")
    assert "boom" not in response.content.decode()
    assert "boom" in caplog.text
