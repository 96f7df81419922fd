"""Responses for a logged-in user are never stored by a browser or a shared cache (个人页面不缓存).

我的办事, an application, a licence, the notifications, the API token page: each shows one person's
or one enterprise's data. Without a Cache-Control header a proxy may keep such a page, and a
browser keeps it on disk and shows it again with Back after logout, on a shared office computer.
So every response whose content depended on an authenticated user and which says nothing itself
about caching gets `Cache-Control: private, no-store`. A view that chose its own header (a public
download, verify's short private max-age, Django's never_cache) keeps it.

"Depended on the user": the view (or a template) looked at request.user. Django's request.user
is lazy; a response that never read it (a page cached for anonymous visitors, core/page_cache.py)
is the same for everyone and keeps its caching, and checking it here costs no query.
"""

from django.utils.functional import LazyObject, empty

PRIVATE = "private, no-store"


def _user_read(request):
    """The user the response was built for, or None if nothing asked who it is."""
    user = getattr(request, "user", None)  # absent when a middleware above answered
    if isinstance(user, LazyObject) and user._wrapped is empty:
        return None
    return user


class PrivatePagesMiddleware:
    """Below AuthenticationMiddleware: it wraps the 2FA redirects and every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = _user_read(request)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response
