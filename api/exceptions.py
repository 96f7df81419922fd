"""Every answer of the JSON API is JSON, errors included: `{"detail": <message>, "code": <code>}`,
plus `errors` ({field: [messages]}) for a 400. `detail` is in the language of the request (Chinese
unless the language cookie says otherwise, as on the portal); `code` is a stable English word for
programs to branch on."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class LookupLimited(exceptions.Throttled):
    """许可证核验 over the allowance shared with the public page (workflows.verification
    .check_lookup_allowed): a 429 with Retry-After and that page's own explanation."""

    default_code = "lookup_limited"

    def __init__(self, refused):
        super().__init__(wait=refused.retry_after)
        self.message = refused.message


def _message(exc):
    if isinstance(exc, LookupLimited):
        return exc.message
    if isinstance(exc, exceptions.NotAuthenticated):
        return _("未提供接口令牌：请在请求头中以 Authorization: Bearer <令牌> 提供本单位的接口令牌。")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is not None:
            return _("请求过于频繁，请在 %(seconds)d 秒后重试。") % {"seconds": max(1, int(exc.wait + 0.999))}
        return _("请求过于频繁，请稍后重试。")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("该接口不支持 %(method)s 请求。") % {"method": exc.args[0] if exc.args else ""}
    if isinstance(exc, exceptions.ValidationError):
        return _("请求参数有误。")
    if isinstance(exc, exceptions.NotFound) and str(exc.detail) == str(exceptions.NotFound.default_detail):
        return _("未找到。")
    return str(exc.detail)


def _code(exc):
    codes = exc.get_codes()
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"detail": _message(exc), "code": _code(exc)}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body["errors"] = {field: [str(message) for message in messages] for field, messages in detail.items()}
    response.data = body
    return response


def server_error_response():
    return {"detail": _("服务器内部错误，请稍后重试。"), "code": "server_error"}


def not_found(request, *args, **kwargs):
    """Any address under /api/ that is not an endpoint: JSON, not the site's HTML 404 page."""
    return JsonResponse({"detail": _("接口不存在。"), "code": "not_found"}, status=404)
