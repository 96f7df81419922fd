from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与单位")

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the SMS provider check)
            login_limits,  # noqa: F401  (counts failed logins per client IP)
        )
