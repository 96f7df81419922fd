"""Widgets of the application form's compound field types: region cascade, repeating table,
attachments and the declaration checkbox.

A page form is bound either to a POST or to the plain dict of stored raw values
(`{"f-<key>": raw}`, see schema.PageForm), so every `value_from_datadict` here accepts both: the
stored raw value sits under the field's own html name, a POST has one entry per control.

The templates live in templates/forms_config/widgets/ and are rendered with the project's
template engine (Django's default form renderer only searches app directories). Without
JavaScript they are complete forms; static/js/form_widgets.js adds the cascade and the
添加一行 / 删除 buttons to elements carrying data-form-widget.
"""

from django import forms
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Region

REGION_LEVELS = (
    (1, "province", _("省（自治区、直辖市）"), _("选择省")),
    (2, "city", _("市"), _("选择市")),
    (3, "county", _("区（县）"), _("选择区/县")),
)


def shared_attrs(attrs):
    """The attributes the bound field sets (aria-describedby, aria-invalid, disabled) for every
    control of a compound widget; ids are per control."""
    return {k: v for k, v in attrs.items() if k != "id"}


class ProjectTemplateWidget(forms.Widget):
    def _render(self, template_name, context, renderer=None):
        # S308: the output of an auto-escaping project template.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308

    def use_required_attribute(self, initial):
        # One field spans several controls, and a draft may be saved half filled.
        return False


def region_at_depth(code, depth):
    """The ancestor of `code` at level `depth` (GB/T 2260 codes nest by prefix), or the
    code itself when it is not deeper; "" for anything that is not a six-digit code."""
    if not isinstance(code, str) or len(code) != 6 or not code.isascii() or not code.isdigit():
        return ""
    if depth == 1:
        return code[:2] + "0000"
    if depth == 2 and code[4:] != "00":
        return code[:4] + "00"
    return code


def region_lineage_codes(code):
    """(province, city, county) codes of a six-digit code, "" where the code is not that deep."""
    if not region_at_depth(code, 3) or code[:2] == "00":
        return "", "", ""
    province = code[:2] + "0000"
    city = code[:4] + "00" if code[2:4] != "00" else ""
    county = code if city and code[4:] != "00" else ""
    return province, city, county


class RegionWidget(ProjectTemplateWidget):
    """省 / 市 / 区 selects named <name>-province, -city, -county (as deep as `depth`).

    The lists are narrowed on the server from the value, in one query, so a form that comes back
    shows the right choices without JavaScript."""

    template_name = "forms_config/widgets/region.html"

    def __init__(self, depth=3, label="", attrs=None):
        self.depth = depth
        self.label = label
        super().__init__(attrs)

    def levels(self):
        return REGION_LEVELS[: self.depth]

    def subname(self, name, level_name):
        return f"{name}-{level_name}"

    def value_from_datadict(self, data, files, name):
        names = [self.subname(name, level_name) for _level, level_name, _l, _e in self.levels()]
        if not any(n in data for n in names):
            # The stored raw value (or a POST without this field).
            value = data.get(name)
            return "" if value is None else value
        code = ""
        for level, sub in enumerate(names, start=1):
            value = data.get(sub)
            value = value.strip() if isinstance(value, str) else ""
            if not value:
                break
            # Without JavaScript a stale city can stay selected after the province changed.
            if code and not (len(value) == 6 and value[: 2 * (level - 1)] == code[: 2 * (level - 1)]):
                break
            code = value
        return code

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(self.subname(name, lv[1]) in data for lv in self.levels())

    def id_for_label(self, id_):
        return f"{id_}-province" if id_ else id_

    def get_context(self, name, value, attrs):
        code = region_at_depth(value, self.depth)
        selected = dict(zip((1, 2, 3), region_lineage_codes(code), strict=True))
        query = Q(level=1)
        if self.depth >= 2 and selected[1]:
            query |= Q(parent_id=selected[1])
        if self.depth >= 3 and selected[2]:
            query |= Q(parent_id=selected[2])
        by_parent = {}
        for region_code, region_name, level, parent in Region.objects.filter(query).values_list(
            "code", "name", "level", "parent_id"
        ):
            by_parent.setdefault(parent if level > 1 else None, []).append((region_code, region_name))
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or ""
        selects = []
        for level, level_name, level_label, empty_label in self.levels():
            parent = None if level == 1 else selected[level - 1]
            options = by_parent.get(parent, []) if (level == 1 or parent) else []
            selects.append(
                {
                    "name": self.subname(name, level_name),
                    "id": f"{base_id}-{level_name}" if base_id else "",
                    "level": level,
                    "aria_label": f"{self.label}：{level_label}",
                    "empty_label": empty_label,
                    "options": options,
                    "selected": selected[level],
                    "disabled": level > 1 and not options,
                }
            )
        return {
            "widget": {
                "name": name,
                "attrs": attrs,
                "shared_attrs": shared_attrs(attrs),
                "selects": selects,
                "depth": self.depth,
            },
            "children_url": reverse("accounts:region_children", args=["CODE"]),
        }


class TableWidget(ProjectTemplateWidget):
    """A 重复表格: inputs <name>-<row>-<column key> and a hidden <name>-TOTAL row count.

    It shows the rows kept so far plus one empty row, so without JavaScript one row can be added
    per submission; a row whose cells are all empty is dropped."""

    template_name = "forms_config/widgets/table.html"

    def __init__(self, columns=(), max_rows=200, label="", attrs=None):
        self.columns = list(columns)
        self.max_rows = max_rows
        self.label = label
        super().__init__(attrs)

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, list):
            return value
        try:
            total = int(str(data.get(f"{name}-TOTAL") or "0"))
        except ValueError:
            total = 0
        # Never trust the count: a forged one must not make the server loop for long.
        total = max(0, min(total, 2 * self.max_rows + 10))
        rows = []
        for index in range(total):
            row = {}
            for column in self.columns:
                cell = data.get(f"{name}-{index}-{column.key}")
                row[column.key] = column.normalise(cell) if isinstance(cell, str) else ""
            if any(row.values()):
                rows.append(row)
        return rows

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}-TOTAL" not in data

    def id_for_label(self, id_):
        if id_ and self.columns:
            return f"{id_}-0-{self.columns[0].key}"
        return id_

    def get_context(self, name, value, attrs):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or ""
        stored = [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []
        if len(stored) < self.max_rows:
            stored.append({})
        rows = []
        for index, row in enumerate(stored):
            cells = []
            for column in self.columns:
                cell = row.get(column.key)
                cells.append(
                    {
                        "name": f"{name}-{index}-{column.key}",
                        "id": f"{base_id}-{index}-{column.key}" if base_id else "",
                        "column": column,
                        "value": cell if isinstance(cell, str) else "",
                        "aria_label": _("第 %(row)s 行 %(column)s") % {"row": index + 1, "column": column.label},
                    }
                )
            rows.append({"number": index + 1, "cells": cells})
        return {
            "widget": {
                "name": name,
                "attrs": attrs,
                "shared_attrs": shared_attrs(attrs),
                "columns": self.columns,
                "rows": rows,
                "total": len(rows),
                "max_rows": self.max_rows,
                "label": self.label,
            }
        }


class AttachmentInput(forms.FileInput):
    """<input type="file"> of a file field. Its value is the stored list of attachment references
    ({"id", "name", "size"}) when bound to stored data; uploads themselves go through
    workflows.services.attach_files, never through the form's cleaned data."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return value if isinstance(value, list) else []

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def use_required_attribute(self, initial):
        # Files already uploaded are listed by the page, not held by the input.
        return False


class MultipleAttachmentInput(AttachmentInput):
    allow_multiple_selected = True


class DeclarationWidget(forms.CheckboxInput):
    """承诺书's checkbox. The wording above it is the block's `text`, which the page template
    and the printed form show next to it (templates/workflows/_schema_field.html)."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return value.strip().lower() in ("on", "true", "1", "yes", "是")
        return False

    def use_required_attribute(self, initial):
        # A draft page is saved before the declaration is ticked.
        return False
