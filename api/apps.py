from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("开放接口")

    def ready(self):
        # drf-spectacular learns how our token authentication looks in OpenAPI from this import.
        from . import schema  # noqa: F401
