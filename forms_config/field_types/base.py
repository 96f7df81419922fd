"""The contract every application-form field type fulfils (see the package docstring)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtailstreamforms.fields import BaseField

from ..blocks import ConditionBlock, KeyBlock

# Where a field's first value can come from when a draft starts (resolved in forms_config.prefill).
PREFILL_CHOICES = [
    ("organisation.name", _("申请单位名称")),
    ("organisation.credit_code", _("统一社会信用代码")),
    ("organisation.region", _("所在地（省市区）")),
    ("organisation.address", _("详细地址")),
    ("organisation.contact_name", _("联系人")),
    ("organisation.contact_mobile", _("联系人手机号")),
    ("organisation.contact_phone", _("联系电话")),
    ("user.real_name", _("填表人姓名")),
    ("user.mobile", _("填表人手机号")),
]


class SchemaField(BaseField):
    field_class = forms.CharField
    widget = None
    icon = "placeholder"
    label = None
    # Offer the editor the "预填" choice for this type.
    prefillable = True
    # File types store a list of attachment references and take uploads (see accepts_uploads).
    accepts_uploads = False

    # ----- the editor's side: the StructBlock in the form builder -----
    def extra_blocks(self):
        """Type-specific settings, inserted after the common ones."""
        return []

    def get_form_block(self):
        children = [
            ("label", blocks.CharBlock(label=_("标签"))),
            ("key", KeyBlock()),
            ("help_text", blocks.CharBlock(required=False, label=_("帮助文本"))),
            ("required", blocks.BooleanBlock(required=False, default=True, label=_("必填"))),
            *self.extra_blocks(),
        ]
        if self.prefillable:
            children.append(
                ("prefill", blocks.ChoiceBlock(choices=PREFILL_CHOICES, required=False, label=_("从账号信息预填")))
            )
        children.append(("show_when", ConditionBlock(required=False)))
        return blocks.StructBlock(children, icon=self.icon, label=self.label)

    # ----- the applicant's side: the Django form field -----
    @classmethod
    def get_formfield_name(cls, block_value):
        return block_value["key"]

    def get_options(self, block_value):
        label = block_value["label"]
        return {
            "label": label,
            "help_text": block_value.get("help_text") or "",
            "required": bool(block_value.get("required")),
            "error_messages": {"required": self.required_message(label)},
        }

    def required_message(self, label):
        return _("请填写%(label)s。") % {"label": label}

    # ----- raw values: what was typed, kept in the draft even when invalid -----
    def raw_from_post(self, formfield, html_name, data, files):
        """The JSON-storable value the browser sent for this field."""
        value = formfield.widget.value_from_datadict(data, files, html_name)
        return value.strip() if isinstance(value, str) else value

    def is_empty(self, raw):
        return raw is None or raw == "" or raw == [] or raw == {} or raw is False

    def display(self, block_value, raw):
        """The value as text for the check page and the printed form."""
        if self.is_empty(raw):
            return ""
        if isinstance(raw, (list, tuple)):
            return gettext("、").join(str(v) for v in raw)
        return str(raw)

    def matches(self, raw, expected):
        """Whether a display condition "this field equals `expected`" holds."""
        expected = (expected or "").strip()
        if isinstance(raw, (list, tuple)):
            return expected in [str(v) for v in raw]
        if isinstance(raw, bool):
            return raw == (expected in ("是", "true", "True", "1", "on"))
        return str(raw or "").strip() == expected

    def prefill_value(self, block_value, source_value):
        """The raw value to start a draft with, from the account value `source_value`."""
        return source_value
