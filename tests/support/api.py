"""API tokens made through the real service, and a client that sends one."""

from django.test import Client

from api import tokens
from api.models import ApiScope


def make_token(user, scopes=tuple(ApiScope.values), name="ERP"):
    return tokens.issue_token(user.organisation, user, name, list(scopes))


def api_client(secret, keyword="Bearer"):
    return Client(HTTP_AUTHORIZATION=f"{keyword} {secret}")
