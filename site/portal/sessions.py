"""The idle timeout (GB/T 22239 超时自动退出), renewed at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST renews the expiry by writing the session on every request:
with the cached_db engine that is an UPDATE on PostgreSQL and a Redis write for every page,
autosave and download, the largest fixed cost of a logged-in request (docs/benchmarks.md). Here
the session is written when something in it changed or when its last renewal is
SESSION_RENEW_SECONDS old, so a session ends between SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS
and SESSION_COOKIE_AGE after the last request: 29 to 30 minutes with the defaults.

The pages of a logged-in user warn two minutes before that (static/js/session.js) and offer
继续保持登录, which posts to `keepalive` below.
"""

import datetime
import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.middleware import SessionMiddleware
from django.dispatch import receiver
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

RENEWED_KEY = "_renewed_at"


@receiver(user_logged_in)
def renewed_at_login(sender, request, **kwargs):
    # Logging in writes the session anyway: the requests of the next minute need not.
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED_KEY] = int(time.time())


class IdleTimeoutSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        # Only an existing session that this request used: never create one for a visitor.
        if session is not None and session.accessed and session.session_key:
            now = int(time.time())
            renewed_at = session.get(RENEWED_KEY)
            due = not isinstance(renewed_at, int) or now - renewed_at >= settings.SESSION_RENEW_SECONDS
            if session.modified or due:
                session[RENEWED_KEY] = now
        return super().process_response(request, response)


@require_POST
def keepalive(request):
    """继续保持登录: the session-expiry warning's button (static/js/session.js).

    Renews the idle timeout now, even within the minute in which the middleware above would not
    write the session, and answers the new expiry so the page can restart its countdown. An
    expired session answers 401 JSON, not the login page, like autosave does."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"ok": False, "error": gettext("登录已过期，请重新登录。")},
            status=401,
        )
    now = int(time.time())
    # Assigning marks the session modified, so it is saved with a fresh expiry whatever the value.
    request.session[RENEWED_KEY] = now
    age = settings.SESSION_COOKIE_AGE
    expires_at = timezone.localtime(timezone.now() + datetime.timedelta(seconds=age))
    return JsonResponse({"ok": True, "expires_in": age, "expires_at": expires_at.isoformat()})
