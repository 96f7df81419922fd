from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("许可办理流程")

    def ready(self):
        # Drop the per-process cache of 工作日历 rows whenever staff change one.
        from .working_days import connect_signals

        connect_signals()
