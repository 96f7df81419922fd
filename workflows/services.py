"""Applicant-side actions on an application: start a draft, save a page, upload, submit.

Views call these and nothing else changes an application. Every function that changes state
runs in one transaction and first locks the application's row and checks its state again
(`locked_draft`): the object a view read a moment ago may be stale, a submission or a deletion
may have committed since, and a save or an upload must then be refused, not written into the
submitted application. `submit_application` locks the row, checks the transition's permission
(django-fsm does not check `permission=` itself), validates every page of the frozen form,
assigns the reference number and writes the audit record and the authority's permission in the
same transaction.
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation
from cms.models import LicenseLevel
from core.content_checks import EXTENSIONS, detect_content_type
from forms_config import prefill as form_prefill
from forms_config.models import FormSchemaVersion
from forms_config.prefill import initial_data

from . import actions, documents, licensing, permissions
from .authority import derive_authority, split_by_authority
from .models import (
    Application,
    ApplicationAttachment,
    ApplicationItem,
    ApplicationKind,
    ApplicationState,
    DocumentKind,
    License,
)


class IncompleteApplication(ValidationError):
    """Raised by submit when pages still have missing or invalid values."""

    def __init__(self, problems):
        super().__init__(_("申请书还有未填写或填写有误的内容，请修改后再提交。"), code="incomplete")
        self.problems = problems


def selectable_levels(level_ids):
    return list(
        LicenseLevel.objects.filter(pk__in=level_ids, item__live=True)
        .select_related("item", "item__application_form")
        .order_by("item__path", "sort_order")
    )


def form_schema_for(levels):
    schemas = {level.item.application_form for level in levels}
    if None in schemas:
        raise ValidationError(_("所选许可项目尚未配置申请书表单，暂不能在线办理。"), code="no_form")
    if len(schemas) > 1:
        raise ValidationError(_("所选许可项目使用不同的申请书，请分别提交申请。"), code="mixed_forms")
    return schemas.pop()


def selection_token(value):
    """The choose form's hidden token as a UUID, or None when it is missing or not one."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


@transaction.atomic
def start_applications(user, level_ids, selection=None):
    """New drafts for the chosen levels: one per 审批机关 (national levels to SAMR, the others to
    the applicant's bureau), each with its form frozen, its fields prefilled and its own items,
    created together in one transaction and linked by a shared `selection`.

    `selection` is the choose form's token (a UUID, see `selection_token`). The applicant's
    organisation row is locked first, so a double click or a second tab submitting the same form
    waits for the first and then gets the drafts that one created instead of a second set. A
    missing token still creates the drafts, linked by a new UUID, just without that protection."""
    organisation = user.organisation
    if organisation is None or not organisation.is_applicant:
        raise PermissionDenied
    levels = selectable_levels(level_ids)
    if not levels:
        raise ValidationError(_("请至少选择一个许可项目及级别。"), code="no_items")
    if selection is not None:
        Organisation.objects.select_for_update().only("pk").get(pk=organisation.pk)
        existing = list(selection_applications(organisation, selection))
        if existing:
            return existing
    split = split_by_authority(levels, organisation)
    selection = selection or uuid.uuid4()
    return [
        create_draft(user, group, lambda schema: initial_data(schema, user), authority=authority, selection=selection)
        for authority, group in split
    ]


def start_application(user, level_ids, selection=None):
    """The first of `start_applications`' drafts (the only one unless both kinds were chosen)."""
    return start_applications(user, level_ids, selection)[0]


def selection_applications(organisation, selection):
    return Application.objects.filter(applicant=organisation, selection=selection).order_by("pk")


def create_draft(user, levels, prefill, authority=None, **fields):
    """The draft itself, for a new application and a follow-up alike: the authority derived from
    the levels unless given (`split_by_authority` already found it), the form frozen,
    `prefill(schema)` as its first values, the items copied, the applicant's permissions granted.
    `fields` are the selection of a new application, the kind and previous licence of a follow-up."""
    organisation = user.organisation
    version = FormSchemaVersion.objects.freeze(form_schema_for(levels))
    schema = version.parsed
    data = prefill(schema)
    # 申请类别 follows the kind, whatever the prefill (a follow-up's copy of the old application) said.
    data.update(form_prefill.values_for(schema, application_values(fields.get("kind", ApplicationKind.NEW))))
    application = Application.objects.create(
        applicant=organisation,
        created_by=user,
        authority=authority or derive_authority(levels, organisation),
        schema_version=version,
        data=data,
        **fields,
    )
    attach_prefilled_files(application, user)
    create_items(application, levels)
    permissions.grant_applicant(application)
    return application


def linked_applications(application):
    """The other applications created by the same 选取许可项目 as `application`, oldest first
    (the same applicant's only; deleted drafts are simply gone)."""
    if application.selection is None:
        return Application.objects.none()
    return (
        selection_applications(application.applicant_id, application.selection)
        .exclude(pk=application.pk)
        .select_related("authority")
    )


# The 申请类别 a kind gives the form's field prefilled from "application.kind": the standard form
# (forms_config/data/application_form.json) says 新申请 for 取证; the first wording the field offers wins.
KIND_FORM_TEXTS = {
    ApplicationKind.NEW: ("新申请", "取证"),
    ApplicationKind.RENEWAL: ("换证",),
    ApplicationKind.ADD_ITEMS: ("增项",),
    ApplicationKind.CHANGE: ("变更",),
}
# Applicants who register with a business licence (an individual has none).
LICENSED_APPLICANT_KINDS = ("enterprise", "institution")


def application_values(kind):
    """The application's own prefill sources ({source: value}), see forms_config/prefill.py."""
    return {"application.kind": KIND_FORM_TEXTS.get(kind, ())}


def prefilled_file(application, source):
    """(file field, name to show) the draft starts with for the prefill `source`, or None."""
    if source == "organisation.business_licence":
        licence = application.applicant.business_licence
        return (licence, _("营业执照")) if licence else None
    if source == "license.document" and application.previous_license_id:
        previous = application.previous_license
        document = previous.application.documents.filter(kind=DocumentKind.LICENSE).order_by("-issued_at").first()
        if document is not None:
            return document.file, _("许可证%(number)s") % {"number": previous.number}
    return None


def attach_prefilled_files(application, user):
    """Copy the files the form prefills (the business licence of the registration, the licence of a
    follow-up) into the new draft as its own attachments, in private storage: the applicant may
    replace them, and the original stays as it is."""
    changed = False
    for spec, source in form_prefill.file_sources(application.schema_version.parsed):
        found = prefilled_file(application, source)
        if found is None:
            continue
        field_file, title = found
        try:
            with field_file.open("rb") as handle:
                content = handle.read()
        except OSError:
            continue  # the original is missing from storage: the applicant uploads it
        content_type = detect_content_type(content[:8192])
        if content_type is None:
            continue
        name = f"{title}{EXTENSIONS[content_type][0]}"
        attachment = ApplicationAttachment.objects.create(
            application=application,
            field_key=spec.key,
            file=ContentFile(content, name=name),
            original_name=name[:200],
            content_type=content_type,
            size=len(content),
            uploaded_by=user,
        )
        documents.track(attachment.file)  # deleted again if the draft's creation fails later on
        application.data[spec.key] = [attachment.as_raw()]
        changed = True
    if changed:
        application.save(update_fields=["data", "updated_at"])


def required_keys(application):
    """Fields the application requires beyond its form's own 必填: the business licence (the field
    prefilled from it) of an enterprise or institution."""
    if application.applicant.kind not in LICENSED_APPLICANT_KINDS:
        return ()
    return form_prefill.keys_with_source(application.schema_version.parsed, "organisation.business_licence")


def application_problems(application):
    """Every missing or invalid value of the draft (the check page and submission list the same)."""
    return application.schema_version.parsed.problems(application.data, required_keys(application))


def check_kind_agreement(application):
    """Refused at submission: a 申请类别 (the field prefilled from "application.kind") that does not
    say the application's kind; a new application cannot declare itself a 换证 to skip the window."""
    expected = KIND_FORM_TEXTS.get(application.kind, ())
    for key in form_prefill.keys_with_source(application.schema_version.parsed, "application.kind"):
        if application.data.get(key) not in expected:
            raise ValidationError(
                _("申请类别与申请方式不一致（应为“%(kind)s”），请删除本草稿后按正确的方式重新办理。")
                % {"kind": expected[0] if expected else application.get_kind_display()},
                code="kind_mismatch",
            )


@transaction.atomic
def start_follow_up(user, license, kind, level_ids=()):
    """A draft renewal, 增项 or 变更 of `license`, prefilled from it and its last application."""
    organisation = user.organisation
    if organisation is None or organisation.pk != license.holder_id:
        raise PermissionDenied
    if kind not in licensing.FOLLOW_UP_KINDS:
        raise ValidationError(_("未知的申请类型。"), code="bad_kind")
    license = License.objects.select_for_update().get(pk=license.pk)
    refusal = licensing.follow_up_refusal(license, kind)
    if refusal:
        raise ValidationError(refusal, code="not_allowed")
    held = licensing.licensed_level_ids(license)
    if kind == ApplicationKind.ADD_ITEMS:
        new_ids = [int(i) for i in level_ids if str(i).isdigit() and int(i) not in held]
        if not new_ids:
            raise ValidationError(_("请至少选择一个许可证上还没有的许可项目及级别。"), code="no_items")
        levels = selectable_levels(new_ids)
        if not levels:
            raise ValidationError(_("请至少选择一个许可证上还没有的许可项目及级别。"), code="no_items")
    else:
        levels = selectable_levels(held)
        if not levels:
            raise ValidationError(
                _("许可证上的许可项目已不在许可目录中，不能在线办理，请按新申请（取证）办理。"), code="no_items"
            )
    return create_draft(
        user,
        levels,
        lambda schema: prefill_follow_up(schema, user, license),
        kind=kind,
        previous_license=license,
    )


def prefill_follow_up(schema, user, license):
    """The account's values, overlaid with what the licence's application said for every key the
    new form still has (uploads excepted: they belong to the old application). For 变更 the
    applicant then edits the name or address."""
    data = initial_data(schema, user)
    previous = license.application.data or {}
    for key, spec in schema.fields_by_key.items():
        if spec.accepts_uploads or key not in previous:
            continue
        if spec.value.get("prefill") in licensing.HOLDER_SOURCES or key not in data:
            data[key] = previous[key]
    return data


def create_items(application, levels):
    ApplicationItem.objects.bulk_create(
        ApplicationItem(
            application=application,
            license_item=level.item,
            level=level,
            # Stored in the site's language: it is printed on the Chinese licence whatever
            # language the applicant's screen used.
            category=_in_site_language(level.item.get_category_display),
            item_name=level.item.display_name,
            level_code=level.code,
            level_description=level.description,
            approval_level=level.effective_approval_level,
            sort_order=index,
        )
        for index, level in enumerate(levels)
    )


def _in_site_language(function):
    with translation.override(settings.LANGUAGE_CODE):
        return function()


class NotDraft(ValidationError):
    """The application is no longer a draft (submitted, withdrawn) and may not be changed here."""


def _ensure_draft(application):
    if not application.is_draft:
        raise NotDraft(_("该申请已提交，不能再修改。"), code="not_draft")


def _ensure_draft_field(application, spec):
    _ensure_draft(application)


def locked_application(application):
    """The application's row, read again and locked until the end of the caller's transaction;
    Http404 when it was deleted meanwhile (a draft deleted in another tab)."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("schema_version")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None:
        raise Http404
    return locked


def locked_draft(application, check=None):
    """`locked_application`, refused with NotDraft (or by `check(locked)`) unless the state still
    allows the change. Must run inside transaction.atomic."""
    locked = locked_application(application)
    (check or _ensure_draft)(locked)
    return locked


def _copy_back(application, locked):
    # The caller's object shows what was saved (views render it after the save).
    application.data = locked.data
    application.updated_at = locked.updated_at
    application.current_page = locked.current_page


@transaction.atomic
def save_values(application, values, current_page=None):
    """Store raw values (valid or not: nothing typed is lost) for the given keys."""
    locked = locked_draft(application)
    _store_values(locked, values, current_page)
    _copy_back(application, locked)


def _store_values(locked, values, current_page=None):
    known = locked.schema_version.parsed.fields_by_key
    # A locked field (锁定: 申请类别 follows the kind) keeps its prefilled value whatever is posted.
    locked.data.update({k: v for k, v in values.items() if k in known and not known[k].locked})
    update = ["data", "updated_at"]
    if current_page:
        locked.current_page = current_page
        update.append("current_page")
    locked.save(update_fields=update)


@actions.atomic_action
def save_page(application, user, values, file_changes=(), current_page=None):
    """保存 one page of a draft: the uploads to and removals from its file fields, then its typed
    values, whole or not at all (a failure in a later field's upload must not leave an earlier
    field's files or removals done and the typed values lost).

    `file_changes` is a list of (field spec, uploaded files, ids of files to remove), one per file
    field of the page. The row is locked and checked once, before anything is written: NotDraft
    when the draft was submitted or withdrawn since the page was read (Http404 when deleted).
    Returns {field key: messages} for the uploads that were refused; the rest is saved."""
    locked = locked_draft(application)
    upload_errors = {}
    for spec, uploaded_files, removed_ids in file_changes:
        errors = _attach(locked, spec, uploaded_files, removed_ids, user)
        if errors:
            upload_errors[spec.key] = errors
    _store_values(locked, values, current_page)
    _copy_back(application, locked)
    return upload_errors


@transaction.atomic
def attach_files(application, spec, uploaded_files, removed_ids, user, allowed=None, keep_ids=()):
    """Add uploads to and remove files from the file field `spec`, and save the field's list of
    file references; returns the messages for files that were refused.

    `allowed(application, spec)` raises ValidationError when the field may not be changed now
    (default: only drafts). Removed files whose ids are in `keep_ids` leave the field's list but
    keep their file: a correction must not destroy what was submitted (see workflows.correction).
    The check runs on the locked row, and removed files go only after the commit."""
    check = allowed or _ensure_draft_field
    locked = locked_draft(application, lambda locked: check(locked, spec))
    errors = _attach(locked, spec, uploaded_files, removed_ids, user, keep_ids)
    locked.save(update_fields=["data", "updated_at"])
    _copy_back(application, locked)
    return errors


def _attach(application, spec, uploaded_files, removed_ids, user, keep_ids=()):
    """attach_files on a row the caller has locked and checked; the caller saves its data."""
    field_type = spec.field_type
    if spec.locked:  # 锁定: the prefilled file stays, nothing is uploaded or removed
        return []
    max_files = field_type.max_files(spec.value)
    removed = {str(i) for i in removed_ids if _is_uuid(i)}
    current = [ref for ref in (application.data.get(spec.key) or []) if ref.get("id") not in removed]
    kept = {str(i) for i in keep_ids}
    for attachment in application.attachments.filter(field_key=spec.key, uuid__in=removed - kept):
        attachment.delete()
        documents.delete_on_success(attachment.file)  # the private file too, once the row is surely gone
    errors = []
    for uploaded in uploaded_files:
        if len(current) >= max_files:
            errors.append(
                ngettext(
                    "%(label)s最多上传 %(n)s 个文件，“%(name)s”未保存。",
                    "%(label)s最多上传 %(n)s 个文件，“%(name)s”未保存。",
                    max_files,
                )
                % {"label": spec.label, "n": max_files, "name": uploaded.name}
            )
            continue
        try:
            content_type = field_type.validate_upload(spec.value, uploaded)
        except ValidationError as error:
            errors.extend(
                _("“%(name)s”：%(message)s") % {"name": uploaded.name, "message": message} for message in error.messages
            )
            continue
        attachment = ApplicationAttachment.objects.create(
            application=application,
            field_key=spec.key,
            file=uploaded,
            original_name=uploaded.name[:200],
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=user,
        )
        documents.track(attachment.file)  # deleted again if the page's save fails later on
        current.append(attachment.as_raw())
    application.data[spec.key] = current
    return errors


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@transaction.atomic
def submit_application(application, user):
    """提交: draft → submitted, with a reference number, once every page is complete."""
    locked = locked_application(application)  # a draft deleted meanwhile: 404
    if not user.has_perm(permissions.CHANGE, locked):
        raise PermissionDenied
    problems = application_problems(locked)
    if problems and locked.state == ApplicationState.DRAFT:
        raise IncompleteApplication(problems)
    check_kind_agreement(locked)
    licensing.check_submission(locked)
    application, _event = actions.submit(locked, user)
    return application


@transaction.atomic
def delete_draft(application):
    """删除 a draft with its files. Locked and checked again: a submission that committed since
    the page was read keeps the application, its files and its audit record. The files go only
    once the deletion of their rows has committed."""
    locked = locked_draft(application)
    files = [attachment.file for attachment in locked.attachments.all()]
    locked.delete()
    for field_file in files:
        documents.delete_on_success(field_file)
