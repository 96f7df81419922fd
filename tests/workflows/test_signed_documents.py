"""Signed documents (issue 20): every issued document is a PAdES signature of its authority.

Documents are issued through the real actions (tests/support/workflow_builders.py) with the
authority given a signing identity from the test CA (tests/support/signing.py), then read back from
storage and validated with pyHanko's own validator against that CA's root, as a reader's PDF
software would: intact, trusted, covering the whole file, signed by the authority's certificate.
"""

import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from tests.support.bad_files import pdf_document
from tests.support.builders import make_catalogue
from tests.support.pdf import body_text
from tests.support.signing import ca_certificate, identity_for_test, signer_for_test
from tests.support.storage import private_files
from tests.support.timestamping import timestamper_for_test
from tests.support.workflow_builders import (
    application_in,
    make_parties,
    refresh,
    submitted,
)
from workflows import actions, pdf_signing
from workflows.models import ApplicationState, Document, DocumentKind

pytestmark = pytest.mark.django_db

BEIJING = "北京市市场监督管理局"
VISIBLE = {
    DocumentKind.CORRECTION_NOTICE,
    DocumentKind.ACCEPTANCE_DECISION,
    DocumentKind.NON_ACCEPTANCE_DECISION,
    DocumentKind.LICENSE_DECISION,
    DocumentKind.LICENSE,
    DocumentKind.DENIAL_DECISION,
}


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def parties(catalogue):
    return make_parties(catalogue)


@pytest.fixture
def signing_authority(parties):
    return identity_for_test(parties.authority.organisation)


def validated(content, timestamped=False):
    """The one embedded signature of `content` and pyHanko's verdict on it against the test root."""
    reader = PdfFileReader(io.BytesIO(content))
    signatures = reader.embedded_signatures
    assert len(signatures) == 1
    context = ValidationContext(trust_roots=[ca_certificate()], allow_fetching=False)
    status = validate_pdf_signature(signatures[0], context, ts_validation_context=context if timestamped else None)
    return signatures[0], status


def assert_signed_by(content, name, timestamped=False):
    signature, status = validated(content, timestamped=timestamped)
    assert status.intact and status.valid, status.pretty_print_details()
    assert status.trusted, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == name
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    return signature, status


def seal_text(content):
    """The text of the visible signature's appearance (the stamp drawn into the widget)."""
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/FT") == "/Sig" or annotation.get("/Parent", {}).get("/FT") == "/Sig":
                rect = [float(v) for v in annotation["/Rect"]]
                if rect[2] - rect[0] > 0:
                    return _xobject_text(annotation["/AP"]["/N"].get_object())
    return ""


def _xobject_text(xobject):
    """Text of a form XObject and the forms it draws, through pypdf (one page made of it)."""
    from pypdf import PageObject

    texts = []
    resources = xobject.get("/Resources", {})
    for inner in (resources.get("/XObject") or {}).values():
        inner = inner.get_object()
        if inner.get("/Subtype") == "/Form":
            texts.append(_xobject_text(inner))
    page = PageObject.create_blank_page(width=200, height=100)
    page[pypdf_name("/Resources")] = resources
    page[pypdf_name("/Contents")] = xobject.indirect_reference if xobject.indirect_reference else xobject
    try:
        texts.append(page.extract_text())
    except Exception:  # noqa: BLE001, S110 (a form that is only an image or a path has no text)
        pass
    return "".join(texts)


def pypdf_name(value):
    from pypdf.generic import NameObject

    return NameObject(value)


def tampered(content):
    """`content` with one byte changed inside the signed range (the first page's body)."""
    at = content.index(b"stream", 200) + 20
    return content[:at] + bytes([content[at] ^ 0x01]) + content[at + 1 :]


def issued(application, kind):
    return Document.objects.get(application=application, kind=kind)


def documents_of_every_kind(parties):
    """Every kind, each issued through the real actions: (document, kind)."""
    from tests.support.workflow_builders import correction_items

    corrected = submitted(parties)
    actions.request_correction(corrected, parties.authority, correction_items(), "请补正")
    refused = application_in(ApplicationState.NOT_ACCEPTED, parties)
    approved = application_in(ApplicationState.APPROVED, parties)
    denied = application_in(ApplicationState.DENIED, parties)
    return [
        issued(corrected, DocumentKind.CORRECTION_NOTICE),
        issued(refused, DocumentKind.NON_ACCEPTANCE_DECISION),
        issued(approved, DocumentKind.ACCEPTANCE_DECISION),
        issued(approved, DocumentKind.LICENSE_DECISION),
        issued(approved, DocumentKind.LICENSE),
        issued(denied, DocumentKind.DENIAL_DECISION),
    ]


# ----- sign_pdf on a real decision letter -----


def unsigned_decision(parties):
    application = application_in(ApplicationState.ACCEPTED, parties)
    return issued(application, DocumentKind.ACCEPTANCE_DECISION).read()


def test_sign_pdf_makes_a_pades_signature_with_the_chain_and_a_visible_block(parties):
    content = unsigned_decision(parties)
    assert not PdfFileReader(io.BytesIO(content)).embedded_signatures  # no identity: unsigned
    signed_at = timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 5, 6))
    signed = pdf_signing.sign_pdf(content, signer_for_test(BEIJING), signer_name=BEIJING, signed_at=signed_at)

    assert signed.startswith(content)  # one incremental update after the rendered bytes
    signature, status = assert_signed_by(signed, BEIJING)
    # The chain travels with the signature: the root is among the CMS certificates.
    certificates = [c.chosen for c in signature.signed_data["certificates"]]
    assert ca_certificate().sha256 in {c.sha256 for c in certificates}
    assert status.signer_reported_dt == signed_at.astimezone(datetime.UTC)
    assert "电子签章\n北京市市场监督管理局\n签章时间：2026年3月4日 09:05:06" in seal_text(signed)
    # The page's own text is unchanged: the block is an annotation over the reserved seal area.
    assert body_text(signed) == body_text(content)


def test_the_field_lies_over_the_seal_area_below_the_signature_lines(parties):
    content = unsigned_decision(parties)
    area = pdf_signing.find_seal_area(PdfFileReader(io.BytesIO(content)))
    assert area is not None and area.page == 0
    x1, y1, x2, y2 = area.box
    assert round(x2 - x1) == 190 and round(y2 - y1) == 60
    assert x2 == pytest.approx(595.28 - 56.69, abs=2)  # right margin of A4 with 2 cm
    signed = pdf_signing.sign_pdf(content, signer_for_test(BEIJING), signer_name=BEIJING)
    [widget] = [a.get_object() for a in PdfReader(io.BytesIO(signed)).pages[-1]["/Annots"]]
    assert [float(v) for v in widget["/Rect"]] == pytest.approx(list(area.box), abs=0.01)
    # The block fills the field: drawn at its size, neither scaled nor moved.
    assert b"1 0 0 1 0 0 cm /Seal Do" in widget["/AP"]["/N"].get_object().get_data()


def test_a_document_without_a_seal_area_gets_an_invisible_signature():
    content = pdf_document()  # like the 评审反馈表: no seal area in its template
    assert pdf_signing.find_seal_area(PdfFileReader(io.BytesIO(content))) is None
    signed = pdf_signing.sign_pdf(content, signer_for_test(BEIJING), signer_name=BEIJING)
    assert_signed_by(signed, BEIJING)
    assert seal_text(signed) == ""


def test_one_changed_byte_inside_the_signed_range_is_detected(parties):
    signed = pdf_signing.sign_pdf(unsigned_decision(parties), signer_for_test(BEIJING), signer_name=BEIJING)
    _, status = validated(tampered(signed))
    assert not status.intact and not status.bottom_line


def test_a_timestamper_adds_a_token_that_validates(parties):
    signed = pdf_signing.sign_pdf(
        unsigned_decision(parties),
        signer_for_test(BEIJING),
        signer_name=BEIJING,
        timestamper=timestamper_for_test(),
    )
    _, status = assert_signed_by(signed, BEIJING, timestamped=True)
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact and status.timestamp_validity.valid
    assert status.timestamp_validity.trusted


def test_timestamper_from_settings_is_off_unless_a_url_is_set(settings):
    settings.SIGNING_TSA_URL = ""
    assert pdf_signing.timestamper_from_settings() is None
    settings.SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"
    stamper = pdf_signing.timestamper_from_settings()
    assert stamper.url == "http://127.0.0.1:9/tsa"


# ----- documents issued through the real actions -----


def feedback_document(parties):
    """The 评审反馈表, issued by the applicant's 提交反馈 with the reference feedback form."""
    from forms_config.models import FormSchemaVersion
    from forms_config.reference_data import FEEDBACK_FORM, load_form

    application = application_in(ApplicationState.REVIEWED, parties)
    schema, _created = load_form(FEEDBACK_FORM)
    version = FormSchemaVersion.objects.freeze(schema)
    answers = {"arrived_on_time": "是", "followed_rules": "是", "conduct": "满意", "misconduct": "否"}
    answers |= {"overall": "满意", "respondent_name": "李华", "respondent_phone": "010-12345678"}
    assert not version.parsed.problems(answers)
    actions.submit_feedback(application, parties.applicant, version, answers)
    return issued(application, DocumentKind.REVIEW_FEEDBACK)


def test_every_kind_is_stored_signed_by_its_authority(parties, signing_authority):
    documents = [*documents_of_every_kind(parties), feedback_document(parties)]
    assert {document.kind for document in documents} == set(DocumentKind.values)
    for document in documents:
        content = document.read()
        _, status = assert_signed_by(content, BEIJING)
        assert status.signing_cert.sha256.hex() == signing_authority.fingerprint.lower()
        assert document.sha256 == hashlib.sha256(content).hexdigest()  # the hash of the signed file
        shown = seal_text(content)
        if document.kind in VISIBLE:
            assert BEIJING in shown and "电子签章" in shown, document.kind
            when = timezone.localtime(status.signer_reported_dt)
            assert f"签章时间：{when.year}年{when.month}月{when.day}日 {when:%H:%M:%S}" in shown
        else:
            assert shown == "", document.kind
        _, broken = validated(tampered(content))
        assert not broken.intact, document.kind


def test_without_an_identity_and_not_required_documents_stay_unsigned(parties, settings):
    settings.DOCUMENT_SIGNING_REQUIRED = False
    application = application_in(ApplicationState.ACCEPTED, parties)
    document = issued(application, DocumentKind.ACCEPTANCE_DECISION)
    assert not PdfFileReader(io.BytesIO(document.read())).embedded_signatures


def assert_refused_cleanly(parties, application, expected):
    """受理 fails: the form's error names the reason, nothing changed, no row and no file left."""
    stored_before = private_files()
    with pytest.raises(ValidationError) as caught:
        actions.accept(application, parties.authority, parties.review_body_org, "材料齐全")
    message = " ".join(caught.value.messages)
    assert "文书未能加盖电子签章，本次办理未生效" in message and expected in message, message
    application = refresh(application)
    assert application.state == ApplicationState.SUBMITTED
    assert not Document.objects.filter(application=application).exists()
    assert not application.events.filter(transition="accept").exists()
    assert private_files() == stored_before


def test_a_missing_pkcs12_file_refuses_the_action(parties):
    identity = identity_for_test(parties.authority.organisation)
    Path(identity.pkcs12_path).unlink()
    assert_refused_cleanly(parties, submitted(parties), "找不到电子签章证书文件")


def test_an_expired_certificate_refuses_the_action(parties):
    now = timezone.now()
    identity_for_test(
        parties.authority.organisation,
        not_before=now - datetime.timedelta(days=400),
        not_after=now - datetime.timedelta(days=1),
    )
    assert_refused_cleanly(parties, submitted(parties), "过期")


def test_signing_required_without_an_identity_refuses_the_action(parties, settings):
    settings.DOCUMENT_SIGNING_REQUIRED = True
    assert_refused_cleanly(parties, submitted(parties), "尚未配置电子签章证书")


def test_the_staff_form_shows_the_reason_and_keeps_the_application(parties, client):
    from django.urls import reverse

    identity = identity_for_test(parties.authority.organisation)
    Path(identity.pkcs12_path).unlink()
    application = submitted(parties)
    client.force_login(parties.authority)
    response = client.post(
        reverse("licensing:accept", args=[application.pk]),
        {"review_body": parties.review_body_org.pk, "comment": "材料齐全", "confirmed": "on"},
    )
    assert response.status_code == 400
    assert "文书未能加盖电子签章，本次办理未生效" in response.content.decode()
    assert refresh(application).state == ApplicationState.SUBMITTED


def test_a_configured_timestamp_service_timestamps_every_document(parties, signing_authority, monkeypatch):
    monkeypatch.setattr(pdf_signing, "timestamper_from_settings", timestamper_for_test)
    application = application_in(ApplicationState.ACCEPTED, parties)
    content = issued(application, DocumentKind.ACCEPTANCE_DECISION).read()
    _, status = assert_signed_by(content, BEIJING, timestamped=True)
    assert status.timestamp_validity.intact and status.timestamp_validity.trusted


def test_sign_pdf_works_where_an_event_loop_is_running(parties):
    import asyncio

    content = unsigned_decision(parties)

    async def inside_a_loop():
        return pdf_signing.sign_pdf(content, signer_for_test(BEIJING), signer_name=BEIJING)

    assert_signed_by(asyncio.run(inside_a_loop()), BEIJING)
