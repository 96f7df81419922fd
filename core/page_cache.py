"""A shared cache of the public CMS pages as anonymous visitors see them (公开页面缓存).

The catalogue, licence-item, guide and home pages are the same for every anonymous visitor in a
language, and they are what search engines, enterprises comparing items and renewal-season
crowds hit hardest. Wagtail rebuilds each one from its page tree, StreamFields and templates on
every request; this middleware keeps the finished HTML in the default cache (Redis when
REDIS_URL is set, so every app server shares it) and answers from it before the session, CSRF,
authentication and URL resolution run.

What is cached: GET/HEAD of a page whose class sets `page_cache = True` (cms.models.PublicPageCache),
answered 200 to a request carrying no cookie but the language choice, with no Set-Cookie and no
CSRF token in it. Anyone with a session (logged in, or holding messages) gets the live page.
Every security header (CSP, Permissions-Policy, X-Frame-Options, HSTS…) comes from a middleware
above this one (settings MIDDLEWARE), so a hit carries exactly the headers of a miss.
The key is host + language + path (+ query string), so English and Chinese never mix.

Invalidation: any page published, unpublished, moved or deleted bumps one generation number
(cms.signals); entries of an older generation are misses. Entries also expire after
PAGE_CACHE_SECONDS, which bounds how long a deploy that changes templates serves old HTML
(`manage.py clear_page_cache` bumps the generation at once).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "page_cache:generation"
STORED_HEADERS = ("Content-Type", "Content-Language", "Vary")


def cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def bump_generation():
    """Makes every stored page a miss (a publish may change menus and the catalogue anywhere)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (first publish, or evicted): any new value differs from what entries carry.
        cache.set(GENERATION_KEY, 1, timeout=None)


def _cacheable_request(request):
    if request.method not in ("GET", "HEAD") or cache_seconds() <= 0:
        return False
    if request.path_info.startswith(tuple(getattr(settings, "PAGE_CACHE_EXCLUDED_PREFIXES", ()))):
        return False
    # Only the language choice may be set: a session (even anonymous) may carry messages.
    return all(name == settings.LANGUAGE_COOKIE_NAME for name in request.COOKIES)


def _key(request):
    raw = "|".join((request.get_host(), translation.get_language() or "", request.get_full_path()))
    return "page_cache:page:" + hashlib.sha256(raw.encode()).hexdigest()


class PublicPageCacheMiddleware:
    """Below the language middleware (the key needs the language), above everything per-user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY, 0)
        entry = found.get(key)
        if entry is not None and entry["generation"] == generation:
            response = HttpResponse(entry["content"], status=200)
            for name, value in entry["headers"].items():
                response[name] = value
            # The page does vary on the cookie (a session gets the live page); on a miss the session
            # middleware above says so, on a hit it never reads the session.
            patch_vary_headers(response, ("Cookie",))
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if self._storable(response):
            headers = {name: response[name] for name in STORED_HEADERS if response.has_header(name)}
            cache.set(
                key,
                {"generation": generation, "content": response.content, "headers": headers},
                timeout=cache_seconds(),
            )
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(response):
        return (
            getattr(response, "page_cache", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            # A token in the HTML would be one visitor's: never share it.
            and b"csrfmiddlewaretoken" not in response.content
        )
