"""drf-spectacular: how the token authentication and our paths appear in the OpenAPI schema."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension

API_PREFIX = "/api/v1/"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("本单位的接口令牌（在“我的办事 → 接口令牌”生成），请求头 Authorization: Bearer <令牌>。")
            ),
        }


def only_our_api(endpoints, **kwargs):
    """Wagtail's admin API is built on DRF too: keep it out of our schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
