"""版本: the published versions of an application form, what changed between them, and what a new
publication affects.

A version is a publication, read from Wagtail's log (the `wagtail.publish` entries with their
revision: when, who, which content). `FormSchemaVersion` rows are not the list: they are frozen
lazily, when an application starts (`FormSchemaVersion.objects.freeze`), so a version nobody has
started an application with has none. A publication's applications are those whose frozen version
has the same content hash.

forms_config sits below workflows and beside cms (docs/architecture.md, layers), so the counts go
through the reverse relations the upper apps declare on our models, never their modules:
`FormSchemaVersion.applications` (workflows.Application.schema_version) and
`ApplicationFormSchema.license_items` (cms.LicenseItemPage.application_form).

The diff is keyed by the stable page and field keys (forms_config/keys.py), so a relabelled field
reads as 修改, not as one field removed and another added. Setting names and choice labels come from
the field type's own block in the form builder, so a new setting shows with its label unasked.
"""

from dataclasses import dataclass, field
from functools import cache

from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.models import ModelLogEntry
from wagtailstreamforms.fields import get_fields

from .blocks import ConditionBlock, PageBlock
from .models import FormSchemaVersion, content_hash

PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")
# workflows.models.ApplicationState.DRAFT: a value, since forms_config may not import workflows.
DRAFT_STATE = "draft"
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
KIND_LABELS = {ADDED: _("新增"), REMOVED: _("删除"), CHANGED: _("修改")}
TEXT_LIMIT = 80


@dataclass
class Change:
    kind: str  # ADDED, REMOVED or CHANGED
    subject: str  # 页“…”, 字段“…”, 表单名称, 页的顺序
    details: list = field(default_factory=list)
    key: str = ""  # the page's or field's key, shown as typed text next to the subject

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]


@dataclass
class PublishedVersion:
    number: int  # 1 for the first publication
    revision_id: int
    published_at: object
    published_by: str
    content_hash: str
    application_count: int
    changes: list  # against the previous publication; None for the first
    summary: str  # 共 N 页、M 个字段
    live: bool = False  # what new applicants get now


@dataclass
class PublishImpact:
    """Who a new publication of a form concerns: the live licence items that use it (their new
    applications get the new version) and the open drafts (they keep the version they froze)."""

    live_items: list
    open_drafts: int

    @property
    def needs_confirmation(self):
        return bool(self.live_items) or self.open_drafts > 0


# ----- the versions and the impact ----------------------------------------------------------------
def revision_definition(revision):
    """The form definition a revision holds, as `FormSchemaVersion.objects.freeze` would store it."""
    return revision.as_object().definition()


def published_versions(schema):
    """Every publication of `schema`, newest first, each compared with the one before it."""
    entries = (
        ModelLogEntry.objects.for_instance(schema)
        .filter(action__in=PUBLISH_ACTIONS, revision__isnull=False)
        .select_related("revision", "user")
        .order_by("timestamp", "pk")
    )
    found = []
    for entry in entries:
        revision = entry.revision
        if revision is None:  # a revision purged since (the log keeps a dangling id)
            continue
        definition = revision_definition(revision)
        found.append((entry, revision, definition, content_hash(definition)))
    counts = dict(
        FormSchemaVersion.objects.filter(content_hash__in={digest for *_rest, digest in found})
        .annotate(n=Count("applications"))
        .values_list("content_hash", "n")
    )
    versions = []
    previous = None
    for number, (entry, revision, definition, digest) in enumerate(found, start=1):
        versions.append(
            PublishedVersion(
                number=number,
                revision_id=revision.pk,
                published_at=entry.timestamp,
                published_by=_publisher(entry),
                content_hash=digest,
                application_count=counts.get(digest, 0),
                changes=None if previous is None else diff_definitions(previous, definition),
                summary=summary(definition),
            )
        )
        previous = definition
    if versions and schema.live and schema.live_revision_id == versions[-1].revision_id:
        versions[-1].live = True
    return versions[::-1]


def _publisher(entry):
    if not entry.user_id:
        return gettext("系统")
    return getattr(entry.user, "real_name", "") or entry.user_display_name


def publish_impact(schema):
    items = list(schema.license_items.filter(live=True).order_by("path"))
    drafts = FormSchemaVersion.objects.filter(schema=schema).aggregate(
        n=Count("applications", filter=Q(applications__state=DRAFT_STATE))
    )["n"]
    return PublishImpact(live_items=items, open_drafts=drafts or 0)


def pending_changes(schema, revision):
    """What publishing `revision` would change against what is live (everything, when nothing is)."""
    new = revision_definition(revision)
    if not schema.live or schema.live_revision is None:
        return None
    return diff_definitions(revision_definition(schema.live_revision), new)


def summary(definition):
    pages = definition.get("pages") or []
    fields = sum(len(page.get("fields") or []) for page in pages)
    return gettext("共 %(pages)d 页、%(fields)d 个字段") % {"pages": len(pages), "fields": fields}


# ----- the diff -----------------------------------------------------------------------------------
def diff_definitions(old, new):
    """The changes from definition `old` to `new` (the JSON of FormSchemaVersion.definition), in the
    new form's order: its title, each page with its fields, then what was removed."""
    changes = []
    if (old.get("title") or "") != (new.get("title") or ""):
        changes.append(Change(CHANGED, gettext("表单名称"), [_from_to(old.get("title"), new.get("title"))]))
    old_pages = _pages_by_key(old)
    new_pages = _pages_by_key(new)
    old_fields = _fields_by_key(old)
    new_fields = _fields_by_key(new)
    lookup = {**{k: f for k, (f, _p) in old_fields.items()}, **{k: f for k, (f, _p) in new_fields.items()}}

    kept = [key for key in new_pages if key in old_pages]
    if [key for key in old_pages if key in new_pages] != kept:
        changes.append(
            Change(
                CHANGED,
                gettext("页的顺序"),
                [_from_to(_titles(old_pages), _titles(new_pages))],
            )
        )
    for key, page in new_pages.items():
        if key not in old_pages:
            changes.append(Change(ADDED, _page_subject(page), [_page_contents(page)], key))
            continue
        details = _page_details(old_pages[key], page, lookup)
        if details:
            changes.append(Change(CHANGED, _page_subject(page), details, key))
        for item in page.get("fields") or []:
            field_key = item["value"].get("key")
            if field_key not in old_fields:
                changes.append(Change(ADDED, _field_subject(item), [_field_contents(item, page)], field_key))
                continue
            old_item, old_page = old_fields[field_key]
            details = _field_details(old_item, item, old_page, page, lookup)
            if details:
                changes.append(Change(CHANGED, _field_subject(item), details, field_key))
    # A field of an added or removed page is listed with its page, not again on its own.
    for field_key, (item, page) in old_fields.items():
        if field_key not in new_fields and page["key"] in new_pages:
            changes.append(Change(REMOVED, _field_subject(item), [_field_contents(item, page)], field_key))
    for key, page in old_pages.items():
        if key not in new_pages:
            changes.append(Change(REMOVED, _page_subject(page), [_page_contents(page)], key))
    return changes


def _pages_by_key(definition):
    return {page.get("key"): page for page in definition.get("pages") or []}


def _fields_by_key(definition):
    return {
        item["value"].get("key"): (item, page)
        for page in definition.get("pages") or []
        for item in page.get("fields") or []
    }


def _titles(pages):
    return gettext("、").join(page.get("title") or key for key, page in pages.items())


def _page_subject(page):
    return gettext("页“%(title)s”") % {"title": page.get("title") or page.get("key") or ""}


def _field_subject(item):
    value = item["value"]
    return gettext("字段“%(label)s”") % {"label": value.get("label") or value.get("key") or ""}


def _type_label(type_name):
    field_type = get_fields().get(type_name)
    return str(field_type.label) if field_type is not None and field_type.label else type_name


def _page_contents(page):
    labels = [item["value"].get("label") or item["value"].get("key") for item in page.get("fields") or []]
    if not labels:
        return gettext("没有字段")
    return gettext("%(n)d 个字段：%(labels)s") % {"n": len(labels), "labels": gettext("、").join(labels)}


def _field_contents(item, page):
    value = item["value"]
    parts = [
        gettext("在页“%(title)s”") % {"title": page.get("title") or ""},
        gettext("类型：%(type)s") % {"type": _type_label(item["type"])},
        gettext("必填") if value.get("required") else gettext("选填"),
    ]
    return gettext("，").join(parts)


def _page_details(old, new, lookup):
    details = []
    children = PageBlock().child_blocks
    for name in ("title", "intro", "show_when"):
        details += _setting_details(children[name], old.get(name), new.get(name), lookup)
    old_order = [item["value"].get("key") for item in old.get("fields") or []]
    new_order = [item["value"].get("key") for item in new.get("fields") or []]
    common_old = [key for key in old_order if key in new_order]
    common_new = [key for key in new_order if key in old_order]
    if common_old != common_new:
        details.append(gettext("字段顺序已调整"))
    return details


def _field_details(old_item, new_item, old_page, new_page, lookup):
    details = []
    if old_item["type"] != new_item["type"]:
        details.append(
            gettext("类型：%(change)s")
            % {"change": _from_to(_type_label(old_item["type"]), _type_label(new_item["type"]), quote=False)}
        )
    if old_page.get("key") != new_page.get("key"):
        details.append(
            gettext("所在页：%(change)s") % {"change": _from_to(old_page.get("title"), new_page.get("title"))}
        )
    old_value, new_value = old_item["value"], new_item["value"]
    settings = {**_settings_of(old_item["type"]), **_settings_of(new_item["type"])}
    names = [name for name in settings if name != "key"]
    names += sorted((set(old_value) | set(new_value)) - set(settings) - {"key"})
    for name in names:
        block = settings.get(name)
        details += _setting_details(block, old_value.get(name), new_value.get(name), lookup, name)
    return details


@cache
def _settings_of(type_name):
    """The child blocks of a field type's block in the form builder, by setting name."""
    field_type = get_fields().get(type_name)
    if field_type is None:
        return {}
    return dict(field_type().get_form_block().child_blocks)


def _setting_details(block, old, new, lookup, name=""):
    """The lines saying how one setting changed, or [] when it did not."""
    label = str(block.label) if block is not None and block.label else name
    if isinstance(block, blocks.BooleanBlock):
        if bool(old) == bool(new):
            return []
        return [
            gettext("%(label)s：%(change)s") % {"label": label, "change": _from_to(_yes_no(old), _yes_no(new), False)}
        ]
    if isinstance(block, ConditionBlock):
        old_text, new_text = _condition(old, lookup), _condition(new, lookup)
        if old_text == new_text:
            return []
        return [gettext("%(label)s：%(change)s") % {"label": label, "change": _from_to(old_text, new_text, False)}]
    if isinstance(block, blocks.ListBlock):
        return _list_details(label, block.child_block, old or [], new or [])
    if _blank(old) and _blank(new) or old == new:
        return []
    return [
        gettext("%(label)s：%(change)s")
        % {"label": label, "change": _from_to(_shown(block, old), _shown(block, new), quote=False)}
    ]


def _list_details(label, child, old, new):
    """Options (a list of texts) by their text; table columns (a list of settings) by their key."""
    if isinstance(child, blocks.StructBlock):
        return _struct_list_details(label, child, old, new)
    old_texts = [_item_text(item) for item in old]
    new_texts = [_item_text(item) for item in new]
    if old_texts == new_texts:
        return []
    added = [text for text in new_texts if text not in old_texts]
    removed = [text for text in old_texts if text not in new_texts]
    parts = []
    if added:
        parts.append(gettext("新增 %(items)s") % {"items": _quoted_list(added)})
    if removed:
        parts.append(gettext("删除 %(items)s") % {"items": _quoted_list(removed)})
    if not parts:
        parts.append(gettext("顺序调整为 %(items)s") % {"items": _quoted_list(new_texts)})
    return [gettext("%(label)s：%(change)s") % {"label": label, "change": gettext("；").join(parts)}]


def _struct_list_details(label, child, old, new):
    def keyed(items):
        return {(item.get("key") or item.get("label") or str(n)): item for n, item in enumerate(items)}

    old_items, new_items = keyed(old), keyed(new)
    lines = []
    for key, item in new_items.items():
        name = item.get("label") or key
        if key not in old_items:
            lines.append(gettext("%(label)s：新增“%(name)s”") % {"label": label, "name": name})
            continue
        for sub_name, sub_block in child.child_blocks.items():
            if sub_name == "key":
                continue
            for line in _setting_details(sub_block, old_items[key].get(sub_name), item.get(sub_name), {}, sub_name):
                lines.append(gettext("%(label)s“%(name)s”的%(line)s") % {"label": label, "name": name, "line": line})
    for key, item in old_items.items():
        if key not in new_items:
            lines.append(gettext("%(label)s：删除“%(name)s”") % {"label": label, "name": item.get("label") or key})
    if not lines and list(old_items) != list(new_items):
        lines.append(gettext("%(label)s：顺序已调整") % {"label": label})
    return lines


def _item_text(item):
    # A choice was once stored as {"value": text} (wagtailstreamforms' own format): forms_config.field_types.basic.
    return str((item.get("value") if isinstance(item, dict) else item) or "")


def _condition(condition, lookup):
    condition = condition or {}
    key = (condition.get("field") or "").strip()
    if not key:
        return gettext("始终显示")
    controller = lookup.get(key)
    # The controlling field by its label (its key when it has none here), as the editor knows it.
    name = (controller["value"].get("label") if controller else None) or key
    return gettext("“%(field)s”等于“%(value)s”时显示") % {"field": name, "value": condition.get("value") or ""}


def _shown(block, value):
    """A setting's value as the editor chose it: a choice's label, a text cut to a readable length."""
    if _blank(value):
        return gettext("（空）")
    if isinstance(block, (blocks.ChoiceBlock, blocks.MultipleChoiceBlock)):
        labels = dict(block.field.choices)
        values = value if isinstance(value, list) else [value]
        return gettext("、").join(str(labels.get(v, v)) for v in values)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if len(text) > TEXT_LIMIT:
        text = text[:TEXT_LIMIT] + "…"
    return gettext("“%(text)s”") % {"text": text}


def _blank(value):
    return value is None or value == "" or value == [] or value == {}


def _yes_no(value):
    return gettext("是") if value else gettext("否")


def _quoted_list(texts):
    return gettext("、").join(gettext("“%(text)s”") % {"text": text} for text in texts)


def _from_to(old, new, quote=True):
    if quote:
        old = gettext("“%(text)s”") % {"text": old or ""}
        new = gettext("“%(text)s”") % {"text": new or ""}
    return gettext("%(old)s → %(new)s") % {"old": old, "new": new}
