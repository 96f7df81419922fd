"""The field types of application forms, registered with wagtailstreamforms (which discovers
this module in every app). Its own built-in types are switched off in settings
(WAGTAILSTREAMFORMS_ENABLED_FIELDS = ()) because they name fields after their labels.

The registered names are stored in every form definition: renaming one orphans saved forms."""

from wagtailstreamforms.fields import register

from .field_types import basic, declaration, files, formats, region, table

register("singleline", basic.SingleLineTextField)
register("multiline", basic.MultiLineTextField)
register("number", basic.NumberField)
register("dropdown", basic.DropdownField)
register("radio", basic.RadioField)
register("checkboxes", basic.CheckboxesField)
register("date", formats.DateField)
register("uscc", formats.CreditCodeField)
register("id_number", formats.IdNumberField)
register("mobile", formats.MobileField)
register("phone", formats.PhoneField)
register("postcode", formats.PostcodeField)
register("region", region.RegionField)
register("file", files.FileField)
register("files", files.FilesField)
register("table", table.TableField)
register("declaration", declaration.DeclarationField)
