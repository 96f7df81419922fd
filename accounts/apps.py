from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与单位")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import (
            checks,  # noqa: F401  (registers the SMS provider check)
            login_limits,  # noqa: F401  (counts failed logins per client IP)
        )
        from .permission_names import name_permissions_in_chinese

        # Django stores permission names in English; each app's get Chinese ones after its migrations.
        post_migrate.connect(name_permissions_in_chinese, dispatch_uid="accounts.permission_names")
