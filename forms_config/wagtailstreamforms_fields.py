"""The field types of application forms, registered with wagtailstreamforms (which discovers
this module in every app). Its own built-in types are switched off in settings
(WAGTAILSTREAMFORMS_ENABLED_FIELDS = ()) because they name fields after their labels."""

from wagtailstreamforms.fields import register

from .field_types import basic

register("singleline", basic.SingleLineTextField)
register("multiline", basic.MultiLineTextField)
register("number", basic.NumberField)
register("dropdown", basic.DropdownField)
register("radio", basic.RadioField)
register("checkboxes", basic.CheckboxesField)
