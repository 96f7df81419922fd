from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "accounts.two_factor"
    label = "staff_2fa"
    verbose_name = _("工作人员两步验证")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .policy import mark_session_on_login

        user_logged_in.connect(mark_session_on_login, dispatch_uid="staff_2fa_mark_session")
