"""Fixtures of the JSON API tests: the workflow parties, applications of the applicant in several
states (one approved, with its licence), and tokens made through the real service."""

import pytest

from tests.support.api import make_token
from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, make_parties
from workflows.models import ApplicationState as S


@pytest.fixture
def parties(db):
    return make_parties(make_catalogue())


@pytest.fixture
def applications(parties):
    """The applicant's draft, submitted, withdrawn and approved applications, by state."""
    return {state: application_in(state, parties) for state in (S.DRAFT, S.SUBMITTED, S.WITHDRAWN, S.APPROVED)}


@pytest.fixture
def token_secret(parties):
    _token, secret = make_token(parties.applicant)
    return secret
