"""A frozen form definition at run time: pages, fields, conditions and the Django form of a page.

The definition is the JSON kept in a `FormSchemaVersion` (see models.py for its shape). Nothing
here reads the editable `ApplicationFormSchema`, so an application is always rendered and
validated against the version it was started with.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from wagtailstreamforms.fields import get_fields

FIELD_PREFIX = "f"
CONDITION_VALUE_SEPARATOR = "|"


@dataclass
class FieldSpec:
    type: str
    key: str
    label: str
    value: dict
    page_number: int

    @cached_property
    def field_type(self):
        try:
            return get_fields()[self.type]()
        except KeyError:
            raise LookupError(f"Field type {self.type!r} of field {self.key!r} is not registered") from None

    @property
    def condition(self):
        return self.value.get("show_when") or {}

    @property
    def accepts_uploads(self):
        return self.field_type.accepts_uploads

    @property
    def prefill(self):
        return self.value.get("prefill") or ""

    @property
    def locked(self):
        """锁定: the value comes only from the prefill source; the applicant cannot change it."""
        return bool(self.value.get("locked")) and bool(self.prefill)

    def formfield(self):
        return self.field_type.get_formfield(self.value)

    def display(self, raw):
        return self.field_type.display(self.value, raw)


@dataclass
class PageSpec:
    number: int  # 1-based, as in URLs and the page list
    key: str
    title: str
    intro: str
    condition: dict
    fields: list = field(default_factory=list)


class Schema:
    def __init__(self, definition):
        self.title = definition.get("title", "")
        self.pages = []
        self.fields_by_key = {}
        for number, page in enumerate(definition.get("pages", []), start=1):
            spec = PageSpec(
                number=number,
                key=page["key"],
                title=page["title"],
                intro=page.get("intro") or "",
                condition=page.get("show_when") or {},
            )
            for item in page.get("fields", []):
                value = item["value"]
                f = FieldSpec(item["type"], value["key"], value.get("label", ""), value, number)
                spec.fields.append(f)
                self.fields_by_key[f.key] = f
            self.pages.append(spec)

    def page(self, number):
        return self.pages[number - 1]

    # ----- conditions -----
    def condition_holds(self, condition, data, _seen=None):
        key = (condition or {}).get("field")
        if not key:
            return True
        controller = self.fields_by_key.get(key)
        if controller is None:
            return True  # a condition on a field that does not exist never hides anything
        seen = _seen or set()
        if key in seen:
            return True  # a cycle of conditions: do not hide rather than loop
        seen.add(key)
        if not self.field_visible(controller, data, seen):
            return False
        # Several values separated by "|": the condition holds when the field equals any of them.
        expected = str(condition.get("value") or "").split(CONDITION_VALUE_SEPARATOR)
        return any(controller.field_type.matches(data.get(key), value) for value in expected)

    def page_visible(self, page, data):
        return self.condition_holds(page.condition, data)

    def field_visible(self, spec, data, _seen=None):
        page = self.page(spec.page_number)
        return self.condition_holds(page.condition, data, _seen) and self.condition_holds(spec.condition, data, _seen)

    def visible_pages(self, data):
        return [p for p in self.pages if self.page_visible(p, data)]

    def next_visible_page(self, number, data):
        """The first visible page after page `number`, or None after the last one."""
        return next((p for p in self.pages[number:] if self.page_visible(p, data)), None)

    def previous_visible_page(self, number, data):
        """The last visible page before page `number`, or None before the first one."""
        return next((p for p in reversed(self.pages[: number - 1]) if self.page_visible(p, data)), None)

    # ----- forms -----
    def page_form(self, page, data):
        """The page's form bound to the stored raw values in `data`."""
        return PageForm(self, page, data)

    def problems(self, data, required_keys=()):
        """Every missing or invalid value on the visible pages: (page, field spec, messages).

        `required_keys`: fields the application requires although the form does not (a rule of
        the caller's, such as the business licence of a company), when visible and empty."""
        found = []
        for page in self.visible_pages(data):
            form = self.page_form(page, data)
            valid = form.is_valid()
            for spec in page.fields:
                if not valid and spec.key in form.errors:
                    found.append((page, spec, form.errors[spec.key]))
                elif (
                    spec.key in required_keys
                    and spec.key not in form.hidden_keys
                    and spec.field_type.is_empty(data.get(spec.key))
                ):
                    found.append((page, spec, [spec.field_type.required_message(spec.label)]))
        return found


class PageForm(forms.Form):
    """One page as a Django form. Bound to raw values by key; html names are prefixed with "f-"
    so a field key can never collide with the page's own controls (action, csrf token)."""

    def __init__(self, schema, page, data):
        self.schema = schema
        self.page = page
        self.raw = data
        self.specs = {spec.key: spec for spec in page.fields}
        bound = {f"{FIELD_PREFIX}-{key}": value for key, value in data.items() if key in self.specs}
        super().__init__(data=bound, prefix=FIELD_PREFIX, label_suffix="")
        self.hidden_keys = set()
        for spec in page.fields:
            formfield = spec.formfield()
            if spec.locked:
                # Shown disabled; Django then cleans the stored value (initial), never a posted one.
                formfield.disabled = True
                formfield.initial = data.get(spec.key)
            if not schema.field_visible(spec, data):
                formfield.required = False
                self.hidden_keys.add(spec.key)
            self.fields[spec.key] = formfield

    def full_clean(self):
        super().full_clean()
        # A field hidden by its condition is neither required nor checked.
        for key in self.hidden_keys:
            self._errors.pop(key, None)

    def raw_from_post(self, post, files):
        """The raw value of every non-upload, unlocked field of this page from a POST."""
        return {
            key: without_nul(spec.field_type.raw_from_post(self.fields[key], self.add_prefix(key), post, files))
            for key, spec in self.specs.items()
            if not spec.accepts_uploads and not spec.locked
        }


def without_nul(raw):
    """The raw value with NUL characters removed: PostgreSQL's jsonb cannot store U+0000, and no
    form answer needs one (Django's own CharField refuses it for the same reason)."""
    if isinstance(raw, str):
        return raw.replace("\x00", "")
    if isinstance(raw, list):
        return [without_nul(item) for item in raw]
    if isinstance(raw, dict):
        return {key: without_nul(value) for key, value in raw.items()}
    return raw
