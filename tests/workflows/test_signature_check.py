"""核验文件 (workflows/signature_check.py): each verdict, from real signed documents.

The licence is issued through the real actions with the authority holding a signing identity from
the test CA (tests/support/signing.py), so the file checked is the one documents.issue signed and
stored; its tampered copies (tests/support/signed_files.py) are the issue's bad inputs.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pypdf import PdfReader, PdfWriter

from tests.support.bad_files import ACTIVE_PDFS, ELF, PDF, UNPARSEABLE_PDFS
from tests.support.builders import make_catalogue
from tests.support.signed_files import (
    foreign_signer,
    issued_licence,
    sign,
    with_byte_changed,
    with_info_updated,
    with_page_added,
)
from tests.support.signing import identity_for_test, issue_for_test, pdf_for_test, simple_signer
from tests.support.timestamping import timestamper_for_test
from tests.support.workflow_builders import application_in, make_parties
from workflows import pdf_signing, signature_check, signing
from workflows.models import ApplicationState, Document, DocumentKind, License, SigningIdentity
from workflows.signature_check import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def issued(parties):
    return issued_licence(parties)


def check(data):
    return signature_check.check_pdf(data)


def test_the_issued_licence_is_valid_signed_by_its_authority_and_on_record(issued):
    licence, document, identity = issued
    verdict = check(document.read())
    assert verdict.status == Status.VALID, verdict.details
    assert verdict.headline == "签名有效"
    assert verdict.signer.authority == licence.authority.name == "北京市市场监督管理局"
    assert verdict.signer.not_before == identity.not_before
    assert verdict.signer.not_after == identity.not_after
    assert not verdict.signer.expired_now and not verdict.signer.rotated
    assert verdict.record.kind == DocumentKind.LICENSE
    assert verdict.record.number == licence.number
    assert verdict.record.issued_on == timezone.localdate(document.issued_at)
    assert verdict.licence["number"] == licence.number
    assert verdict.licence["status"] == "valid"
    assert verdict.licence["status_display"] == "有效"


def test_the_decision_letter_is_valid_and_names_the_licence(issued):
    licence, document, _identity = issued
    decision = document.application.documents.get(kind=DocumentKind.LICENSE_DECISION)
    verdict = check(decision.read())
    assert verdict.status == Status.VALID, verdict.details
    assert verdict.record.kind_display == "准予许可决定书"
    assert verdict.record.number == decision.number
    assert verdict.licence["number"] == licence.number


def test_a_superseded_licence_is_still_validly_signed_and_says_so(issued, parties):
    licence, document, _identity = issued
    newer = License.objects.create(
        number="TS2211999999-2031",
        application=application_in(ApplicationState.DRAFT, parties),
        holder=licence.holder,
        authority=licence.authority,
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
    )
    License.objects.filter(pk=licence.pk).update(superseded_by=newer)
    verdict = check(document.read())
    assert verdict.status == Status.VALID
    assert verdict.licence["status"] == "superseded"
    assert verdict.licence["status_display"] == "已换发"
    assert verdict.licence["superseded_by"] == newer.number


def test_a_rotated_or_expired_certificate_still_proves_what_it_signed(issued, parties):
    licence, document, identity = issued
    # Rotation: a new identity active, the old one kept inactive.
    SigningIdentity.objects.filter(pk=identity.pk).update(active=False)
    identity_for_test(parties.catalogue["beijing"])
    verdict = check(document.read())
    assert verdict.status == Status.VALID, verdict.details
    assert verdict.signer.rotated
    # Expiry: a certificate valid when it signed, expired now.
    now = timezone.now()
    issued_cert = issue_for_test(
        "北京市市场监督管理局",
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    old = SigningIdentity(authority=parties.catalogue["beijing"], kind="pkcs12", secret_env="UNUSED", active=False)  # noqa: S106
    old.store_certificate(issued_cert.certificate, issued_cert.chain)
    old.save()
    signer = simple_signer(issued_cert)
    signed_then = sign(pdf_for_test(), signer, signed_at=now - datetime.timedelta(days=30))
    verdict = check(signed_then)
    # Valid signature by a known certificate, judged at its signing time; not a file we issued.
    assert verdict.status == Status.NOT_ON_RECORD, verdict.details
    assert verdict.signer.expired_now


def test_one_byte_changed_inside_the_signed_range_is_altered(issued):
    _licence, document, _identity = issued
    verdict = check(with_byte_changed(document.read()))
    assert verdict.status == Status.ALTERED
    assert verdict.headline == "签名无效（文件在签名后被修改）"
    assert verdict.record is None and verdict.licence is None


def test_a_page_added_after_signing_is_altered(issued):
    _licence, document, _identity = issued
    verdict = check(with_page_added(document.read()))
    assert verdict.status == Status.ALTERED
    assert "签名之后文件又被追加了修改" in " ".join(str(d) for d in verdict.details)


def test_any_incremental_update_after_signing_is_altered(issued):
    _licence, document, _identity = issued
    assert check(with_info_updated(document.read())).status == Status.ALTERED


def test_a_second_signature_after_ours_is_an_alteration(issued):
    _licence, document, _identity = issued
    countersigned = sign(document.read(), foreign_signer(), field_name="Signature2")
    assert check(countersigned).status == Status.ALTERED


def test_an_unsigned_pdf_is_not_signed():
    verdict = check(pdf_for_test())
    assert verdict.status == Status.NOT_SIGNED
    assert verdict.headline == "文件没有电子签名"
    assert verdict.record is None


def test_an_unsigned_document_on_record_is_not_signed_but_matches_the_record(parties):
    application = application_in(ApplicationState.APPROVED, parties)  # no identity: issued unsigned
    document = application.documents.get(kind=DocumentKind.LICENSE)
    verdict = check(document.read())
    assert verdict.status == Status.NOT_SIGNED
    assert verdict.record.number == application.license.number
    assert verdict.licence["status"] == "valid"


def test_a_certificate_from_an_unknown_ca_is_an_unknown_signer(issued):
    _licence, document, _identity = issued
    verdict = check(sign(pdf_for_test(), foreign_signer()))
    assert verdict.status == Status.UNKNOWN_SIGNER
    assert verdict.headline == "签名证书不是本系统审批机关的证书"
    assert verdict.signer is None


def test_a_certificate_of_the_trusted_ca_that_is_no_identity_is_an_unknown_signer(issued):
    verdict = check(sign(pdf_for_test(), simple_signer(issue_for_test("冒名机关"))))
    assert verdict.status == Status.UNKNOWN_SIGNER


def test_our_signature_on_bytes_we_never_issued_is_not_on_record(issued, parties):
    _licence, _document, identity = issued
    signer = signing.signer_for(identity)
    verdict = check(sign(pdf_for_test(), signer))
    assert verdict.status == Status.NOT_ON_RECORD
    assert verdict.signer.authority == "北京市市场监督管理局"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        ELF,
        b"hello, world",
        PDF,  # a minimal PDF without signature
        *(bad.content for bad in UNPARSEABLE_PDFS),
        *(bad.content for bad in ACTIVE_PDFS),
        b"%PDF-1.7\n" + b"\x00" * 200,
    ],
)
def test_bad_bytes_get_a_verdict_never_an_exception(data):
    verdict = check(data)
    assert verdict.status != Status.VALID
    assert verdict.headline


def test_not_a_pdf():
    assert check(ELF).status == Status.NOT_PDF


def test_an_encrypted_pdf_is_unreadable():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_for_test())))
    writer.encrypt(user_password="secret", owner_password="owner")  # noqa: S106
    buffer = io.BytesIO()
    writer.write(buffer)
    assert check(buffer.getvalue()).status == Status.UNREADABLE


def test_a_truncated_signed_file_is_not_valid(issued):
    _licence, document, _identity = issued
    data = document.read()
    verdict = check(data[: len(data) // 2])
    assert verdict.status in {Status.UNREADABLE, Status.ALTERED, Status.NOT_SIGNED}


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("licence.docx", b"PK\x03\x04 not a pdf", Status.NOT_PDF),
        ("licence.pdf", ELF, Status.NOT_PDF),
        ("licence.pdf", b"", Status.REFUSED),
        ("licence.pdf", ACTIVE_PDFS[0].content, Status.REFUSED),
        ("licence.pdf", UNPARSEABLE_PDFS[0].content, Status.UNREADABLE),
    ],
)
def test_uploads_are_checked_like_every_upload_first(name, content, status):
    verdict = signature_check.check_upload(SimpleUploadedFile(name, content))
    assert verdict.status == status
    assert len(verdict.details) >= 2  # the explanation and the upload check's own message


def test_an_oversize_upload_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(signature_check, "MAX_BYTES", 1024)
    verdict = signature_check.check_upload(SimpleUploadedFile("big.pdf", PDF + b"%" * 2048))
    assert verdict.status == Status.REFUSED
    assert "不能超过" in " ".join(str(d) for d in verdict.details)


def test_a_signed_pdf_of_ours_passes_the_upload_checks(issued):
    _licence, document, _identity = issued
    verdict = signature_check.check_upload(SimpleUploadedFile("许可证.pdf", document.read()))
    assert verdict.status == Status.VALID, verdict.details


def test_the_api_form_of_a_verdict(issued):
    licence, document, _identity = issued
    answer = check(document.read()).as_dict()
    assert answer["status"] == "valid"
    assert answer["message"] == "签名有效"
    assert answer["signer"]["authority"] == "北京市市场监督管理局"
    assert answer["record"]["number"] == licence.number
    assert answer["licence"]["status"] == "valid"


# --- timestamps (PAdES B-T): the signing time a TSA vouches for -------------------------------


def test_a_timestamped_document_from_the_real_action_is_valid(parties, monkeypatch):
    monkeypatch.setattr(pdf_signing, "timestamper_from_settings", timestamper_for_test)
    _licence, document, _identity = issued_licence(parties)
    verdict = check(document.read())
    assert verdict.status == Status.VALID, verdict.details
    assert verdict.signer.timestamped


def test_a_certificate_expired_since_still_proves_a_document_timestamped_while_it_was_valid(issued):
    """Issue 20, deliverable 4: signed (and time-stamped) inside the certificate's validity, the
    document stays 签名有效 after the certificate has expired."""
    _licence, document, identity = issued
    now = timezone.now()
    signed_then = now - datetime.timedelta(days=30)
    certificate = issue_for_test(
        "北京市市场监督管理局",
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    expired = SigningIdentity(authority=identity.authority, kind="pkcs12", secret_env="UNUSED", active=False)  # noqa: S106
    expired.store_certificate(certificate.certificate, certificate.chain)
    expired.save()
    base = timestamper_for_test()
    stamper = DummyTimeStamper(
        tsa_cert=base.tsa_cert, tsa_key=base.tsa_key, certs_to_embed=base.certs_to_embed, fixed_dt=signed_then
    )
    data = pdf_signing.sign_pdf(
        pdf_for_test(),
        simple_signer(certificate),
        signer_name="北京市市场监督管理局",
        signed_at=signed_then,
        timestamper=stamper,
    )
    # On record, as if issued then (the test cannot issue with a certificate that has expired).
    Document.objects.create(
        application=document.application,
        kind=DocumentKind.LICENSE_DECISION,
        number="（京）特许〔2026〕999号",
        file=document.file.name,
        sha256=Document.digest(data),
        issued_by=document.issued_by,
    )
    verdict = check(data)
    assert verdict.status == Status.VALID, verdict.details
    assert verdict.signer.expired_now and verdict.signer.timestamped
    assert abs((verdict.signer.signed_at - signed_then).total_seconds()) < 2


def test_a_timestamp_after_the_certificate_expired_is_not_valid(issued):
    _licence, _document, identity = issued
    now = timezone.now()
    certificate = issue_for_test(
        "北京市市场监督管理局",
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    expired = SigningIdentity(authority=identity.authority, kind="pkcs12", secret_env="UNUSED", active=False)  # noqa: S106
    expired.store_certificate(certificate.certificate, certificate.chain)
    expired.save()
    # Claims to be signed a month ago, but the TSA says now: judged now, the certificate has expired.
    data = pdf_signing.sign_pdf(
        pdf_for_test(),
        simple_signer(certificate),
        signer_name="北京市市场监督管理局",
        signed_at=now - datetime.timedelta(days=30),
        timestamper=timestamper_for_test(),
    )
    assert check(data).status == Status.CERTIFICATE_INVALID
