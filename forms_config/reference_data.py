"""The forms part of the portal's reference data: the standard 特种设备生产单位许可申请书 of TSG 07-2019
and the 鉴定评审反馈表, as forms_config/data/application_form.json and feedback_form.json.

The files are in the 表单导入/导出 format (forms_config/transfer.py) and go through the same checks
as an editor's import (`transfer.validate`), so what the repository ships is exactly what an editor
could have built, and a form exported from a site can replace a file here. `manage.py setup_portal`
(workflows/management/commands/setup_portal.py) creates each form, published, when no form has its
title yet, and never touches an existing one: editors own the forms. Every page and field has an
explicit key: drafts, prefill, conditions and printing address values by key.
"""

import json
from pathlib import Path

from .models import ApplicationFormSchema
from .transfer import validate

DATA_DIR = Path(__file__).resolve().parent / "data"
APPLICATION_FORM = "application_form"
FEEDBACK_FORM = "feedback_form"


def form_data(kind):
    """The parsed file of the form `kind` (APPLICATION_FORM or FEEDBACK_FORM)."""
    return json.loads((DATA_DIR / f"{kind}.json").read_text("utf-8"))


def load_form(kind):
    """The form `kind` by its title, created and published when missing. Returns (form, created).

    Raises transfer.SchemaImportError when the file is not a valid form (a field type this site
    does not have, a bad key): the messages say where."""
    data = form_data(kind)
    existing = ApplicationFormSchema.objects.filter(title=data["name"].strip()).order_by("pk").first()
    if existing is not None:
        return existing, False
    pages, meta = validate(data)
    schema = ApplicationFormSchema(title=meta["name"], description=meta["description"], pages=pages)
    schema.save()
    schema.save_revision().publish()
    return schema, True
