"""Printing the 许可申请书: one page of the form or the whole of it, as PDF bytes.

`printed_form` turns any frozen form and its values into printable pages; the 评审反馈表
(templates/pdf/documents/review_feedback.html) is printed from it too.

What is printed comes from the application's frozen form version and its stored raw values, so a
printout always matches what the applicant filled against, whatever editors changed since. Only
pages and fields whose display conditions hold are printed, in the form's order.

`masked=True` prints ID numbers and mobile numbers as the staff lists show them (core.masking):
fields of the types 身份证号码 and 手机号 and table columns of those types. Staff and review
bodies get masked pages (on the detail page and in their printout); the applicant, who owns the
data, gets it whole.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from forms_config.pdf import render_pdf

# A value longer than this is printed as paragraphs under its label instead of in a table cell:
# reportlab cannot split one table row across pages, and xhtml2pdf then shrinks the whole table
# to fit one page, down to unreadable type.
LONG_VALUE_CHARS = 300
LONG_VALUE_LINES = 8

PAGE_TEMPLATE = "pdf/application_page.html"
FORM_TEMPLATE = "pdf/application_form.html"


class PageNotPrintable(LookupError):
    """The page number does not exist in the form, or its display condition hides it."""


@dataclass
class PrintedField:
    key: str
    label: str
    type: str
    lines: list = field(default_factory=list)  # the displayed value, one entry per line
    note: list = field(default_factory=list)  # text the field shows with it (a declaration's wording), by line
    headers: list | None = None  # set for a field printed as a table
    rows: list | None = None

    @property
    def is_table(self):
        return self.headers is not None

    @property
    def is_empty(self):
        return not any(line.strip() for line in self.lines) if not self.is_table else not self.rows

    @property
    def is_long(self):
        lines = self.note + self.lines
        return len(lines) > LONG_VALUE_LINES or sum(len(line) for line in lines) > LONG_VALUE_CHARS


@dataclass
class PrintedPage:
    number: int
    title: str
    intro: str
    fields: list

    @property
    def sections(self):
        """The fields in runs: label/value rows share one table; a table field or a long text
        stands alone (see LONG_VALUE_CHARS)."""
        runs = []
        for f in self.fields:
            if f.is_table:
                runs.append({"table": f})
            elif f.is_long:
                runs.append({"long": f})
            elif runs and "rows" in runs[-1]:
                runs[-1]["rows"].append(f)
            else:
                runs.append({"rows": [f]})
        return runs


def printed_field(spec, raw, masked=False):
    field_type = spec.field_type
    table = getattr(field_type, "rows_for_display", None)
    if table is not None:
        if masked and hasattr(field_type, "masked_rows_for_display"):
            table = field_type.masked_rows_for_display
        headers, rows = table(spec.value, raw)
        return PrintedField(
            spec.key,
            spec.label,
            spec.type,
            headers=[str(h) for h in headers],
            rows=[["" if cell is None else str(cell) for cell in row] for row in rows],
        )
    if masked and hasattr(field_type, "masked_display"):
        text = field_type.masked_display(spec.value, raw) or ""
    else:
        text = spec.display(raw) or ""
    # What the applicant confirmed belongs on paper next to the confirmation (承诺书).
    note = spec.value.get("text") if isinstance(spec.value.get("text"), str) else ""
    return PrintedField(spec.key, spec.label, spec.type, lines=str(text).splitlines() or [""], note=note.splitlines())


def printed_page(schema, page, data, masked=False):
    fields = [
        printed_field(spec, data.get(spec.key), masked=masked)
        for spec in page.fields
        if schema.field_visible(spec, data)
    ]
    return PrintedPage(page.number, page.title, page.intro, fields)


def printed_form(schema, data, masked=False):
    """Every visible page of any frozen form (`schema`, a forms_config.schema.Schema) with the raw
    values `data`: the 许可申请书, and the 评审反馈表 the review_feedback document prints."""
    data = data or {}
    return [printed_page(schema, page, data, masked=masked) for page in schema.visible_pages(data)]


def printed_pages(application, masked=False):
    return printed_form(application.schema_version.parsed, application.data, masked=masked)


def application_context(application):
    """What both templates show about the application itself."""
    schema = application.schema_version.parsed
    return {
        "application": application,
        "form_title": schema.title or _("许可申请书"),
        "reference": application.reference or _("草稿"),
        "state": application.get_state_display(),
        "applicant": application.applicant,
        "authority": application.authority,
        "items": list(application.items.all()),
    }


def attachment_rows(application):
    """申请材料清单: every uploaded file with the label of the field it was uploaded into."""
    fields = application.schema_version.parsed.fields_by_key
    rows = []
    for attachment in application.attachments.all():
        spec = fields.get(attachment.field_key)
        rows.append(
            {
                "label": spec.label if spec else attachment.field_key,
                "name": attachment.original_name,
                "size": attachment.size,
            }
        )
    return rows


def print_page(application, page_number, masked=False):
    """One page of the form as PDF bytes; PageNotPrintable for a missing or hidden page."""
    schema = application.schema_version.parsed
    data = application.data or {}
    if not 1 <= page_number <= len(schema.pages):
        raise PageNotPrintable(page_number)
    page = schema.page(page_number)
    if not schema.page_visible(page, data):
        raise PageNotPrintable(page_number)
    context = {**application_context(application), "page": printed_page(schema, page, data, masked=masked)}
    return render_pdf(PAGE_TEMPLATE, context)


def print_application(application, masked=False):
    """The whole 许可申请书 as PDF bytes: header, items, every visible page and the attachments."""
    context = {
        **application_context(application),
        "pages": printed_pages(application, masked=masked),
        "attachments": attachment_rows(application),
    }
    return render_pdf(FORM_TEMPLATE, context)
