"""The site's URLs plus views that fail on purpose, in the portal and under /admin/, for the
error page tests (tests/security/test_error_pages.py): Django's handlers and templates are what
is tested, so the failures are plain exceptions."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal import urls as portal_urls


def refused(request):
    raise PermissionDenied


def crashes(request):
    raise RuntimeError("a fault on purpose")


urlpatterns = [
    path("error-test/refused/", refused),
    path("error-test/crash/", crashes),
    path("admin/error-test/refused/", refused),
    path("admin/error-test/crash/", crashes),
    *portal_urls.urlpatterns,
]
handler400 = portal_urls.handler400
