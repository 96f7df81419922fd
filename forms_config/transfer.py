"""Moving an application form between sites (表单导入/导出).

An editor exports an `ApplicationFormSchema` as a JSON file and imports it on another site, or on
the same one as a copy. The file is plain data, read with `json` only (nothing in it is executed),
and is checked as strictly as the admin's own form before anything is saved:

    {
      "format": "tsxk-application-form",   # what the file is; anything else is refused
      "version": 1,                        # the format's version; a newer one is refused
      "exported_at": "2026-11-26T12:00:00+00:00",
      "name": "特种设备生产单位许可申请书",   # the form's 表单名称
      "description": "…",                  # its 说明
      "pages": [                           # the `pages` StreamField's JSON, without block ids
        {"type": "page", "value": {"title", "key", "intro", "show_when",
                                   "fields": [{"type": <field type>, "value": {<its settings>}}]}}
      ]
    }

Other top-level members are ignored (room for later metadata); inside `pages` every block type and
every setting must be known here, because Wagtail would otherwise drop them without a word and the
imported form would silently lack fields. The pages then go through the StreamField's own
`to_python` + `clean` (`SchemaPagesBlock.clean`: key formats, duplicate keys, keys filled in from
labels), so an imported form is exactly what an editor could have saved. Every problem is reported
in Chinese with the page and field it is on.

An import always creates a new snippet: a draft (not live) with one revision by the importing
user, named "<name>（导入）" or as given, with a number added when the name is taken. It never
touches an existing form, so in-flight applications and their frozen versions are unaffected.
"""

import copy
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from unidecode import unidecode
from wagtail import blocks
from wagtail.actions.create import CreateAction
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtailstreamforms.streamfield import FormFieldStreamBlock

from .blocks import SchemaPagesBlock
from .models import ApplicationFormSchema, _plain

FORMAT = "tsxk-application-form"
VERSION = 1
# The standard application form (forms_config/data/application_form.json) is about 15 KB; a real form
# with hundreds of fields stays well under this.
MAX_IMPORT_BYTES = 1024 * 1024
# More messages than this help nobody: the editor fixes the first ones and tries again.
MAX_MESSAGES = 30
TITLE_MAX_LENGTH = ApplicationFormSchema._meta.get_field("title").max_length


class SchemaImportError(ValidationError):
    """The file cannot be imported; `.messages` says why, in Chinese, with where."""


# --- export ---------------------------------------------------------------------------------


def export_schema(schema, *, live=False):
    """The transfer format of `schema`: by default its latest content (what the edit page shows,
    an unpublished draft included); with `live=True` its published content."""
    if live:
        if not schema.live:
            message = _("申请书表单“%(title)s”尚未发布，没有可导出的已发布内容。")
            raise ValidationError(message % {"title": schema.title})
        content = schema
    else:
        content = schema.get_latest_revision_as_object()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().replace(microsecond=0).isoformat(),
        "name": content.title,
        "description": content.description,
        "pages": _pages_json(content.pages),
    }


def _pages_json(pages):
    """The pages as the import would store them, so export → import → export is the same file.

    Cleaning gives empty settings the value an editor's save gives them ("" rather than a missing
    or null choice). A draft that does not validate yet is exported as it is: the import on the
    other side then says what to fix."""
    block = pages.stream_block
    plain = _plain_value(block, pages)
    try:
        return _plain_value(block, block.clean(block.to_python(copy.deepcopy(plain))))
    except ValidationError:
        return plain


def _plain_value(block, value):
    """The JSON of a block value with every setting present, without block ids or ListBlock's item
    wrappers. StreamField's own get_prep_value returns blocks nobody has read yet as they were
    stored, so a form saved from code lacks the settings an editor's save fills in; walking the
    values gives the same file however the form was saved."""
    if isinstance(block, blocks.BaseStreamBlock):
        return [{"type": child.block_type, "value": _plain_value(child.block, child.value)} for child in value]
    if isinstance(block, blocks.BaseStructBlock):
        return {name: _plain_value(child, value.get(name)) for name, child in block.child_blocks.items()}
    if isinstance(block, blocks.ListBlock):
        return [_plain_value(block.child_block, item) for item in value]
    return block.get_prep_value(value)


def dumps(data):
    """The file's text: UTF-8 JSON, indented so a diff between two exports is readable."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_filename(schema):
    """`<slug>.json` from the title's pinyin, or `application-form-<id>.json`."""
    slug = slugify(unidecode(schema.title or ""))[:80].strip("-")
    return f"{slug or f'application-form-{schema.pk}'}.json"


# --- reading a file -------------------------------------------------------------------------


def load_json(content):
    """The parsed JSON of an uploaded file's bytes, or SchemaImportError."""
    if len(content) > MAX_IMPORT_BYTES:
        raise SchemaImportError(too_big_message())
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SchemaImportError(_("文件不是 UTF-8 编码的文本，请上传本系统导出的 JSON 文件。")) from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise SchemaImportError(
            _("文件不是有效的 JSON：第 %(line)d 行第 %(column)d 列附近有错误。")
            % {"line": error.lineno, "column": error.colno}
        ) from None
    except (ValueError, RecursionError):
        raise SchemaImportError(_("文件不是有效的 JSON。")) from None


def too_big_message():
    return _("文件太大：导入文件不能超过 %(size)d KB。") % {"size": MAX_IMPORT_BYTES // 1024}


def _refuse_constant(name):
    # NaN and Infinity are not JSON, although Python's parser accepts them.
    raise ValueError(name)


# --- import ---------------------------------------------------------------------------------


def import_schema(data, *, name=None, user=None):
    """A new draft ApplicationFormSchema from exported `data` (a parsed file).

    Raises SchemaImportError when the data is not a valid form, and Wagtail's CreatePermissionError
    (a PermissionDenied) when `user` may not add form schemas. `user=None` (the shell) skips the
    permission check."""
    pages, meta = validate(data)
    given = (name or "").strip()
    if len(given) > TITLE_MAX_LENGTH:
        raise SchemaImportError(_("表单名称不能超过 %(max)d 个字符。") % {"max": TITLE_MAX_LENGTH})
    with transaction.atomic():
        if given:
            title = _unique_title(given, lambda s: s, lambda s, n: f"{s}（{n}）")
        else:
            title = _unique_title(
                meta["name"],
                lambda s: _("%(name)s（导入）") % {"name": s},
                lambda s, n: _("%(name)s（导入 %(n)d）") % {"name": s, "n": n},
            )
        schema = ApplicationFormSchema(title=title, description=meta["description"], pages=pages)
        # Wagtail's own create action: not live, a first revision by `user`, the history entry.
        return CreateAction(schema, user=user).execute()


def validate(data):
    """(the cleaned StreamValue of the pages, {"name", "description"}) or SchemaImportError."""
    if not isinstance(data, dict):
        raise SchemaImportError(_("文件不是申请书表单的导出文件：内容应为一个 JSON 对象。"))
    if data.get("format") != FORMAT:
        raise SchemaImportError(_("文件不是申请书表单的导出文件（format 应为“%(format)s”）。") % {"format": FORMAT})
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SchemaImportError(_("文件的格式版本（version）无效。"))
    if version > VERSION:
        raise SchemaImportError(
            _("文件的格式版本为 %(version)d，本站只能导入版本 %(supported)d：请升级本站后再导入。")
            % {"version": version, "supported": VERSION}
        )

    problems = []
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(_("文件缺少表单名称（name）。"))
    elif len(name.strip()) > TITLE_MAX_LENGTH:
        problems.append(_("表单名称不能超过 %(max)d 个字符。") % {"max": TITLE_MAX_LENGTH})
    description = data.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        problems.append(_("表单说明（description）应为文本。"))
    raw_pages = data.get("pages")
    if not isinstance(raw_pages, list) or not raw_pages:
        problems.append(_("文件中没有申请书的页（pages 应为至少含一页的列表）。"))
    if problems:
        raise SchemaImportError(problems)

    block = ApplicationFormSchema._meta.get_field("pages").stream_block
    _check_shape(block, raw_pages, [], problems)
    if problems:
        raise SchemaImportError(_limited(problems))
    # Block ids from a hand-made file are dropped: the new form's blocks get ids of their own.
    raw_pages = _plain(raw_pages)
    try:
        value = block.clean(block.to_python(raw_pages))
    except ValidationError as error:
        _error_messages(block, raw_pages, error, [], problems)
        raise SchemaImportError(_limited(problems) or [_("表单内容有误，无法导入。")]) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        # A value of a shape no block expects that the checks above let through.
        raise SchemaImportError(_("表单内容的格式有误，无法导入。")) from None
    return value, {"name": name.strip(), "description": description}


def _unique_title(name, first, numbered):
    """`first(name)`, or `numbered(name, 2)`, `numbered(name, 3)`, ... whichever no form has yet,
    the name shortened so that the title fits the column."""

    def fit(make):
        text = make(name)
        overflow = len(text) - TITLE_MAX_LENGTH
        return make(name[: len(name) - overflow]) if overflow > 0 else text

    candidate, n = fit(first), 2
    while ApplicationFormSchema.objects.filter(title=candidate).exists():
        candidate = fit(lambda s, n=n: numbered(s, n))
        n += 1
    return candidate


def _limited(messages):
    if len(messages) <= MAX_MESSAGES:
        return messages
    rest = len(messages) - MAX_MESSAGES
    return messages[:MAX_MESSAGES] + [_("……另有 %(count)d 处问题未列出。") % {"count": rest}]


# --- where a problem is, in words ----------------------------------------------------------


def _at(where, message):
    return f"{'，'.join(where)}：{message}" if where else str(message)


def _item_label(block, index, item):
    value = item.get("value") if isinstance(item, dict) else None
    value = value if isinstance(value, dict) else {}
    if isinstance(block, SchemaPagesBlock):
        title = value.get("title")
        if isinstance(title, str) and title:
            return _("第 %(n)d 页“%(title)s”") % {"n": index + 1, "title": title}
        return _("第 %(n)d 页") % {"n": index + 1}
    if isinstance(block, FormFieldStreamBlock):
        label = value.get("label")
        if isinstance(label, str) and label:
            return _("第 %(n)d 个字段“%(label)s”") % {"n": index + 1, "label": label}
        return _("第 %(n)d 个字段") % {"n": index + 1}
    return _("第 %(n)d 项") % {"n": index + 1}


def _list_item_label(block, index, item):
    prefix = str(block.label or "")
    label = item.get("label") if isinstance(item, dict) else None
    if isinstance(label, str) and label:
        return _("%(list)s第 %(n)d 项“%(label)s”") % {"list": prefix, "n": index + 1, "label": label}
    return _("%(list)s第 %(n)d 项") % {"list": prefix, "n": index + 1}


def _child_where(where, child_block):
    # A stream or list names its own items (第 2 页, 第 3 个字段, 列第 1 项); a setting is named by its label.
    if isinstance(child_block, (blocks.BaseStreamBlock, blocks.ListBlock)):
        return where
    return [*where, str(child_block.label or child_block.name)]


def _unwrap_list_item(item):
    # ListBlock's stored form wraps each item as {"type": "item", "value": ..., "id": ...}.
    if (
        isinstance(item, dict)
        and item.get("type") == "item"
        and "value" in item
        and set(item) <= {"type", "value", "id"}
    ):
        return item["value"]
    return item


def _is_scalar(value):
    return value is None or isinstance(value, (str, bool, int, float))


def _check_shape(block, raw, where, problems):
    """JSON types against the block tree, before Wagtail sees the data: Wagtail drops unknown block
    types silently and fails with a Python error on a list where a dict belongs."""
    if isinstance(block, blocks.BaseStreamBlock):
        if not isinstance(raw, list):
            problems.append(_at(where, _("应为列表。")))
            return
        for index, item in enumerate(raw):
            label = _item_label(block, index, item)
            if not isinstance(item, dict) or not isinstance(item.get("type"), str) or "value" not in item:
                problems.append(_at([*where, label], _("格式有误：每一项应包含 type 和 value。")))
                continue
            child = block.child_blocks.get(item["type"])
            if child is None:
                if isinstance(block, FormFieldStreamBlock):
                    message = _("未知的字段类型“%(type)s”。本站支持的字段类型：%(known)s。") % {
                        "type": item["type"],
                        "known": "、".join(block.child_blocks),
                    }
                elif isinstance(block, SchemaPagesBlock):
                    message = _("未知的类型“%(type)s”：申请书的每一项都应是页（page）。") % {"type": item["type"]}
                else:
                    message = _("未知的类型“%(type)s”。") % {"type": item["type"]}
                problems.append(_at([*where, label], message))
                continue
            extra = sorted(set(item) - {"type", "value", "id"})
            if extra:
                problems.append(_at([*where, label], _("未知的属性：%(names)s。") % {"names": "、".join(extra)}))
            _check_shape(child, item["value"], [*where, label], problems)
    elif isinstance(block, blocks.BaseStructBlock):
        if not isinstance(raw, dict):
            problems.append(_at(where, _("应为 JSON 对象。")))
            return
        unknown = sorted(str(name) for name in set(raw) - set(block.child_blocks))
        if unknown:
            problems.append(_at(where, _("未知的设置：%(names)s。") % {"names": "、".join(unknown)}))
        for name, child in block.child_blocks.items():
            if name in raw:
                _check_shape(child, raw[name], _child_where(where, child), problems)
    elif isinstance(block, blocks.ListBlock):
        if not isinstance(raw, list):
            problems.append(_at([*where, str(block.label or block.name)], _("应为列表。")))
            return
        for index, item in enumerate(raw):
            item = _unwrap_list_item(item)
            _check_shape(block.child_block, item, [*where, _list_item_label(block, index, item)], problems)
    else:
        # A plain setting: text, number, yes/no, or a list of them (multiple choices).
        if _is_scalar(raw) or (isinstance(raw, list) and all(_is_scalar(v) for v in raw)):
            return
        problems.append(_at(where, _("值的类型有误。")))


def _error_messages(block, raw, error, where, problems):
    """Wagtail's nested block errors as flat Chinese messages with where each one is."""
    if isinstance(error, blocks.StreamBlockValidationError):
        problems.extend(_at(where, m) for e in error.non_block_errors.as_data() for m in e.messages)
        for index, child_error in sorted(error.block_errors.items()):
            item = raw[index] if isinstance(raw, list) and index < len(raw) else {}
            child = block.child_blocks.get(item.get("type")) if isinstance(item, dict) else None
            label = _item_label(block, index, item)
            if child is None:
                problems.extend(_at([*where, label], m) for m in child_error.messages)
                continue
            _error_messages(child, item.get("value"), child_error, [*where, label], problems)
    elif isinstance(error, StructBlockValidationError):
        problems.extend(_at(where, m) for e in error.non_block_errors.as_data() for m in e.messages)
        for name, child_error in error.block_errors.items():
            child = block.child_blocks.get(name)
            child_raw = raw.get(name) if isinstance(raw, dict) else None
            child_where = _child_where(where, child) if child is not None else [*where, str(name)]
            if child is None:
                problems.extend(_at(child_where, m) for m in child_error.messages)
                continue
            _error_messages(child, child_raw, child_error, child_where, problems)
    elif isinstance(error, ListBlockValidationError):
        list_where = [*where, str(block.label or block.name)]
        problems.extend(_at(list_where, m) for e in error.non_block_errors.as_data() for m in e.messages)
        for index, child_error in sorted(error.block_errors.items()):
            item = _unwrap_list_item(raw[index]) if isinstance(raw, list) and index < len(raw) else None
            label = _list_item_label(block, index, item)
            _error_messages(block.child_block, item, child_error, [*where, label], problems)
    else:
        problems.extend(_at(where, m) for m in error.messages)
