"""补齐补正: the applicant's side of the one-time correction round (TSG 07-2019 §3.3.2).

The 补正告知书 flags pages and fields; only those become editable again, everything else stays as
submitted. Values are stored as typed (valid or not, like a draft: nothing typed is lost) until
`resubmit` checks the edited fields with the frozen form and hands the list of changes to
workflows.actions.resubmit, which records it on the notice for the officer.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import actions, services
from .models import Action, Application, ApplicationState, CorrectionTarget


class CorrectionIncomplete(ValidationError):
    """Edited fields are missing or invalid; `problems` is a list of (page, field spec, messages)."""

    def __init__(self, problems):
        super().__init__(
            [
                _("%(label)s：%(message)s") % {"label": spec.label, "message": " ".join(messages)}
                for _page, spec, messages in problems
            ],
            code="incomplete",
        )
        self.problems = problems


def _ensure_correctable(application):
    if application.state != ApplicationState.CORRECTION_REQUESTED:
        raise actions.ActionRefused(
            _("该申请当前状态为“%(state)s”，不在补正阶段，不能修改。") % {"state": application.get_state_display()},
            code="state",
        )


def _page_of(schema, item):
    """The page a page-target item names: by its stable key, else by its number."""
    for page in schema.pages:
        if page.key == item.key:
            return page
    if 1 <= item.page_number <= len(schema.pages):
        return schema.page(item.page_number)
    return None


def flagged_keys(application):
    """The field keys the notice names: a page item flags every field of the page; field and
    attachment items name a field key."""
    schema = application.schema_version.parsed
    keys = set()
    for item in application.correction_notice.items.all():
        if item.target == CorrectionTarget.PAGE:
            page = _page_of(schema, item)
            if page is not None:
                keys.update(spec.key for spec in page.fields)
        elif item.key in schema.fields_by_key:
            keys.add(item.key)
    return keys


def editable_keys(application):
    """The flagged fields, plus fields the submitted application did not show that a flagged
    answer controls: changing "有无分包" to 有 must let the applicant fill the 分包单位 it reveals,
    or the correction could never be completed. What the officer saw stays as submitted."""
    schema = application.schema_version.parsed
    before = application.correction_notice.values_before
    keys = flagged_keys(application)
    hidden_before = [spec for spec in schema.fields_by_key.values() if not schema.field_visible(spec, before)]
    grown = True
    while grown:
        grown = False
        for spec in hidden_before:
            if spec.key in keys:
                continue
            controllers = {spec.condition.get("field"), schema.page(spec.page_number).condition.get("field")}
            if controllers & keys:
                keys.add(spec.key)
                grown = True
    return keys


def _locked(application):
    return Application.objects.select_for_update(of=("self",)).select_related("schema_version").get(pk=application.pk)


@transaction.atomic
def save_correction(application, values):
    """Store the raw values of the editable fields (anything else in `values` is ignored)."""
    locked = _locked(application)
    _ensure_correctable(locked)
    keys = editable_keys(locked)
    locked.data.update({key: value for key, value in values.items() if key in keys})
    locked.save(update_fields=["data", "updated_at"])
    application.data = locked.data
    application.updated_at = locked.updated_at
    return application


@transaction.atomic
def attach_correction_files(application, spec, uploaded_files, removed_ids, user):
    """Uploads to and removals from an editable file field, through services.attach_files.

    Files that were part of the submitted application leave the field but keep their file: the
    notice's values_before still refers to them and the officer may want to compare."""
    locked = _locked(application)

    def allowed(app, field):
        _ensure_correctable(app)
        if field.key not in editable_keys(app):
            raise actions.ActionRefused(
                _("“%(label)s”不在补正告知书所列范围内，不能修改。") % {"label": field.label}, code="not_flagged"
            )

    submitted = application.correction_notice.values_before.get(spec.key) or []
    keep = [ref.get("id") for ref in submitted if isinstance(ref, dict)]
    errors = services.attach_files(locked, spec, uploaded_files, removed_ids, user, allowed=allowed, keep_ids=keep)
    application.data = locked.data
    application.updated_at = locked.updated_at
    return errors


@actions.atomic_action
def save_page(application, user, values, file_changes=()):
    """保存 the correction form like a draft page (services.save_page), whole or not at all: the
    uploads to and removals from the flagged file fields, then the typed values of the editable
    fields. `file_changes` is a list of (field spec, uploaded files, ids of files to remove).

    The row is locked and checked once before anything is written: ActionRefused when the
    application is no longer waiting for its correction (resubmitted or withdrawn in another tab)
    or a file field is not flagged. Returns {field key: messages} for the uploads that were refused."""
    locked = _locked(application)
    _ensure_correctable(locked)
    upload_errors = {}
    for spec, uploaded_files, removed_ids in file_changes:
        errors = attach_correction_files(locked, spec, uploaded_files, removed_ids, user)
        if errors:
            upload_errors[spec.key] = errors
    save_correction(locked, values)
    application.data = locked.data
    application.updated_at = locked.updated_at
    return upload_errors


def problems(application, keys=None):
    """Missing or invalid values among the editable fields (others were accepted as submitted)."""
    keys = editable_keys(application) if keys is None else keys
    return [
        (page, spec, messages)
        for page, spec, messages in application.schema_version.parsed.problems(application.data)
        if spec.key in keys
    ]


def changes(application, keys=None):
    """What the applicant changed, as {key, label, before, after} in the form's order, with the
    values as the field type displays them (file names, region names, table rows)."""
    schema = application.schema_version.parsed
    keys = editable_keys(application) if keys is None else keys
    before = application.correction_notice.values_before
    result = []
    for key, spec in schema.fields_by_key.items():
        if key not in keys or _normalised(before.get(key)) == _normalised(application.data.get(key)):
            continue
        result.append(
            {
                "key": key,
                "label": spec.label,
                "before": spec.display(before.get(key)),
                "after": spec.display(application.data.get(key)),
            }
        )
    return result


def _normalised(raw):
    # A field never filled and one emptied again are the same to the reader of the changes.
    return None if raw in (None, "", [], {}) else raw


@transaction.atomic
def resubmit(application, user):
    """补正后重新提交: the edited fields must be complete and valid; then the action itself."""
    # Checked on the locked row: a save committed meanwhile is what gets resubmitted.
    locked = _locked(application)
    actions.check_only(locked, user, Action.RESUBMIT)
    keys = editable_keys(locked)
    found = problems(locked, keys)
    if found:
        raise CorrectionIncomplete(found)
    return actions.resubmit(locked, user, changes(locked, keys))
