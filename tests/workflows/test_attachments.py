"""Uploads through the form page: refused files say why, good ones are kept, listed, downloadable
by the applicant's organisation only, and removed with the draft."""

import pytest
from django.urls import reverse

from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.factories import UserFactory
from tests.support.field_types import PDF, PNG, upload
from workflows.models import Application, ApplicationAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def draft(user):
    pages = [
        page(
            "材料",
            "files",
            [
                field("singleline", "说明", "shuo_ming"),
                field("files", "场地证明", "site_proof", allowed_types=["pdf", "png"], max_size_mb=1, max_files=2),
            ],
        )
    ]
    catalogue = make_catalogue(make_form_schema(pages))
    return ApplicationFactory(user=user, levels=[catalogue["D"]])


def url(draft):
    return reverse("applications:page", args=[draft.uuid, 1])


def fresh(draft):
    return Application.objects.get(pk=draft.pk)


def test_a_refused_file_says_why_and_keeps_the_typed_text(client, draft, user):
    client.force_login(user)
    response = client.post(
        url(draft), {"action": "save", "f-shuo_ming": "厂房租赁", "f-site_proof": upload("合同.pdf", PNG)}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“合同.pdf”" in html and ".pdf" in html and "PNG" in html
    assert fresh(draft).data["shuo_ming"] == "厂房租赁"
    assert not ApplicationAttachment.objects.exists()


def test_good_files_are_kept_listed_and_downloadable_by_the_organisation_only(client, draft, user):
    client.force_login(user)
    response = client.post(
        url(draft),
        {"action": "save", "f-site_proof": [upload("合同.pdf", PDF), upload("厂房.png", PNG)]},
    )
    assert response.status_code == 302
    refs = fresh(draft).data["site_proof"]
    assert [r["name"] for r in refs] == ["合同.pdf", "厂房.png"]
    html = client.get(url(draft)).content.decode()
    download = reverse("applications:attachment", args=[draft.uuid, refs[0]["id"]])
    assert download in html and "合同.pdf" in html

    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]

    client.force_login(UserFactory())
    assert client.get(download).status_code == 404


def test_a_third_file_is_refused_and_a_file_can_be_removed(client, draft, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    client.post(url(draft), {"action": "save", "f-site_proof": [upload("a.pdf", PDF), upload("b.pdf", PDF)]})
    response = client.post(url(draft), {"action": "save", "f-site_proof": upload("c.pdf", PDF)})
    assert response.status_code == 400 and "最多上传 2 个文件" in response.content.decode()
    first = fresh(draft).data["site_proof"][0]["id"]
    removed = ApplicationAttachment.objects.get(uuid=first).file
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal has committed
        client.post(url(draft), {"action": "save", "f-site_proof__remove": first})
    assert [r["name"] for r in fresh(draft).data["site_proof"]] == ["b.pdf"]
    assert ApplicationAttachment.objects.count() == 1
    assert not removed.storage.exists(removed.name)  # the private file goes with its row


def test_deleting_the_draft_deletes_its_files(client, draft, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    client.post(url(draft), {"action": "save", "f-site_proof": upload("a.pdf", PDF)})
    stored = ApplicationAttachment.objects.get().file
    assert stored.storage.exists(stored.name)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("applications:delete", args=[draft.uuid]))
    assert not stored.storage.exists(stored.name)
    assert not ApplicationAttachment.objects.exists()


def test_the_form_page_works_in_english(client, draft, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    html = client.get(url(draft)).content.decode()
    assert "Next page" in html or "Check and submit" in html
    assert "Print this page" in html
