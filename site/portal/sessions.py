"""The idle timeout (GB/T 22239 超时自动退出), renewed at most once a minute.

Django's SESSION_SAVE_EVERY_REQUEST renews the expiry by writing the session on every request:
with the cached_db engine that is an UPDATE on PostgreSQL and a Redis write for every page,
autosave and download, the largest fixed cost of a logged-in request (docs/benchmarks.md). Here
the session is written when something in it changed or when its last renewal is
SESSION_RENEW_SECONDS old, so a session ends between SESSION_COOKIE_AGE - SESSION_RENEW_SECONDS
and SESSION_COOKIE_AGE after the last request: 29 to 30 minutes with the defaults.
"""

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.middleware import SessionMiddleware
from django.dispatch import receiver

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
