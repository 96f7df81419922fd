from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfigConfig(AppConfig):
    name = "forms_config"
    verbose_name = _("申请书表单")


class WagtailStreamFormsConfig(AppConfig):
    """wagtailstreamforms ships no AppConfig; its migrations use AutoField ids, and without this
    our BigAutoField default would make `makemigrations --check` want to alter its tables."""

    name = "wagtailstreamforms"
    default_auto_field = "django.db.models.AutoField"
