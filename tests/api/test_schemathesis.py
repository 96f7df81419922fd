"""The JSON API against its own OpenAPI schema (schemathesis): for every operation, generated
requests with a valid token over real data (applications in several states, an issued licence)
never get a server error, and every answer matches the status codes, content type and body the
schema declares.

The schema is the one /api/v1/schema/ serves (drf-spectacular's generator, built at collection,
which needs no database); requests go to Django's WSGI handler in this thread (`app=`), so they see
the test's database transaction: no transactional test or live server, the same on SQLite and
PostgreSQL. schemathesis's lazy `from_fixture` loader is not used: it writes pytest's private
`Node._nodeid`, which pytest 9.2 no longer has. Kept small and repeatable: few examples,
derandomized, no example database, no deadline (the first request of a test warms up caches)."""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import make_token
from workflows.models import ApplicationState as S
from workflows.models import License

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
APP = get_wsgi_application()


def served_schema():
    """What /api/v1/schema/ serves, as JSON (the generator leaves translatable strings lazy)."""
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(served_schema())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes "old" connections when a request starts and ends; inside the test's
    transaction PostgreSQL's connection counts as old and would be closed under the test. Django's
    test client disconnects the same receiver for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(parties, applications, settings):
    # Generated cases come fast; the per-token limit is tested in test_api.py.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "100000/minute", "api_anon": "100000/minute"},
    }
    _token, secret = make_token(parties.applicant)
    return {"headers": {"Authorization": f"Bearer {secret}"}, "applications": applications}


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_and_never_fails(case, api_world):
    case.call_and_validate(headers=api_world["headers"], checks=CHECKS, app=APP)


def test_the_served_schema_is_the_one_tested(client):
    assert json.loads(client.get("/api/v1/schema/").content) == schema.raw_schema


def test_real_rows_conform_to_the_schema(api_world):
    """Generated references rarely hit a real application: ask for the real ones explicitly."""
    approved = api_world["applications"][S.APPROVED]
    licence = License.objects.get(application=approved)
    cases = [
        schema["/api/v1/applications/"]["GET"].Case(),
        schema["/api/v1/applications/"]["GET"].Case(query={"state": "withdrawn"}),
        schema["/api/v1/applications/{reference}/"]["GET"].Case(path_parameters={"reference": approved.reference}),
        schema["/api/v1/licences/verify/"]["GET"].Case(query={"number": licence.number}),
        schema["/api/v1/licences/verify/"]["GET"].Case(query={"credit_code": licence.holder_credit_code}),
    ]
    for case in cases:
        response = case.call_and_validate(headers=api_world["headers"], checks=CHECKS, app=APP)
        assert response.status_code == 200
        assert response.json().get("count", 1) >= 1
