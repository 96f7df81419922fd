"""Faults half way through a change leave nothing behind: all or nothing.

tests/workflows/test_action_effects.py already proves it for a failing PDF renderer in every
document-issuing action and for the files written before the failure. This module injects the
other faults: an exception right after the transition was saved (in the permission grant, in the
notification), a database error on the audit insert (a patched manager and a real database
trigger), an IntegrityError while numbering, a failing storage or UPDATE while a draft page is
saved, and a failure in registration after the organisation row was written. Each time the
database, the private storage and the outgoing messages are compared with what they were before.
"""

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Organisation, OrganisationKind, Region
from tests.support.accounts import enterprise_data, png_file
from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.field_types import PDF, upload
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import actions, services
from workflows.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationGroupObjectPermission,
    ApplicationState,
    Document,
    DocumentKind,
    DocumentSequence,
    License,
    Notification,
)

S = ApplicationState
pytestmark = pytest.mark.django_db


class InjectedFault(Exception):
    """The fault the tests inject; anything but the errors the code handles on purpose."""


def fail(*args, **kwargs):
    raise InjectedFault("injected")


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def private_files():
    root = settings.PRIVATE_MEDIA_ROOT
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def snapshot(application):
    """Everything an action may write, so that `before == after` means none of it happened."""
    a = refresh(application)
    return {
        "application": (
            a.state,
            a.reference,
            a.submitted_at,
            a.accepted_at,
            a.decided_at,
            a.review_body_id,
            a.clock,
            a.due_on,
        ),
        "events": list(ApplicationEvent.objects.filter(application=a).values_list("pk", flat=True)),
        "documents": list(Document.objects.values_list("pk", flat=True)),
        "sequences": sorted(DocumentSequence.objects.values_list("authority_id", "kind", "year", "last")),
        "grants": sorted(
            ApplicationGroupObjectPermission.objects.filter(content_object=a).values_list(
                "group_id", "permission__codename"
            )
        ),
        "notifications": Notification.objects.count(),
        "licences": License.objects.count(),
        "files": private_files(),
    }


def assert_nothing_happened(capture, application, call, error=InjectedFault):
    before = snapshot(application)
    with capture(execute=True) as callbacks:
        with pytest.raises(error):
            call()
    assert snapshot(application) == before
    assert callbacks == []  # no e-mail or SMS was queued for a commit that never came


SUBMIT = (S.DRAFT, lambda a, p: services.submit_application(a, p.applicant))
ACCEPT = (S.SUBMITTED, lambda a, p: actions.accept(a, p.authority, p.review_body_org, "材料齐全"))
APPROVE = (S.REVIEWED, lambda a, p: actions.approve(a, p.authority, "准予许可"))


# --- an exception right after the transition was saved --------------------------------------


@pytest.mark.parametrize(
    ("action", "target"),
    [
        (SUBMIT, "workflows.permissions.grant_authority"),
        (SUBMIT, "workflows.actions.notify"),
        (ACCEPT, "workflows.permissions.grant_review_body"),  # after the 受理决定书 was written
        (ACCEPT, "workflows.actions.notify"),
        (APPROVE, "workflows.permissions.revoke_review_body"),  # after both documents and the licence
        (APPROVE, "workflows.actions.notify"),
    ],
    ids=[
        "submit-grant",
        "submit-notify",
        "accept-grant",
        "accept-notify",
        "approve-revoke",
        "approve-notify",
    ],
)
def test_an_exception_after_the_transition_undoes_everything(
    parties, monkeypatch, django_capture_on_commit_callbacks, action, target
):
    state, call = action
    application = application_in(state, parties)
    monkeypatch.setattr(target, fail)
    assert_nothing_happened(django_capture_on_commit_callbacks, application, lambda: call(application, parties))
    assert refresh(application).state == state

    # Nothing is stuck: once the fault is gone the same action goes through, with the first numbers.
    monkeypatch.undo()
    call(application, parties)
    assert refresh(application).state != state
    numbers = Document.objects.filter(application=application).exclude(number="").values_list("number", flat=True)
    assert all(number.endswith("〕1号") or "0001-" in number for number in numbers)


def test_a_failed_submission_through_the_portal_answers_500_and_keeps_the_draft(
    client, parties, monkeypatch, django_capture_on_commit_callbacks
):
    draft = application_in(S.DRAFT, parties)
    client.force_login(parties.applicant)
    client.raise_request_exception = False
    monkeypatch.setattr("workflows.permissions.grant_authority", fail)
    before = snapshot(draft)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("applications:check", args=[draft.uuid]))
    assert response.status_code == 500
    assert snapshot(draft) == before and callbacks == []
    assert refresh(draft).is_draft and refresh(draft).reference in ("", None)


# --- a database error on the audit insert ---------------------------------------------------


@pytest.mark.parametrize("action", [SUBMIT, ACCEPT, APPROVE], ids=["submit", "accept", "approve"])
def test_a_database_error_on_the_audit_insert_undoes_the_transition(
    parties, monkeypatch, django_capture_on_commit_callbacks, action
):
    state, call = action
    application = application_in(state, parties)

    def broken_insert(**kwargs):
        raise DatabaseError("could not write the audit record")

    monkeypatch.setattr(ApplicationEvent.objects, "create", broken_insert)
    assert_nothing_happened(
        django_capture_on_commit_callbacks, application, lambda: call(application, parties), DatabaseError
    )


def refuse(operation, table):
    """A real database error: a trigger that refuses every `operation` (INSERT, UPDATE) on
    `table`; it is rolled back with the test's transaction, DDL being transactional on both
    SQLite and PostgreSQL."""
    trigger = f"CREATE TRIGGER fault_injected BEFORE {operation} ON {table}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION fault_injected() RETURNS trigger AS $$ "
                "BEGIN RAISE EXCEPTION 'fault injected'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(f"{trigger} FOR EACH ROW EXECUTE FUNCTION fault_injected()")
        else:
            cursor.execute(f"{trigger} BEGIN SELECT RAISE(ABORT, 'fault injected'); END")


@pytest.mark.parametrize("action", [SUBMIT, ACCEPT, APPROVE], ids=["submit", "accept", "approve"])
def test_a_database_trigger_refusing_the_audit_insert_undoes_the_transition(
    parties, django_capture_on_commit_callbacks, action
):
    state, call = action
    application = application_in(state, parties)
    refuse("INSERT", ApplicationEvent._meta.db_table)
    assert_nothing_happened(
        django_capture_on_commit_callbacks, application, lambda: call(application, parties), DatabaseError
    )


# --- numbering --------------------------------------------------------------------------------


def test_an_integrity_error_on_the_counter_undoes_the_acceptance(
    parties, monkeypatch, django_capture_on_commit_callbacks
):
    application = application_in(S.SUBMITTED, parties)
    real_save = DocumentSequence.save

    def broken_save(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["last"]:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(DocumentSequence, "save", broken_save)
    assert_nothing_happened(
        django_capture_on_commit_callbacks,
        application,
        lambda: actions.accept(application, parties.authority, parties.review_body_org),
        IntegrityError,
    )


def test_a_counter_row_that_cannot_be_created_raises_the_integrity_error(
    parties, monkeypatch, django_capture_on_commit_callbacks
):
    """next_value retries once when a concurrent first number of the year created the row; when
    the second attempt fails too, the IntegrityError itself must come out (not an unrelated
    UnboundLocalError) and nothing may be left."""
    application = application_in(S.SUBMITTED, parties)
    manager = DocumentSequence.objects
    real = manager.select_for_update

    class Refusing:
        def get_or_create(self, **kwargs):
            raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(manager, "select_for_update", lambda *a, **k: Refusing())
    assert_nothing_happened(
        django_capture_on_commit_callbacks,
        application,
        lambda: actions.accept(application, parties.authority, parties.review_body_org),
        IntegrityError,
    )

    # One refusal (the concurrent first number) is retried and the action goes through.
    calls = []

    def once(*args, **kwargs):
        calls.append(1)
        return Refusing() if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(manager, "select_for_update", once)
    actions.accept(application, parties.authority, parties.review_body_org)
    assert Document.objects.get(application=application).number.endswith("〕1号")
    assert len(calls) == 2


def test_a_licence_number_already_taken_undoes_the_approval(parties, django_capture_on_commit_callbacks):
    """A counter set back (e.g. a restore that lost the last numbers) hands out a licence number
    that exists: the unique constraint stops the approval, and nothing of it remains."""
    first = application_in(S.APPROVED, parties)
    second = application_in(S.REVIEWED, parties)
    DocumentSequence.objects.filter(kind=DocumentKind.LICENSE).update(last=0)
    assert_nothing_happened(
        django_capture_on_commit_callbacks,
        second,
        lambda: actions.approve(second, parties.authority),
        IntegrityError,
    )
    assert refresh(first).state == S.APPROVED and License.objects.count() == 1


# --- saving a draft page ----------------------------------------------------------------------


@pytest.fixture
def upload_draft():
    pages = [
        page(
            "材料",
            "files",
            [
                field("singleline", "说明", "shuo_ming"),
                field("files", "场地证明", "site_proof", allowed_types=["pdf"], max_size_mb=1, max_files=2),
                field("files", "设备清单", "equipment_list", allowed_types=["pdf"], max_size_mb=1, max_files=2),
            ],
        )
    ]
    catalogue = make_catalogue(make_form_schema(pages))
    return ApplicationFactory(levels=[catalogue["D"]])


def page_url(draft):
    return reverse("applications:page", args=[draft.uuid, 1])


def draft_state(draft):
    fresh = Application.objects.get(pk=draft.pk)
    return (
        fresh.data,
        fresh.updated_at,
        sorted(ApplicationAttachment.objects.filter(application=fresh).values_list("field_key", "original_name")),
        private_files(),
    )


def test_a_page_save_that_fails_half_way_saves_nothing(client, upload_draft, monkeypatch):
    """The first file field's upload is stored, the second one's storage fails: neither the
    first file (row and file), nor the typed text, nor a removal may stay half done."""
    draft = upload_draft
    client.force_login(draft.created_by)
    client.raise_request_exception = False
    client.post(page_url(draft), {"action": "save", "f-shuo_ming": "旧说明", "f-site_proof": upload("旧.pdf", PDF)})
    kept = ApplicationAttachment.objects.get()
    before = draft_state(draft)

    storage = storages["private"]
    real_save = type(storage)._save

    def second_field_fails(self, name, content):
        if "清单" in content.name:
            raise OSError("No space left on device")
        return real_save(self, name, content)

    monkeypatch.setattr(type(storage), "_save", second_field_fails)
    response = client.post(
        page_url(draft),
        {
            "action": "save",
            "f-shuo_ming": "新说明",
            "f-site_proof": upload("新.pdf", PDF),
            "f-site_proof__remove": [str(kept.uuid)],
            "f-equipment_list": upload("清单.pdf", PDF),
        },
    )
    assert response.status_code == 500
    assert draft_state(draft) == before
    assert kept.file.storage.exists(kept.file.name)  # the removal was undone with its row


def test_an_autosave_whose_update_fails_changes_nothing(client, upload_draft):
    draft = upload_draft
    client.force_login(draft.created_by)
    client.raise_request_exception = False
    services.save_values(draft, {"shuo_ming": "已保存的说明"})
    before = draft_state(draft)
    refuse("UPDATE", Application._meta.db_table)
    # The request's own transaction, as in production's autocommit: the test's enclosing one would
    # otherwise stay broken after the error and refuse the checks below.
    with transaction.atomic():
        response = client.post(reverse("applications:autosave", args=[draft.uuid, 1]), {"f-shuo_ming": "新说明"})
    assert response.status_code == 500
    assert draft_state(draft) == before


def test_a_correction_save_that_fails_after_the_upload_saves_nothing(client, monkeypatch):
    """补齐补正 saves like a draft page: the new file of a flagged field and its row go again when
    the values' save fails after it."""
    pages = [
        page(
            "材料",
            "materials",
            [
                field("singleline", "企业名称", "qi_ye_ming_cheng"),
                field("files", "质量手册", "quality_manual", allowed_types=["pdf"], max_files=2),
            ],
        )
    ]
    catalogue = make_catalogue(make_form_schema(pages))
    parties = make_parties(catalogue)
    draft = ApplicationFactory(user=parties.applicant, levels=[catalogue["D"]])
    services.save_values(draft, {"qi_ye_ming_cheng": "甲公司"})
    spec = draft.schema_version.parsed.fields_by_key["quality_manual"]
    services.attach_files(draft, spec, [upload("手册.pdf", PDF)], [], parties.applicant)
    application = services.submit_application(draft, parties.applicant)
    item = {"target": "page", "key": "materials", "label": "材料", "page_number": 1, "comment": "材料不全"}
    actions.request_correction(application, parties.authority, [item])
    before = draft_state(application)

    client.force_login(parties.applicant)
    client.raise_request_exception = False
    monkeypatch.setattr("workflows.correction.save_correction", fail)
    response = client.post(
        reverse("applications:correction", args=[application.uuid]),
        {"action": "save", "f-qi_ye_ming_cheng": "乙公司", "f-quality_manual": upload("手册（盖章）.pdf", PDF)},
    )
    assert response.status_code == 500
    assert draft_state(application) == before


# --- registration -----------------------------------------------------------------------------


def registration(n=1):
    data = enterprise_data(n)
    data["region"] = Region.objects.get(code=data["county"])
    data["business_licence"] = png_file("营业执照.png")
    return data


def accounts_state():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    return (
        Organisation.objects.count(),
        Group.objects.count(),
        get_user_model().objects.count(),
        private_files(),
    )


@pytest.mark.parametrize(
    "target",
    ["accounts.models.Organisation.add_member", "accounts.services.consume_code"],
    ids=["membership", "sms-code"],
)
def test_a_registration_interrupted_after_the_organisation_row_leaves_nothing(monkeypatch, target):
    """No organisation, no group, no user and no stored business licence (personal data) stays
    behind when a later step fails."""
    before = accounts_state()
    monkeypatch.setattr(target, fail)
    with pytest.raises(InjectedFault):
        account_services.register_applicant(OrganisationKind.ENTERPRISE, registration())
    assert accounts_state() == before


def test_a_duplicate_found_by_the_database_leaves_no_business_licence_behind():
    """Two people registering the same username at once: the second is refused by the unique
    constraint after its organisation and licence file were written."""
    account_services.register_applicant(OrganisationKind.ENTERPRISE, registration(1))
    before = accounts_state()
    duplicate = registration(2)
    duplicate["username"] = enterprise_data(1)["username"]
    with pytest.raises(account_services.DuplicateRegistration):
        account_services.register_applicant(OrganisationKind.ENTERPRISE, duplicate)
    assert accounts_state() == before
