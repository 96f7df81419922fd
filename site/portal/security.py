"""Security response headers beyond Django's SecurityMiddleware: CSP per area, Permissions-Policy.

The portal's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) allows scripts only from
our own static files: no inline script, no eval. The Wagtail admin gets the same policy plus
settings.CSP_ADMIN_EXTRA_SOURCES, because Wagtail 8.0 still renders some inline <script> blocks
(InlinePanel, MultipleChooserPanel, the date/time pickers) and many inline style attributes; the
extra sources are added only under settings.CSP_ADMIN_URL_PREFIXES, never on portal pages.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES)):
            update = dict(parts.update or {})
            for directive, sources in settings.CSP_ADMIN_EXTRA_SOURCES.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
            # A nonce in script-src makes browsers ignore 'unsafe-inline', which would break the
            # admin's inline scripts again: the admin policy never carries one.
            parts.nonce = None
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy: no page of ours uses camera, microphone, location, payment or USB."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
