"""重复表格: rows of typed cells, e.g. 人员 (姓名, 身份证号码, 证书编号, 证书有效期) or 设备.

Columns carry stable keys like fields do (forms_config/keys.py): the raw value is a list of
rows `{column key: text}`, so renaming a column's label keeps what was typed. A column without a
key gets one from its label, the same way in the editor's block (`ColumnsBlock.clean`) and at run
time (`table_columns`), so a definition saved before that step still reads the same keys.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from core import masking

from ..keys import KEY_HELP, KEY_INVALID, KEY_RE, key_from_label, unique_key
from ..widgets import TableWidget
from .base import SchemaField
from .formats import COLUMN_CHECKS, COLUMN_NORMALISERS, normalise

COLUMN_TYPE_CHOICES = [
    ("text", _("文本")),
    ("number", _("数字")),
    ("integer", _("整数")),
    ("date", _("日期")),
    ("id_number", _("身份证号码")),
    ("mobile", _("手机号")),
    ("uscc", _("统一社会信用代码")),
]
# Cell types holding personal data, and how staff see them (masked_rows_for_display); a free
# 文本 cell has each mobile or ID number typed into it masked, as free-text fields do.
COLUMN_MASKS = {"id_number": masking.mask_id_number, "mobile": masking.mask_mobile, "text": masking.redact_text}
DEFAULT_MAX_ROWS = 200
MAX_MAX_ROWS = 1000
INPUT_TYPES = {"date": "date", "mobile": "tel"}
INPUT_ATTRS = {
    "text": {"maxlength": "200"},
    "number": {"inputmode": "decimal"},
    "integer": {"inputmode": "numeric"},
    "id_number": {"maxlength": "18", "autocomplete": "off", "spellcheck": "false"},
    "mobile": {"maxlength": "11", "inputmode": "numeric"},
    "uscc": {"maxlength": "18", "autocomplete": "off", "spellcheck": "false"},
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str = "text"
    required: bool = False
    input_attrs: dict = field(default_factory=dict, compare=False)

    @property
    def input_type(self):
        return INPUT_TYPES.get(self.type, "text")

    @property
    def css_class(self):
        """col-id-number, col-uscc, …: static/css/portal.css keeps the 18-character columns wide."""
        return "col-" + self.type.replace("_", "-")

    def normalise(self, cell):
        return COLUMN_NORMALISERS.get(self.type, normalise)(cell)

    def check(self, cell):
        return COLUMN_CHECKS[self.type](cell, self.label)


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def fill_column_keys(columns):
    """The key of each column: its own when valid, else one derived from its label; unique."""
    keys = [_text(c.get("key")) if isinstance(c, dict) else "" for c in columns]
    taken = {k for k in keys if KEY_RE.match(k)}
    seen = set()
    result = []
    for column, key in zip(columns, keys, strict=True):
        if not KEY_RE.match(key) or key in seen:
            label = column.get("label") if isinstance(column, dict) else ""
            key = unique_key(key_from_label(label, "c"), taken)
            taken.add(key)
        seen.add(key)
        result.append(key)
    return result


def table_columns(block_value):
    """The columns of a table field as `Column`s, keys filled in deterministically."""
    raw_columns = [c for c in (block_value.get("columns") or []) if isinstance(c, dict)]
    columns = []
    for column, key in zip(raw_columns, fill_column_keys(raw_columns), strict=True):
        kind = column.get("type") if column.get("type") in COLUMN_CHECKS else "text"
        columns.append(
            Column(
                key=key,
                label=_text(column.get("label")) or key,
                type=kind,
                required=bool(column.get("required")),
                input_attrs=INPUT_ATTRS.get(kind, {}),
            )
        )
    return columns


class ColumnsBlock(blocks.ListBlock):
    """The editor's list of columns; saving gives every column its stable key."""

    def __init__(self, **kwargs):
        child = blocks.StructBlock(
            [
                ("label", blocks.CharBlock(label=_("列标题"))),
                ("key", blocks.CharBlock(required=False, max_length=50, label=_("列键"), help_text=KEY_HELP)),
                ("type", blocks.ChoiceBlock(choices=COLUMN_TYPE_CHOICES, default="text", label=_("类型"))),
                ("required", blocks.BooleanBlock(required=False, default=True, label=_("必填"))),
            ],
            label=_("列"),
        )
        super().__init__(child, min_num=1, label=_("列"), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        keys = [_text(column.get("key")) for column in value]
        errors = {}
        for index, key in enumerate(keys):
            if key and not KEY_RE.match(key):
                errors[index] = KEY_INVALID % {"key": key}
            elif key and keys.count(key) > 1:
                errors[index] = _("列键“%(key)s”在本表格中重复。") % {"key": key}
        if errors:
            raise ListBlockValidationError(
                block_errors={
                    index: StructBlockValidationError(block_errors={"key": ValidationError(message)})
                    for index, message in errors.items()
                }
            )
        for column, key in zip(value, fill_column_keys(list(value)), strict=True):
            column["key"] = key
        return value


class TableFormField(forms.Field):
    def __init__(self, *, columns, min_rows=0, max_rows=DEFAULT_MAX_ROWS, **kwargs):
        self.columns = columns
        self.min_rows = min_rows
        self.max_rows = max_rows
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if not isinstance(value, list):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value

    def clean(self, value):
        rows = self.to_python(value)
        errors = []
        cleaned = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                errors.append(_("第 %(row)s 行的内容无效，请重新填写。") % {"row": number})
                continue
            if not any(row.get(c.key) for c in self.columns):
                continue
            cleaned_row = {}
            for column in self.columns:
                cell = row.get(column.key)
                prefix = _("第 %(row)s 行“%(column)s”：") % {"row": number, "column": column.label}
                if cell is None or cell == "":
                    if column.required:
                        errors.append(prefix + str(_("此项为必填项。")))
                    cleaned_row[column.key] = ""
                    continue
                if not isinstance(cell, str):
                    errors.append(prefix + str(_("内容无效，请重新填写。")))
                    continue
                try:
                    cleaned_row[column.key] = column.check(cell.strip())
                except ValidationError as error:
                    errors.extend(prefix + message for message in error.messages)
            cleaned.append(cleaned_row)
        if not cleaned and self.required and not errors:
            raise ValidationError(self.error_messages["required"], code="required")
        if cleaned and len(cleaned) < self.min_rows:
            errors.insert(0, self.error_messages["min_rows"])
        if len(cleaned) > self.max_rows:
            errors.insert(0, self.error_messages["max_rows"])
        if errors:
            raise ValidationError([ValidationError(str(e), code="invalid") for e in errors])
        return cleaned


class TableField(SchemaField):
    field_class = TableFormField
    icon = "table"
    label = _("重复表格")
    prefillable = False

    def extra_blocks(self):
        return [
            ("columns", ColumnsBlock()),
            (
                "min_rows",
                blocks.IntegerBlock(
                    required=False,
                    min_value=0,
                    max_value=MAX_MAX_ROWS,
                    label=_("最少行数"),
                    help_text=_("留空：必填时至少 1 行，否则不限"),
                ),
            ),
            (
                "max_rows",
                blocks.IntegerBlock(
                    required=False, default=DEFAULT_MAX_ROWS, min_value=1, max_value=MAX_MAX_ROWS, label=_("最多行数")
                ),
            ),
        ]

    def row_limits(self, block_value):
        max_rows = block_value.get("max_rows")
        if type(max_rows) is not int or max_rows < 1:
            max_rows = DEFAULT_MAX_ROWS
        max_rows = min(max_rows, MAX_MAX_ROWS)
        min_rows = block_value.get("min_rows")
        if type(min_rows) is not int or min_rows < 0:
            min_rows = 1 if block_value.get("required") else 0
        return min(min_rows, max_rows), max_rows

    def get_options(self, block_value):
        options = super().get_options(block_value)
        label = block_value["label"]
        min_rows, max_rows = self.row_limits(block_value)
        columns = table_columns(block_value)
        if block_value.get("required") and min_rows > 1:
            # "至少 3 行" tells more than "请填写" when nothing is filled in.
            options["error_messages"]["required"] = ngettext(
                "%(label)s至少填写 %(n)s 行。", "%(label)s至少填写 %(n)s 行。", min_rows
            ) % {
                "label": label,
                "n": min_rows,
            }
        options["error_messages"].update(
            invalid=_("%(label)s的内容无效，请重新填写。") % {"label": label},
            min_rows=ngettext(
                "%(label)s至少填写 %(n)s 行。",
                "%(label)s至少填写 %(n)s 行。",
                min_rows,
            )
            % {"label": label, "n": min_rows},
            max_rows=ngettext(
                "%(label)s最多填写 %(n)s 行。",
                "%(label)s最多填写 %(n)s 行。",
                max_rows,
            )
            % {"label": label, "n": max_rows},
        )
        options.update(
            columns=columns,
            min_rows=min_rows,
            max_rows=max_rows,
            widget=TableWidget(columns=columns, max_rows=max_rows, label=label),
        )
        return options

    def rows_for_display(self, block_value, raw):
        """(column labels, [[cell text, ...], ...]) for printing the table; empty rows left out."""
        columns = table_columns(block_value)
        rows = []
        for row in raw if isinstance(raw, list) else []:
            if not isinstance(row, dict):
                continue
            cells = [row.get(c.key) if isinstance(row.get(c.key), str) else "" for c in columns]
            if any(cells):
                rows.append(cells)
        return [c.label for c in columns], rows

    def masked_rows_for_display(self, block_value, raw):
        """rows_for_display with 身份证号码 and 手机号 columns masked and the numbers in 文本 cells, for staff
        (core.masking)."""
        labels, rows = self.rows_for_display(block_value, raw)
        maskers = [COLUMN_MASKS.get(c.type) for c in table_columns(block_value)]
        return labels, [[mask(cell) if mask else cell for mask, cell in zip(maskers, row, strict=True)] for row in rows]

    def display(self, block_value, raw):
        _labels, rows = self.rows_for_display(block_value, raw)
        return self._joined(rows)

    def masked_display(self, block_value, raw):
        _labels, rows = self.masked_rows_for_display(block_value, raw)
        return self._joined(rows)

    @staticmethod
    def _joined(rows):
        return "；".join("，".join(cell or "—" for cell in row) for row in rows)

    def matches(self, raw, expected):
        # A table can only be tested for having rows ("是").
        has_rows = isinstance(raw, list) and any(isinstance(row, dict) and any(row.values()) for row in raw)
        return has_rows == ((expected or "").strip() in ("是", "true", "True", "1", "on"))
