"""The contract every application-form field type fulfils (see the package docstring)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
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
    # Set by the application itself (workflows.services.create_draft), not by the account.
    ("application.kind", _("申请类别（由申请类型决定：新申请、换证、增项、变更）")),
    # Files, for the file types only: copied into the draft as its attachments when it starts.
    ("organisation.business_licence", _("营业执照（注册时上传的）")),
    ("license.document", _("现有许可证（换证、增项、变更时，许可证登记中的许可证）")),
]
FILE_PREFILL_SOURCES = ("organisation.business_licence", "license.document")


class FieldBlock(blocks.StructBlock):
    """A field's settings in the form builder; refuses 锁定 without a prefill source (the applicant
    could then never give the field a value)."""

    class Meta:
        # The collapsed panel's heading shows the field's label; by default Wagtail shows the
        # first filled setting, which for a new field is 必填's "是".
        label_format = "{label}"

    def clean(self, value):
        value = super().clean(value)
        if value.get("locked") and not value.get("prefill"):
            raise StructBlockValidationError(
                block_errors={"locked": ValidationError(_("锁定的字段须选择预填来源，否则申请人无法填写。"))}
            )
        return value


class SchemaField(BaseField):
    field_class = forms.CharField
    widget = None
    icon = "placeholder"
    label = None
    # Offer the editor the "预填" choice (and 锁定) for this type.
    prefillable = True
    # File types store a list of attachment references and take uploads (see accepts_uploads).
    accepts_uploads = False

    # ----- the editor's side: the StructBlock in the form builder -----
    def extra_blocks(self):
        """Type-specific settings, inserted after the common ones."""
        return []

    def prefill_choices(self):
        """The prefill sources this type can take: values for typed fields, files for uploads."""
        return [choice for choice in PREFILL_CHOICES if choice[0] not in FILE_PREFILL_SOURCES]

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
                (
                    "prefill",
                    blocks.ChoiceBlock(choices=self.prefill_choices(), required=False, label=_("从账号信息预填")),
                )
            )
            children.append(
                (
                    "locked",
                    blocks.BooleanBlock(
                        required=False,
                        default=False,
                        label=_("锁定（申请人不能修改）"),
                        help_text=_("值只来自预填来源，申请人看得到、不能修改；提交的其他值一律不予保存"),
                    ),
                )
            )
        children.append(("show_when", ConditionBlock(required=False)))
        return FieldBlock(children, icon=self.icon, label=self.label)

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
        """The raw value to start a draft with, from the account value `source_value` (a tuple:
        alternative wordings of one value, the first one this field can take wins)."""
        if isinstance(source_value, tuple):
            return source_value[0] if source_value else ""
        return source_value
