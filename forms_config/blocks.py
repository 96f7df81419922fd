"""StreamField blocks an editor builds an application form (申请书) from.

A form is an ordered list of pages (申请书的各页). Each page holds a stream of field blocks; the
field blocks are whatever field types are registered with wagtailstreamforms
(`forms_config/wagtailstreamforms_fields.py`), reused through its `FormFieldStreamBlock`.
Pages and fields may carry a condition (显示条件): shown only when another field has a value.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtailstreamforms.streamfield import FormFieldStreamBlock

from .keys import KEY_HELP, KEY_INVALID, KEY_RE, key_from_label, unique_key


class ConditionBlock(blocks.StructBlock):
    field = blocks.CharBlock(required=False, label=_("条件字段键"), help_text=_("另一个字段的字段键；留空表示始终显示"))
    value = blocks.CharBlock(
        required=False,
        label=_("等于"),
        help_text=_("等于此值时显示（多选字段：包含此值；勾选框：填“是”）；多个值用 | 分隔，等于其一即显示"),
    )

    class Meta:
        label = _("显示条件")
        form_classname = "struct-block condition-block"


class KeyBlock(blocks.CharBlock):
    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=50, label=_("字段键"), help_text=KEY_HELP, **kwargs)


class FieldsBlock(FormFieldStreamBlock):
    """wagtailstreamforms' block of field blocks, keeping its options: its __init__ calls Block.__init__()
    without them, so the label was lost and the editor showed the child's name, "Fields"."""

    def __init__(self, local_blocks=None, **kwargs):
        super().__init__(local_blocks, **kwargs)
        for attr, value in kwargs.items():
            setattr(self.meta, attr, value)
        self.label = self.meta.label or ""


class PageBlock(blocks.StructBlock):
    """一页: a titled group of fields, optionally shown only under a condition."""

    title = blocks.CharBlock(label=_("页标题"))
    key = KeyBlock()
    intro = blocks.TextBlock(required=False, label=_("填写说明"))
    show_when = ConditionBlock(required=False)
    fields = FieldsBlock(label=_("字段"))

    class Meta:
        icon = "doc-empty"
        label = _("页")
        label_format = "{title}"


class SchemaPagesBlock(blocks.StreamBlock):
    """The pages of one form. Its clean() gives every page and field its stable key."""

    page = PageBlock()

    class Meta:
        min_num = 1
        block_counts = {}

    def clean(self, value):
        value = super().clean(value)
        explicit_fields = [f.value.get("key") for p in value for f in p.value["fields"] if f.value.get("key")]
        # Explicit keys first, so a key derived from a label never takes one an editor typed.
        taken_fields = set(explicit_fields)
        taken_pages = {p.value.get("key") for p in value if p.value.get("key")}
        duplicates = {k for k in explicit_fields if explicit_fields.count(k) > 1}
        errors = {}
        for index, page in enumerate(value):
            page_value = page.value
            page_value["key"] = self._fill(page_value, taken_pages, "p")
            field_errors = {}
            for f_index, child in enumerate(page_value["fields"]):
                field_value = child.value
                key = field_value.get("key")
                if key and not KEY_RE.match(key):
                    field_errors[f_index] = ValidationError(KEY_INVALID % {"key": key})
                    continue
                if key in duplicates:
                    field_errors[f_index] = ValidationError(
                        _("字段键“%(key)s”在本表单中重复，每个字段的字段键必须唯一。") % {"key": key}
                    )
                    continue
                field_value["key"] = self._fill(field_value, taken_fields, "f")
            if field_errors:
                errors[index] = StructBlockValidationError(
                    block_errors={"fields": blocks.StreamBlockValidationError(block_errors=field_errors)}
                )
        if errors:
            raise blocks.StreamBlockValidationError(block_errors=errors)
        return value

    @staticmethod
    def _fill(struct_value, taken, prefix):
        key = struct_value.get("key") or unique_key(
            key_from_label(struct_value.get("label") or struct_value.get("title"), prefix), taken
        )
        taken.add(key)
        return key
