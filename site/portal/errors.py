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
