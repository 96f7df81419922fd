"""What the session-expiry warning (static/js/session.js) needs to know about the idle timeout."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_seconds():
    """Seconds a session certainly lives after the page's request: the idle timeout less the
    renewal interval of portal.sessions, since this request may not have renewed it."""
    return max(settings.SESSION_COOKIE_AGE - settings.SESSION_RENEW_SECONDS, 60)
