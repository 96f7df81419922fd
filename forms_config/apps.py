from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfigConfig(AppConfig):
    # This module holds two AppConfigs, so Django picks neither for "forms_config" unless told.
    default = True
    name = "forms_config"
    verbose_name = _("申请书表单")

    def ready(self):
        from django.conf import settings

        from . import checks  # noqa: F401  (registers the PDF font check)
        from .pdf import warm_up

        # The CJK font and xhtml2pdf loaded at start-up, not by the first PDF's reader; never raises
        # (a command run where no font is installed starts anyway). PDF_WARM_UP=0 to skip it.
        if getattr(settings, "PDF_WARM_UP", False):
            warm_up()


class WagtailStreamFormsConfig(AppConfig):
    """wagtailstreamforms ships no AppConfig; its migrations use AutoField ids, and without this
    our BigAutoField default would make `makemigrations --check` want to alter its tables."""

    name = "wagtailstreamforms"
    default_auto_field = "django.db.models.AutoField"
