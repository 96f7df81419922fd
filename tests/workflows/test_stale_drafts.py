"""A draft changed from a page read before it was submitted, deleted or withdrawn (outside review, docs/security.md).

The object a request read a moment ago is stale once another tab's 提交 has committed: each
applicant mutation locks the row and checks the state again (workflows/services.py
`locked_draft`), so the save, the upload and the 删除 are refused instead of being written into,
or deleting, the submitted application. Each test runs the interleaving deterministically: read
the draft, let the other request commit, then call the mutation with the stale object. The real
concurrent requests are in tests/security/test_concurrency.py (PostgreSQL).
"""

import pytest
from django.db import transaction
from django.urls import reverse

from tests.support.builders import ApplicationFactory, files_form, make_catalogue
from tests.support.field_types import PDF, upload
from tests.support.storage import private_files
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import correction, services
from workflows.models import ApplicationAttachment, ApplicationEvent, ApplicationState

pytestmark = pytest.mark.django_db

S = ApplicationState


@pytest.fixture
def draft():
    catalogue = make_catalogue(files_form())
    application = ApplicationFactory(levels=[catalogue["D"]])
    spec = application.schema_version.parsed.fields_by_key["site_proof"]
    services.attach_files(application, spec, [upload("场地.pdf", PDF)], [], application.created_by)
    return refresh(application)


def spec_of(application, key="site_proof"):
    return application.schema_version.parsed.fields_by_key[key]


def submit_elsewhere(application):
    """Another tab's 提交, committed after `application` was read."""
    return services.submit_application(refresh(application), application.created_by)


def test_deleting_a_draft_read_before_its_submission_deletes_nothing(draft):
    stale = refresh(draft)
    submit_elsewhere(draft)
    attachment = ApplicationAttachment.objects.get(application=draft)

    with pytest.raises(services.NotDraft):
        services.delete_draft(stale)

    assert refresh(draft).state == S.SUBMITTED
    assert attachment.file.storage.exists(attachment.file.name)
    assert ApplicationEvent.objects.filter(application=draft, transition="submit").count() == 1


def test_a_save_from_a_page_read_before_submission_is_refused(draft):
    stale = refresh(draft)
    submitted = submit_elsewhere(draft)

    with pytest.raises(services.NotDraft):
        services.save_values(stale, {"credit_code": "NOT-A-CODE"})

    assert refresh(draft).data == submitted.data


def test_uploads_and_removals_from_a_page_read_before_submission_are_refused(draft):
    stale = refresh(draft)
    submitted = submit_elsewhere(draft)
    attachment = ApplicationAttachment.objects.get(application=draft)
    files_before = private_files()

    with pytest.raises(services.NotDraft), transaction.atomic():
        services.attach_files(stale, spec_of(stale), [upload("新.pdf", PDF)], [str(attachment.uuid)], stale.created_by)

    assert refresh(draft).data == submitted.data
    assert list(ApplicationAttachment.objects.filter(application=draft)) == [attachment]
    assert private_files() == files_before


def test_files_of_a_deleted_draft_go_only_once_the_deletion_has_committed(draft, django_capture_on_commit_callbacks):
    attachment = ApplicationAttachment.objects.get(application=draft)
    storage, name = attachment.file.storage, attachment.file.name

    with pytest.raises(RuntimeError), transaction.atomic():
        services.delete_draft(refresh(draft))
        raise RuntimeError("the deletion is rolled back")
    assert storage.exists(name) and ApplicationAttachment.objects.filter(pk=attachment.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_draft(refresh(draft))
    assert not storage.exists(name)


@pytest.fixture
def submitted_meanwhile(monkeypatch):
    """The view reads the draft, then another tab's 提交 commits before the view saves."""
    from workflows.views import drafts

    real = drafts.changeable_or_404

    def read_then_submitted(user, uuid):
        application = real(user, uuid)
        submit_elsewhere(application)
        return application

    monkeypatch.setattr(drafts, "changeable_or_404", read_then_submitted)


def test_an_autosave_arriving_during_submission_is_refused_with_409(client, draft, submitted_meanwhile):
    client.force_login(draft.created_by)
    response = client.post(reverse("applications:autosave", args=[draft.uuid, 1]), {"f-credit_code": "NOT-A-CODE"})
    assert response.status_code == 409
    assert response.json()["error"] == "该申请已提交，不能再修改。"
    assert refresh(draft).data["credit_code"] == draft.data["credit_code"]


def test_a_page_save_arriving_during_submission_is_refused(client, draft, submitted_meanwhile):
    client.force_login(draft.created_by)
    response = client.post(
        reverse("applications:page", args=[draft.uuid, 1]),
        {"action": "save", "f-credit_code": "NOT-A-CODE", "f-site_proof": upload("新.pdf", PDF)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[draft.uuid])
    assert "该申请已提交，不能再修改。" in response.content.decode()
    assert refresh(draft).data["credit_code"] == draft.data["credit_code"]
    assert ApplicationAttachment.objects.filter(application=draft).count() == 1


def test_a_delete_arriving_during_submission_deletes_nothing(client, draft, submitted_meanwhile):
    client.force_login(draft.created_by)
    attachment = ApplicationAttachment.objects.get(application=draft)
    response = client.post(reverse("applications:delete", args=[draft.uuid]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[draft.uuid])
    assert "该申请已提交，不能再修改。" in response.content.decode()
    assert refresh(draft).state == S.SUBMITTED
    assert attachment.file.storage.exists(attachment.file.name)


def test_a_resubmission_checks_what_a_save_committed_meanwhile():
    parties = make_parties(make_catalogue())
    application = application_in(S.CORRECTION_REQUESTED, parties)
    stale = refresh(application)
    correction.save_correction(stale, {"fa_ding_dai_biao_ren": "李四"})
    # Another tab empties the flagged (required) field after this one read the application.
    correction.save_correction(refresh(application), {"fa_ding_dai_biao_ren": ""})

    with pytest.raises(correction.CorrectionIncomplete):
        correction.resubmit(stale, parties.applicant)

    assert refresh(application).state == S.CORRECTION_REQUESTED
