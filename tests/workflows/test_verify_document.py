"""核验文件 on 许可证查询 (workflows/views/verify.py `verify_document`) and the API's
documents/verify/ (api/views.py `DocumentVerifyView`): the doors of workflows/signature_check.py.

POST with CSRF, multipart; the verdict on the same page; every bad file a verdict, never a 500;
counted against the lookup allowance; nothing stored, no cache keeps the answer.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import Client
from django.urls import reverse

from api.models import ApiScope
from tests.support.api import api_client, make_token
from tests.support.builders import make_catalogue
from tests.support.signed_files import issued_licence, with_byte_changed
from tests.support.signing import pdf_for_test
from tests.support.workflow_builders import make_parties
from workflows import signature_check

pytestmark = pytest.mark.django_db

PAGE = reverse("verify_license")
UPLOAD = reverse("verify_document")
API = reverse("api:document_verify")


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def issued(parties):
    return issued_licence(parties)


def upload(client, content, name="许可证.pdf", **extra):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, "application/pdf")}, **extra)


def text(response):
    return response.content.decode()


def test_the_page_offers_the_upload_with_a_csrf_token():
    response = Client().get(PAGE)
    body = text(response)
    assert "核验文件" in body
    assert f'action="{UPLOAD}"' in body and 'enctype="multipart/form-data"' in body
    assert "csrfmiddlewaretoken" in body


def test_a_licence_issued_by_the_real_action_is_valid_with_its_authority(issued):
    licence, document, _identity = issued
    response = upload(Client(), document.read())
    assert response.status_code == 200
    body = text(response)
    assert 'data-status="valid"' in body
    assert "签名有效" in body
    assert "北京市市场监督管理局" in body
    assert licence.number in body
    assert "许可证状态" in body and "有效" in body
    # One person's answer about one file: never cached.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_altered_copy_says_so(issued):
    _licence, document, _identity = issued
    body = text(upload(Client(), with_byte_changed(document.read())))
    assert 'data-status="altered"' in body
    assert "签名无效（文件在签名后被修改）" in body


def test_an_unsigned_pdf_says_so():
    body = text(upload(Client(), pdf_for_test()))
    assert "文件没有电子签名" in body


def test_without_the_csrf_token_the_post_is_refused(issued):
    _licence, document, _identity = issued
    response = upload(Client(enforce_csrf_checks=True), document.read())
    assert response.status_code == 403


def test_with_the_csrf_token_the_post_goes_through(issued):
    _licence, document, _identity = issued
    client = Client(enforce_csrf_checks=True)
    client.get(PAGE)
    token = client.cookies["csrftoken"].value
    response = client.post(
        UPLOAD, {"file": SimpleUploadedFile("许可证.pdf", document.read()), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200
    assert "签名有效" in text(response)


def test_no_file_is_a_form_error():
    response = Client().post(UPLOAD, {})
    assert response.status_code == 200
    assert "请选择要核验的PDF文件。" in text(response)


def test_a_get_goes_to_the_page():
    response = Client().get(UPLOAD)
    assert response.status_code == 302 and response["Location"] == PAGE


def test_uploads_count_against_the_lookup_allowance(settings):
    settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_IP = 2
    client = Client()
    assert upload(client, pdf_for_test()).status_code == 200
    assert client.get(PAGE, {"number": "TS211260001-2030"}).status_code == 200
    response = upload(client, pdf_for_test())
    assert response.status_code == 429
    assert "查询许可证过于频繁" in text(response)
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]


def test_the_upload_stays_in_memory(monkeypatch, settings, issued):
    """Over FILE_UPLOAD_MAX_MEMORY_SIZE Django would write a temporary file; this door never does."""
    _licence, document, _identity = issued
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024

    def no_temporary_file(*args, **kwargs):
        raise AssertionError("the upload was written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", no_temporary_file)
    assert "签名有效" in text(upload(Client(), document.read()))


def test_an_oversize_upload_is_refused_with_the_limit(monkeypatch):
    monkeypatch.setattr(signature_check, "MAX_BYTES", 4096)
    body = text(upload(Client(), pdf_for_test() + b"%" * 10_000))
    assert 'data-status="refused"' in body
    assert "不能超过" in body


# --- the API -----------------------------------------------------------------------------------


def api_upload(client, content, name="许可证.pdf"):
    return client.post(API, {"file": SimpleUploadedFile(name, content, "application/pdf")})


def test_the_api_needs_a_token_with_the_verify_scope(parties, issued):
    _licence, document, _identity = issued
    assert api_upload(Client(), document.read()).status_code == 401
    _token, secret = make_token(parties.applicant, scopes=[ApiScope.APPLICATIONS_READ])
    response = api_upload(api_client(secret), document.read())
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_the_api_answers_the_verdict_as_json(parties, issued):
    licence, document, identity = issued
    _token, secret = make_token(parties.applicant, scopes=[ApiScope.LICENCES_VERIFY])
    response = api_upload(api_client(secret), document.read())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "valid"
    assert body["message"] == "签名有效"
    assert body["signer"]["authority"] == "北京市市场监督管理局"
    assert body["signer"]["not_after"].startswith(f"{identity.not_after:%Y-%m-%d}")
    assert body["record"] == {
        "kind": "license",
        "kind_display": "许可证",
        "number": licence.number,
        "issued_on": f"{licence.issued_on:%Y-%m-%d}",
        "authority": "北京市市场监督管理局",
    }
    assert body["licence"]["status"] == "valid"


def test_the_api_gives_each_bad_input_its_verdict(parties, issued):
    _licence, document, _identity = issued
    _token, secret = make_token(parties.applicant, scopes=[ApiScope.LICENCES_VERIFY])
    client = api_client(secret)
    assert api_upload(client, with_byte_changed(document.read())).json()["status"] == "altered"
    assert api_upload(client, pdf_for_test()).json()["status"] == "not_signed"
    assert api_upload(client, b"\x7fELF" + b"\x00" * 100, name="a.pdf").json()["status"] == "not_pdf"


def test_the_api_without_a_file_is_a_json_400(parties):
    _token, secret = make_token(parties.applicant, scopes=[ApiScope.LICENCES_VERIFY])
    response = api_client(secret).post(API, {})
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_the_api_shares_the_lookup_allowance(parties, settings):
    settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_ORGANISATION = 1
    _token, secret = make_token(parties.applicant, scopes=[ApiScope.LICENCES_VERIFY])
    client = api_client(secret)
    assert api_upload(client, pdf_for_test()).status_code == 200
    response = api_upload(client, pdf_for_test())
    assert response.status_code == 429
    assert response.json()["code"] == "lookup_limited"


def test_the_schema_documents_the_endpoint():
    schema = Client().get(reverse("api:schema")).json()
    operation = schema["paths"]["/api/v1/documents/verify/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "status" in schema["components"]["schemas"]["DocumentVerifyResult"]["properties"]
