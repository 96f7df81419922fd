"""System checks for forms_config: `manage.py check` says when PDF printing cannot work."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register("pdf")
def check_pdf_font(app_configs=None, **kwargs):
    """A Warning, not an Error: the site works without the font, only its PDFs fail."""
    from .pdf import INSTALL_HINT, configured_font_path, font_problem

    try:
        path = configured_font_path()
    except ImproperlyConfigured as exc:
        return [checks.Warning(str(exc), id="forms_config.W001")]  # the message says how to fix it
    problem = font_problem(path)
    if problem:
        return [checks.Warning(problem, hint=INSTALL_HINT, id="forms_config.W002")]
    return []
