"""workflows/signing.py: an authority's signer, its refusals, signing an issued PDF, the trust roots."""

import asyncio
import datetime
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from demo.signing_ca import IssuedCertificate, SigningCA
from tests.support.factories import OrganisationFactory
from tests.support.signing import (
    TEST_SECRET_ENV,
    ca_certificate,
    ca_certificate_pem,
    identity_for_test,
    issue_for_test,
    pdf_for_test,
    shared_ca,
    simple_signer,
    write_pkcs12,
)
from workflows import signing
from workflows.models.signing import certificate_fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority():
    return OrganisationFactory(provincial_authority=True)


def _now():
    return datetime.datetime.now(datetime.UTC)


def test_identity_for_is_the_active_one(authority):
    assert signing.identity_for(authority) is None
    identity_for_test(authority, active=False)
    assert signing.identity_for(authority) is None
    active = identity_for_test(authority)
    assert signing.identity_for(authority) == active


def test_without_an_identity_the_document_stays_unsigned_unless_signing_is_required(authority, settings):
    pdf = pdf_for_test()
    settings.DOCUMENT_SIGNING_REQUIRED = False
    assert signing.sign_for_authority(pdf, authority) == pdf

    settings.DOCUMENT_SIGNING_REQUIRED = True
    with pytest.raises(signing.SigningError, match="本机关尚未配置电子签章证书"):
        signing.sign_for_authority(pdf, authority)


def test_signed_document_validates_against_the_ca_and_names_the_authority(authority):
    identity = identity_for_test(authority)
    pdf = pdf_for_test()
    signed = signing.sign_for_authority(pdf, authority)

    assert signed.startswith(pdf)  # an incremental update: the rendered bytes are kept as they were
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert len(embedded) == 1
    status = validate_pdf_signature(embedded[0], ValidationContext(trust_roots=[ca_certificate()]))
    assert status.intact and status.valid and status.trusted
    assert certificate_fingerprint(status.signing_cert) == identity.fingerprint
    assert signing.identity_for_certificate(status.signing_cert) == identity


def test_missing_file_is_refused(authority):
    identity = identity_for_test(authority, pkcs12_path="/nonexistent/authority.p12")
    with pytest.raises(signing.SigningError, match="找不到电子签章证书文件"):
        signing.signer_for(identity)


def test_unset_secret_is_refused(authority, monkeypatch):
    identity = identity_for_test(authority)
    monkeypatch.delenv(TEST_SECRET_ENV)
    with pytest.raises(signing.SigningError, match=TEST_SECRET_ENV):
        signing.signer_for(identity)


def test_wrong_passphrase_is_refused(authority, monkeypatch):
    identity = identity_for_test(authority)
    monkeypatch.setenv(TEST_SECRET_ENV, "not-the-passphrase")
    with pytest.raises(signing.SigningError, match="口令不正确"):
        signing.signer_for(identity)


def test_a_file_that_is_no_pkcs12_is_refused(authority, tmp_path):
    path = tmp_path / "notes.p12"
    path.write_bytes(b"not a certificate")
    identity = identity_for_test(authority, pkcs12_path=str(path))
    with pytest.raises(signing.SigningError, match="不是有效的 PKCS#12"):
        signing.signer_for(identity)


def test_expired_and_not_yet_valid_certificates_are_refused(authority):
    expired = identity_for_test(
        authority, not_before=_now() - datetime.timedelta(days=400), not_after=_now() - datetime.timedelta(days=1)
    )
    with pytest.raises(signing.SigningError, match="过期"):
        signing.signer_for(expired)

    future = identity_for_test(
        authority,
        active=False,
        not_before=_now() + datetime.timedelta(days=2),
        not_after=_now() + datetime.timedelta(days=400),
    )
    with pytest.raises(signing.SigningError, match="尚未生效"):
        signing.signer_for(future)


def test_expired_certificate_fails_the_signing_cleanly(authority, settings):
    identity_for_test(
        authority, not_before=_now() - datetime.timedelta(days=400), not_after=_now() - datetime.timedelta(days=1)
    )
    with pytest.raises(signing.SigningError, match="过期"):
        signing.sign_for_authority(pdf_for_test(), authority)


def test_a_file_swapped_behind_the_admin_is_refused(authority):
    identity = identity_for_test(authority)
    other = issue_for_test(authority.name)
    write_pkcs12(other, name=identity.pkcs12_path.rsplit("/", 1)[1])
    with pytest.raises(signing.SigningError, match="不一致"):
        signing.signer_for(identity)


def test_pdf_signing_failure_becomes_a_signing_error(authority, monkeypatch):
    identity_for_test(authority)

    def broken(*args, **kwargs):
        raise RuntimeError("timestamp service down")

    monkeypatch.setattr(signing.pdf_signing, "sign_pdf", broken)
    with pytest.raises(signing.SigningError, match="文书电子签章失败"):
        signing.sign_for_authority(pdf_for_test(), authority)


def test_signer_is_loaded_once_per_file_and_passphrase(authority):
    identity = identity_for_test(authority)
    assert signing.signer_for(identity) is signing.signer_for(identity)


def test_pkcs11_without_the_module_installed_says_so(authority, monkeypatch):
    identity = identity_for_test(
        authority, kind="pkcs11", pkcs11_module="/usr/lib/softhsm/libsofthsm2.so", pkcs11_key_label="seal"
    )
    monkeypatch.setattr(signing, "pkcs11_available", lambda: False)
    with pytest.raises(signing.SigningError, match="PKCS#11"):
        signing.signer_for(identity)


def test_read_certificate_records_what_the_file_holds(authority):
    identity = identity_for_test(authority)
    recorded = identity.fingerprint
    identity.fingerprint = ""
    identity.certificate_pem = ""
    signing.read_certificate(identity)
    assert identity.fingerprint == recorded
    assert identity.subject_name == authority.name
    assert identity.chain == [shared_ca().certificate]


def test_a_key_that_does_not_match_the_certificate_is_refused():
    one, other = issue_for_test("甲"), issue_for_test("乙")
    mismatched = simple_signer(IssuedCertificate(key=other.key, certificate=one.certificate, chain=one.chain))
    with pytest.raises(signing.SigningError, match="证书与私钥不匹配"):
        signing._check_key_matches(mismatched)
    signing._check_key_matches(simple_signer(one))


def test_a_probe_signature_checks_a_key_the_site_cannot_read():
    # A token's key (PKCS#11) is checked by signing a probe; shown here with a signer that is not a
    # SimpleSigner, called where an event loop already runs (Playwright's sync API, an async server).
    one, other = issue_for_test("甲"), issue_for_test("乙")

    class TokenLike(signers.Signer):
        def __init__(self, inner):
            self.inner = inner
            super().__init__(signing_cert=inner.signing_cert, cert_registry=inner.cert_registry)

        async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
            return await self.inner.async_sign_raw(data, digest_algorithm, dry_run)

    async def in_a_loop():
        signing._check_key_matches(TokenLike(simple_signer(one)))
        mismatched = simple_signer(IssuedCertificate(key=other.key, certificate=one.certificate, chain=one.chain))
        with pytest.raises(signing.SigningError, match="证书与私钥不匹配"):
            signing._check_key_matches(TokenLike(mismatched))

    asyncio.run(in_a_loop())


def test_trust_roots_are_the_chains_tops_and_the_configured_files(authority, settings, tmp_path):
    identity_for_test(authority, active=False)
    roots = signing.trust_roots()
    assert [certificate_fingerprint(c) for c in roots] == [certificate_fingerprint(ca_certificate())]

    extra = SigningCA.create(name="其他根证书")
    path = tmp_path / "extra.pem"
    path.write_text(extra.certificate_pem + ca_certificate_pem())
    settings.SIGNING_TRUST_ROOTS = [str(path), str(tmp_path / "missing.pem")]
    fingerprints = {certificate_fingerprint(c) for c in signing.trust_roots()}
    assert fingerprints == {certificate_fingerprint(ca_certificate()), certificate_fingerprint(extra.certificate)}
