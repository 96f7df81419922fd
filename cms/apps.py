from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("门户内容")

    def ready(self):
        from . import signals  # noqa: F401  (public page cache invalidation)
