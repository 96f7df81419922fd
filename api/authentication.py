"""`Authorization: Bearer <token>` (or `Token <token>`) for the JSON API: the caller is the token's
organisation, never a person, and sessions and passwords are not accepted here at all."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from . import tokens

KEYWORDS = (b"bearer", b"token")


class ApiClient:
    """`request.user` of an API request: the organisation behind the token, with no permissions of
    any person (so nothing that checks `has_perm` can ever succeed for it)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = id = None

    def __init__(self, token):
        self.token = token
        self.organisation = token.organisation

    def __str__(self):
        return f"api:{self.token.prefix}"

    def get_username(self):
        return str(self)

    def has_perm(self, perm, obj=None):
        return False

    def has_perms(self, perms, obj=None):
        return False


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # no token: NotAuthenticated (401) where one is required
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Authorization 请求头格式应为：Bearer <令牌>。"), code="token_malformed"
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("令牌无效。"), code="token_invalid") from None
        token = tokens.find_token(secret)
        if token is None or not token.organisation.is_applicant:
            raise exceptions.AuthenticationFailed(_("令牌无效。"), code="token_invalid")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("令牌已撤销，请使用本单位新的接口令牌。"), code="token_revoked")
        tokens.record_use(token)
        return ApiClient(token), token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when the token is missing or bad.
        return 'Bearer realm="api"'
