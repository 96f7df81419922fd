"""Making, finding and revoking 接口令牌 (see api.models for the rules).

The secret is `tsxk_` followed by 43 URL-safe random characters (256 bits); the database keeps its
SHA-256 hash only. A presented secret is hashed and looked up by that hash, so the lookup never
compares the secret itself character by character, and the stored hash is compared again with
`hmac.compare_digest`. Every create and revoke is logged with the prefix, never the secret.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation

from .models import ApiScope, ApiToken

logger = logging.getLogger(__name__)

# S105: the visible prefix every token starts with, not a secret.
SECRET_PREFIX = "tsxk_"  # noqa: S105
VISIBLE_CHARS = 8  # after SECRET_PREFIX: enough to tell tokens apart, far too few to guess the rest
MAX_SECRET_LENGTH = 200
# last_used_at is written at most this often: a busy client must not cost a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def active_token(organisation):
    return ApiToken.objects.filter(organisation=organisation, revoked_at__isnull=True).first()


def issue_token(organisation, user, name, scopes):
    """A new token for `organisation`, revoking its active one first. Returns (token, secret)."""
    scopes = [scope for scope in ApiScope.values if scope in set(scopes)]
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        # Two members creating at the same moment queue here instead of hitting the constraint.
        list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk", flat=True))
        previous = active_token(organisation)
        if previous is not None:
            _revoke(previous, user)
        token = ApiToken.objects.create(
            organisation=organisation,
            name=name,
            scopes=scopes,
            prefix=secret[: len(SECRET_PREFIX) + VISIBLE_CHARS],
            key_hash=hash_secret(secret),
            created_by=user,
        )
    logger.info(
        "api token %s created for organisation %s by user %s (scopes %s)",
        token.prefix,
        organisation.pk,
        user.pk,
        ",".join(scopes),
    )
    return token, secret


def revoke_token(token, user):
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            _revoke(locked, user)
    return locked


def _revoke(token, user):
    token.revoked_at = timezone.now()
    token.revoked_by = user
    token.save(update_fields=["revoked_at", "revoked_by"])
    logger.info("api token %s of organisation %s revoked by user %s", token.prefix, token.organisation_id, user.pk)


def find_token(secret):
    """The token whose secret this is (revoked or not), or None."""
    if not secret or len(secret) > MAX_SECRET_LENGTH or not secret.startswith(SECRET_PREFIX):
        return None
    digest = hash_secret(secret)
    token = ApiToken.objects.select_related("organisation").filter(key_hash=digest).first()
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    return token


def record_use(token, now=None):
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
