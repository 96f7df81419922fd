"""核对并提交: every visible page of a draft with its values read-only, then what is still missing.

The values are those the printed 申请书 shows (`workflows.printing.printed_pages`, each field
type's display text, tables with their column headers), unmasked: the applicant owns the data.
A file field lists its files by the references stored in the field, each with the attachment row
it points at (fetched once for the whole application) so the page can link the permission-checked
download; a reference whose row is gone shows its name without a link.
"""

from dataclasses import dataclass

from django.urls import reverse

from . import printing


@dataclass(frozen=True)
class CheckedFile:
    name: str
    size: int
    url: str  # "" when the attachment row is missing


def _files(application, raw, attachments):
    if not isinstance(raw, list):
        return []
    files = []
    for ref in raw:
        if not isinstance(ref, dict) or not isinstance(ref.get("id"), str):
            continue
        attachment = attachments.get(ref["id"])
        url = reverse("applications:attachment", args=[application.uuid, attachment.uuid]) if attachment else ""
        name = attachment.original_name if attachment else str(ref.get("name") or "")
        size = attachment.size if attachment else ref.get("size") or 0
        files.append(CheckedFile(name, size, url))
    return files


def check_pages(application):
    """[{"page": PrintedPage, "edit_url": …, "fields": [{"field": PrintedField, "files": [CheckedFile],
    "is_file": bool}]}] for every page whose display condition holds, in the form's order."""
    schema = application.schema_version.parsed
    data = application.data or {}
    attachments = {str(a.uuid): a for a in application.attachments.all()}
    result = []
    for page in printing.printed_pages(application):
        fields = []
        for printed in page.fields:
            spec = schema.fields_by_key.get(printed.key)
            is_file = bool(spec and spec.accepts_uploads)
            files = _files(application, data.get(printed.key), attachments) if is_file else []
            fields.append({"field": printed, "is_file": is_file, "files": files})
        result.append(
            {
                "page": page,
                "edit_url": reverse("applications:page", args=[application.uuid, page.number]),
                "fields": fields,
            }
        )
    return result
