from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from .models import ApiToken


class HasScope(BasePermission):
    """A valid token holding the view's `required_scope`: 401 without a token, 403 without the scope."""

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated()
        scope = getattr(view, "required_scope", None)
        if scope and not token.has_scope(scope):
            raise exceptions.PermissionDenied(
                _("此令牌没有访问该接口的权限范围（需要 %(scope)s）。") % {"scope": scope}, code="insufficient_scope"
            )
        return True
