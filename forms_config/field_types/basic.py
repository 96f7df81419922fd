"""Plain field types: text, number and choices (wagtailstreamforms' own, given stable keys)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from core import masking

from .base import SchemaField
from .messages import fixed


class SingleLineTextField(SchemaField):
    icon = "pilcrow"
    label = _("单行文本")

    def extra_blocks(self):
        return [("max_length", blocks.IntegerBlock(required=False, min_value=1, max_value=2000, label=_("最大长度")))]

    def get_options(self, block_value):
        options = super().get_options(block_value)
        max_length = block_value.get("max_length") or 200
        options["max_length"] = max_length
        options["error_messages"]["max_length"] = fixed(
            _("%(label)s不能超过 %(n)s 个字符。") % {"label": block_value["label"], "n": max_length}
        )
        return options

    def masked_display(self, block_value, raw):
        # Free text may hold a person's mobile or ID number (a contact typed into 备注): staff see
        # each one found masked, as in the typed fields (workflows.printing, masked=True).
        return masking.redact_text(self.display(block_value, raw))


class MultiLineTextField(SingleLineTextField):
    icon = "doc-full"
    label = _("多行文本")
    widget = forms.Textarea(attrs={"rows": 4})

    def get_options(self, block_value):
        block_value = {**block_value, "max_length": block_value.get("max_length") or 5000}
        return super().get_options(block_value)


class NumberField(SchemaField):
    field_class = forms.DecimalField
    icon = "order"
    label = _("数字")

    def get_options(self, block_value):
        options = super().get_options(block_value)
        options["error_messages"]["invalid"] = fixed(_("%(label)s请填写数字。") % {"label": block_value["label"]})
        options["max_digits"] = 15
        options["error_messages"]["max_digits"] = fixed(
            _("%(label)s的数字位数过多。") % {"label": block_value["label"]}
        )
        return options


def _choices(block_value):
    values = []
    for choice in block_value.get("choices") or []:
        text = (choice.get("value") if isinstance(choice, dict) else choice) or ""
        if text.strip():
            values.append((text.strip(), text.strip()))
    return values


class ChoiceMixin:
    def extra_blocks(self):
        return [("choices", blocks.ListBlock(blocks.CharBlock(label=_("选项")), label=_("选项")))]

    def required_message(self, label):
        return _("请选择%(label)s。") % {"label": label}

    def get_options(self, block_value):
        options = super().get_options(block_value)
        options["choices"] = _choices(block_value)
        options["error_messages"]["invalid_choice"] = fixed(
            _("%(label)s的选项无效，请重新选择。") % {"label": block_value["label"]}
        )
        return options

    def prefill_value(self, block_value, source_value):
        # Alternative wordings (新申请 or 取证): the one among this field's choices.
        if isinstance(source_value, tuple):
            offered = {value for value, _label in _choices(block_value)}
            chosen = next((value for value in source_value if value in offered), None)
            if chosen is not None:
                return chosen
        return super().prefill_value(block_value, source_value)


class DropdownField(ChoiceMixin, SchemaField):
    field_class = forms.ChoiceField
    icon = "arrow-down-big"
    label = _("下拉选择")

    def get_options(self, block_value):
        options = super().get_options(block_value)
        options["choices"] = [("", _("请选择"))] + options["choices"]
        return options


class RadioField(ChoiceMixin, SchemaField):
    field_class = forms.ChoiceField
    widget = forms.RadioSelect
    icon = "radio-empty"
    label = _("单选")


class CheckboxesField(ChoiceMixin, SchemaField):
    field_class = forms.MultipleChoiceField
    widget = forms.CheckboxSelectMultiple
    icon = "tick-inverse"
    label = _("多选")
    prefillable = False

    def get_options(self, block_value):
        options = super().get_options(block_value)
        # Django's own "Enter a list of values." would show for a stored value that is not a list.
        options["error_messages"]["invalid_list"] = options["error_messages"]["invalid_choice"]
        return options
