"""Rate limits of the JSON API: per token for the organisations' systems, per client address for
the anonymous schema. Rates are in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], counters in
the default cache (Redis when REDIS_URL is set, so every app server counts together)."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.ratelimit import client_ip

from .models import ApiToken


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        # Read at request time, not at import: settings overrides (tests, env) take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ApiTokenRateThrottle(_Throttle):
    scope = "api_token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # not an API-token request (e.g. Wagtail's own admin API): not ours to limit
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class ApiAnonRateThrottle(_Throttle):
    scope = "api_anon"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
