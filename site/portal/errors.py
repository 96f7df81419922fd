"""Error pages a clerk can act on.

A request body over the server's limits (DATA_UPLOAD_MAX_MEMORY_SIZE for the typed fields,
DATA_UPLOAD_MAX_NUMBER_FIELDS / _FILES) reaches Django as RequestDataTooBig, TooManyFieldsSent
or TooManyFilesSent, which Django answers with a bare 400. Here it is a 413 page in plain
Chinese saying what to do; everything else keeps Django's own 400. The size of each file is
checked by its field (forms_config/uploads.py); nginx's client_max_body_size has its own page
(static/errors/request-too-large.html, docs/operations.md).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.shortcuts import render
from django.views import defaults

TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if isinstance(exception, TOO_BIG):
        # Nothing of the body was read: the page must not offer anything that depends on it.
        context = {
            "max_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
            "back": request.path if request.path.startswith("/") else "/",
        }
        return render(request, "errors/request_too_large.html", context, status=413)
    return defaults.bad_request(request, exception, template_name)


class DevelopmentNotFoundMiddleware:
    """In development (DEBUG on: `make run`, the demo) a refused URL gets the Chinese 404 page too.

    With DEBUG on Django answers a 404 with its technical page, which lists every URL pattern of
    the site (more than 340) to whoever mistypes an address: a reviewer trying the demo saw an
    English page and a map of the site. DEBUG stays on for the rest (the traceback of a 500, media,
    load_demo); a developer who wants Django's page back sets DEBUG_TECHNICAL_404=1
    (settings/dev.py). Production has DEBUG off and never installs this middleware.

    Two ways a 404 reaches Django's technical page: a view raises Http404 (process_exception turns
    it into page_not_found here first), or no URL pattern matches, which happens before any view
    and leaves request.resolver_match unset (the response is replaced). Just before AxesMiddleware,
    so the outer middleware still add their headers (CSP, Cache-Control) to this page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None and self._replaces():
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._replaces():
            return defaults.page_not_found(request, exception)
        return None

    @staticmethod
    def _replaces():
        return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_404", False)
