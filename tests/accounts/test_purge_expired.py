from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import SmsCode
from accounts.sms import send_code
from accounts.uploads import restore_upload, stash_upload
from tests.support.accounts import png_file

pytestmark = pytest.mark.django_db


def test_purge_removes_old_sms_codes_and_keeps_todays(monkeypatch):
    send_code("13900000001", "register")
    send_code("13900000002", "register")
    SmsCode.objects.filter(mobile="13900000001").update(created_at=timezone.now() - timedelta(days=3))
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert list(SmsCode.objects.values_list("mobile", flat=True)) == ["13900000002"]
    assert "SMS codes removed: 1" in out.getvalue()


def test_purge_removes_stale_stashes_only(monkeypatch):
    fresh = stash_upload(png_file())
    import accounts.uploads as uploads

    real_now = timezone.now
    monkeypatch.setattr(uploads.timezone, "now", lambda: real_now() + timedelta(days=2))
    call_command("purge_expired", stdout=StringIO())
    monkeypatch.setattr(uploads.timezone, "now", real_now)
    assert restore_upload(fresh) is None
    kept = stash_upload(png_file())
    call_command("purge_expired", stdout=StringIO())
    assert restore_upload(kept) is not None


# ----- drafts nobody touches (settings.DATA_RETENTION) and what is never purged -----------------


@pytest.fixture
def parties():
    from tests.support.builders import field, make_catalogue, make_form_schema, simple_pages
    from tests.support.workflow_builders import make_parties

    pages = simple_pages()
    pages[1]["value"]["fields"].append(
        field("files", "质量手册", "quality_manual", required=False, allowed_types=["pdf"], max_files=2)
    )
    return make_parties(make_catalogue(make_form_schema(pages)))


def draft_with_file(parties):
    from tests.support.field_types import PDF, upload
    from tests.support.workflow_builders import fill_completely, refresh
    from workflows import services

    draft = fill_completely(_new_draft(parties))
    spec = draft.schema_version.parsed.fields_by_key["quality_manual"]
    assert services.attach_files(draft, spec, [upload("质量手册.pdf", PDF)], [], parties.applicant) == []
    return refresh(draft)


def _new_draft(parties):
    from tests.support.builders import ApplicationFactory

    return ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]])


def age(application, days):
    from workflows.models import Application

    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now() - timedelta(days=days))


def test_purge_deletes_untouched_drafts_with_their_files_and_keeps_the_rest(
    parties, settings, django_capture_on_commit_callbacks
):
    from tests.support.workflow_builders import application_in
    from workflows.models import AccessKind, AccessLog, Application, ApplicationAttachment, ApplicationEvent

    settings.DATA_RETENTION = {"DRAFT_RETENTION_DAYS": 30, "SMS_CODE_RETENTION_DAYS": 2}
    stale = draft_with_file(parties)
    stored = stale.attachments.get().file
    storage, name = stored.storage, stored.name
    assert storage.exists(name)
    recent = _new_draft(parties)
    submitted = application_in("accepted", parties)
    age(stale, 31)
    age(recent, 29)
    age(submitted, 400)  # only drafts are purged, however old the rest
    events_before = ApplicationEvent.objects.count()
    log = AccessLog(
        application=submitted,
        application_reference=submitted.reference,
        kind=AccessKind.PRINTED_APPLICATION,
        user=parties.authority,
        organisation=parties.authority.organisation,
    )
    log.save()
    AccessLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - timedelta(days=400))

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # a draft's files go once its deletion has committed
        call_command("purge_expired", stdout=out)

    assert "stale drafts removed: 1" in out.getvalue()
    assert not Application.objects.filter(pk=stale.pk).exists()
    assert not ApplicationAttachment.objects.filter(application_id=stale.pk).exists()
    assert not storage.exists(name)
    assert Application.objects.filter(pk__in=[recent.pk, submitted.pk]).count() == 2
    # Audit records stay, however old: GB/T 22239 asks for at least six months.
    assert ApplicationEvent.objects.count() == events_before
    assert AccessLog.objects.filter(pk=log.pk).exists()


def test_purge_uses_the_default_retention_when_the_setting_is_missing(parties, settings):
    from workflows.models import Application

    del settings.DATA_RETENTION
    draft = _new_draft(parties)
    age(draft, 364)
    call_command("purge_expired", stdout=StringIO())
    assert Application.objects.filter(pk=draft.pk).exists()
    age(draft, 366)
    call_command("purge_expired", stdout=StringIO())
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_sms_code_retention_follows_the_setting(settings):
    settings.DATA_RETENTION = {"DRAFT_RETENTION_DAYS": 365, "SMS_CODE_RETENTION_DAYS": 5}
    send_code("13900000003", "register")
    SmsCode.objects.update(created_at=timezone.now() - timedelta(days=3))
    call_command("purge_expired", stdout=StringIO())
    assert SmsCode.objects.count() == 1
    SmsCode.objects.update(created_at=timezone.now() - timedelta(days=6))
    call_command("purge_expired", stdout=StringIO())
    assert SmsCode.objects.count() == 0


# ----- files a crashed process left without a row (accounts.orphans) ---------------------------


def _age(path, days):
    import os

    from core.storage import private_storage

    old = timezone.now().timestamp() - days * 24 * 60 * 60
    os.utime(private_storage().path(path), (old, old))


def test_purge_removes_old_private_files_no_row_refers_to_and_keeps_the_rest(parties):
    from django.core.files.base import ContentFile

    from core.storage import private_storage
    from tests.support.workflow_builders import application_in
    from workflows.models import ApplicationState, Document

    application = application_in(ApplicationState.ACCEPTED, parties)
    document = Document.objects.filter(application=application).first()
    storage = private_storage()
    orphan = storage.save("workflows/document/0123456789abcdef0123456789abcdef.pdf", ContentFile(b"%PDF-1.4"))
    orphan_licence = storage.save("accounts/organisation/fedcba9876543210fedcba9876543210.png", ContentFile(b"x"))
    fresh_orphan = storage.save("workflows/document/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.pdf", ContentFile(b"%PDF-1.4"))
    for path in (orphan, orphan_licence, document.file.name):
        _age(path, days=3)

    out = StringIO()
    call_command("purge_expired", stdout=out)

    assert "orphaned files removed: 2" in out.getvalue()
    assert not storage.exists(orphan) and not storage.exists(orphan_licence)
    # An old file a row points at stays; so does a new one whose transaction may still be open.
    assert storage.exists(document.file.name) and storage.exists(fresh_orphan)
    assert Document.objects.get(pk=document.pk).read() == document.read()
