from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfigConfig(AppConfig):
    name = "forms_config"
    verbose_name = _("申请书表单")
