"""The settings docs/operations.md gives for running on several machines do what they say:
private files in an S3-compatible bucket (here moto's in-process S3), exports from the replica."""

import pytest
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse

from accounts.orphans import private_file_fields
from portal.settings import env
from tests.support.builders import make_catalogue
from tests.support.workflow_builders import application_in, make_parties
from workflows.models import ApplicationState, Document, DocumentKind

pytestmark = pytest.mark.django_db

moto = pytest.importorskip("moto")


@pytest.fixture
def s3_private_storage(monkeypatch, settings, tmp_path):
    """STORAGES["private"] exactly as production.py builds it from S3_* variables, on moto."""
    import boto3

    for name, value in {
        "S3_BUCKET": "portal-test",
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="portal-test")
        with override_settings(STORAGES={**settings.STORAGES, "private": env.s3_storage("private")}):
            bucket = storages["private"]
            # A FileField evaluates its storage once, at import: point the private ones at the bucket,
            # as production settings do before any model is loaded.
            for fields in private_file_fields().values():
                for model, name in fields:
                    monkeypatch.setattr(model._meta.get_field(name), "storage", bucket)
            yield bucket


def test_issued_documents_go_to_the_bucket_and_out_through_the_permission_checked_view(
    client, s3_private_storage, settings
):
    from storages.backends.s3 import S3Storage

    assert isinstance(s3_private_storage, S3Storage)
    parties = make_parties(make_catalogue())
    application = application_in(ApplicationState.ACCEPTED, parties)
    document = Document.objects.get(application=application, kind=DocumentKind.ACCEPTANCE_DECISION)

    assert s3_private_storage.exists(document.file.name)
    assert document.file.name.startswith("workflows/document/")
    stored = s3_private_storage.open(document.file.name).read()
    assert stored.startswith(b"%PDF") and Document.digest(stored) == document.sha256
    # Nothing of it on the local disk of this app server.
    assert not (settings.PRIVATE_MEDIA_ROOT / document.file.name).exists()

    url = reverse("applications:document", args=[document.uuid])
    client.force_login(parties.other_enterprise)
    assert client.get(url).status_code == 404
    client.force_login(parties.applicant)
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == stored


def test_the_orphan_sweep_lists_the_bucket(s3_private_storage):
    from django.core.files.base import ContentFile

    from accounts.orphans import orphan_files

    name = s3_private_storage.save("workflows/document/" + "0" * 32 + ".pdf", ContentFile(b"%PDF-1.4"))
    assert name in orphan_files(max_age=-60)


def test_the_queue_export_reads_from_the_replica_when_there_is_one(client, monkeypatch):
    from django.db.utils import ConnectionDoesNotExist

    from workflows.staff_admin import queue

    parties = make_parties(make_catalogue())
    application_in(ApplicationState.SUBMITTED, parties)
    client.force_login(parties.authority)
    url = reverse("licensing:index") + "?export=csv"
    assert client.get(url).status_code == 200
    # An alias that does not exist here: the export must ask for it, the page itself must not.
    monkeypatch.setattr(queue, "replica_alias", lambda: "replica")
    assert client.get(reverse("licensing:index")).status_code == 200
    with pytest.raises(ConnectionDoesNotExist):
        b"".join(client.get(url).streaming_content)


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_replica_alias_names_the_replica_only_when_it_is_configured(settings):
    from core.replica import replica_alias

    assert replica_alias() == "default"
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    assert replica_alias() == "replica"
