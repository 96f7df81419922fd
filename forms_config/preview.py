"""预览: a form as applicants will see it, from the editor's unsaved state (Wagtail's preview panel).

`ApplicationFormSchema` is a `PreviewableMixin`: Wagtail's preview view builds the snippet from the
edit form without saving it and asks it for a template and a context in one of its preview modes.
The context here is built from this app's own run-time pieces (`schema.Schema`, `PageForm`) on
the same definition a `FormSchemaVersion` would freeze, and the template includes the field
partial the applicant's page uses, so the editor sees the very fields, conditions, table rows and
upload fields an applicant gets, with no application, no values and nothing saved.

Modes: every page on one screen (the default, so a page added since the last save shows too),
each page as the applicant's page, and the check page (核对并提交) of an applicant who has not
filled anything in yet.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .schema import Schema

ALL_PAGES = ""
CHECK_PAGE = "check"
PAGE_PREFIX = "page-"
TEMPLATE = "forms_config/preview.html"


def modes(schema):
    """(mode, label) for Wagtail's mode menu: all pages, one per page of `schema`, the check page."""
    pages = [block.value for block in schema.pages if block.block_type == "page"]
    return [
        (ALL_PAGES, _("全部各页")),
        *(
            (f"{PAGE_PREFIX}{number}", _("第%(number)s页：%(title)s") % {"number": number, "title": page["title"]})
            for number, page in enumerate(pages, start=1)
        ),
        (CHECK_PAGE, _("核对页")),
    ]


def context(schema, mode):
    """What templates/forms_config/preview.html needs for `mode` of the (unsaved) `schema`."""
    parsed = Schema(schema.definition())
    data = {}  # a fresh draft: nothing typed, nothing prefilled
    pages = [_page(parsed, page, data) for page in parsed.pages]
    shown = pages
    if mode.startswith(PAGE_PREFIX):
        number = mode.removeprefix(PAGE_PREFIX)
        if number.isdigit() and 1 <= int(number) <= len(pages):
            shown = [pages[int(number) - 1]]
    return {
        "form_title": parsed.title or str(schema),
        "mode": CHECK_PAGE if mode == CHECK_PAGE else (shown[0]["mode"] if len(shown) == 1 else ALL_PAGES),
        "pages": pages,
        "shown_pages": shown,
        "check_pages": [_check_page(parsed, page) for page in parsed.visible_pages(data)],
        "problems": [
            {"page": page, "label": spec.label, "messages": list(messages)}
            for page, spec, messages in parsed.problems(data)
        ],
    }


def _page(parsed, page, data):
    form = parsed.page_form(page, data)
    fields = []
    for key, spec in form.specs.items():
        if spec.accepts_uploads:
            # Shown as the applicant sees it, but nothing can be chosen: a preview keeps no file.
            form.fields[key].disabled = True
        fields.append({"bound": form[key], "spec": spec, "hidden": key in form.hidden_keys, "errors": [], "files": []})
    return {
        "number": page.number,
        "mode": f"{PAGE_PREFIX}{page.number}",
        "title": page.title,
        "intro": page.intro,
        "condition": page.condition if page.condition.get("field") else None,
        "condition_label": _condition_label(parsed, page.condition),
        "hidden": not parsed.page_visible(page, data),
        "fields": fields,
        # For the editor, not the applicant: which fields wait for another field's value.
        "conditional_fields": [
            {"label": spec.label, "condition_label": _condition_label(parsed, spec.condition)}
            for spec in page.fields
            if spec.condition.get("field")
        ],
    }


def _condition_label(parsed, condition):
    key = (condition or {}).get("field")
    if not key:
        return ""
    controller = parsed.fields_by_key.get(key)
    return gettext("“%(field)s”等于“%(value)s”时显示") % {
        "field": controller.label if controller else key,
        "value": condition.get("value") or "",
    }


def _check_page(parsed, page):
    """A page of the check page before anything is filled in: every visible field, empty."""
    rows = []
    for spec in page.fields:
        if not parsed.field_visible(spec, {}):
            continue
        rows.append({"label": spec.label, "key": spec.key, "is_file": spec.accepts_uploads})
    return {"number": page.number, "mode": f"{PAGE_PREFIX}{page.number}", "title": page.title, "fields": rows}
