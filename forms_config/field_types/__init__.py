"""Field types an editor can put on an application form page.

Each type is a wagtailstreamforms `BaseField` (registered in `forms_config/wagtailstreamforms_fields.py`)
extended with what a long-lived, multi-page application needs: a stable key, a raw value that
survives invalid input, prefill from the applicant's account, a display text for printing and
the check page, and a display condition.
"""

from .base import PREFILL_CHOICES, SchemaField

__all__ = ["PREFILL_CHOICES", "SchemaField"]
