"""承诺书: the declaration wording and a checkbox the applicant must tick (raw value: a bool)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..widgets import DeclarationWidget
from .base import SchemaField


class DeclarationFormField(forms.BooleanField):
    def to_python(self, value):
        # Only a real True counts: a stored value can be any JSON.
        return value is True


class DeclarationField(SchemaField):
    field_class = DeclarationFormField
    icon = "success"
    label = _("承诺书")
    prefillable = False

    def extra_blocks(self):
        return [("text", blocks.TextBlock(required=False, label=_("承诺内容"), help_text=_("显示在勾选框上方")))]

    def required_message(self, label):
        return _("请阅读并勾选“%(label)s”。") % {"label": label}

    def get_options(self, block_value):
        options = super().get_options(block_value)
        options["widget"] = DeclarationWidget()
        return options

    def raw_from_post(self, formfield, html_name, data, files):
        return formfield.widget.value_from_datadict(data, files, html_name) is True

    def is_empty(self, raw):
        return raw is not True

    def display(self, block_value, raw):
        return str(_("已确认")) if raw is True else str(_("未确认"))
