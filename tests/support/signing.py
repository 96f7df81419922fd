"""Signing identities for tests: one test CA per process (demo/signing_ca.py), certificates issued
from it per authority, PKCS#12 files in a temporary directory, the passphrase in os.environ.

`identity_for_test(authority)` gives an authority an active SigningIdentity the real code loads
through workflows.signing.signer_for; `signer_for_test()` is a pyHanko signer for pure PDF tests;
`ca_certificate()` is the root to validate against.
"""

import io
import os
import tempfile
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfWriter

from demo.signing_ca import SigningCA
from workflows.models import SigningIdentity

TEST_SECRET_ENV = "PORTAL_TEST_SIGNING_PASSPHRASE"  # noqa: S105 (a variable name)
TEST_PASSPHRASE = "test-signing-passphrase"  # noqa: S105 (the test CA's only)
TEST_SIGNER_NAME = "测试审批机关"

_ca = None
_directory = None
_signers = {}


def shared_ca():
    """The process's test CA (made once: every certificate of a test run chains to one root)."""
    global _ca
    if _ca is None:
        _ca = SigningCA.create(name="特种设备行政许可测试根证书", organisation="测试")
    return _ca


def ca_certificate():
    """The test root as pyHanko wants it (asn1crypto), for ValidationContext(trust_roots=[...])."""
    return asn1_x509.Certificate.load(shared_ca().certificate.public_bytes(serialization.Encoding.DER))


def ca_certificate_pem():
    return shared_ca().certificate_pem


def _signing_directory():
    global _directory
    if _directory is None:
        _directory = Path(tempfile.mkdtemp(prefix="portal-signing-"))
    return _directory


def write_pkcs12(issued, passphrase=TEST_PASSPHRASE, name=None):
    """Write `issued` (demo.signing_ca.IssuedCertificate) as a PKCS#12 file; its path."""
    path = _signing_directory() / (name or f"{issued.certificate.serial_number:x}.p12")
    path.write_bytes(issued.pkcs12(passphrase))
    path.chmod(0o600)
    return path


def identity_for_test(authority, *, not_before=None, not_after=None, passphrase=TEST_PASSPHRASE, **overrides):
    """An active SigningIdentity for `authority` (saved), its PKCS#12 file written and its
    passphrase put in os.environ[TEST_SECRET_ENV]. `not_before`/`not_after` shape the certificate;
    `overrides` set model fields (active=False, secret_env=..., pkcs12_path=...)."""
    issued = shared_ca().issue(authority.name, not_before=not_before, not_after=not_after)
    os.environ[TEST_SECRET_ENV] = passphrase
    identity = SigningIdentity(
        authority=authority,
        kind="pkcs12",
        pkcs12_path=str(write_pkcs12(issued, passphrase)),
        secret_env=TEST_SECRET_ENV,
    )
    identity.store_certificate(issued.certificate, issued.chain)
    for field, value in overrides.items():
        setattr(identity, field, value)
    identity.save()
    return identity


def issue_for_test(name=TEST_SIGNER_NAME, **kwargs):
    """A certificate from the test CA (demo.signing_ca.IssuedCertificate), not saved anywhere."""
    return shared_ca().issue(name, **kwargs)


def simple_signer(issued):
    """A pyHanko SimpleSigner for an IssuedCertificate, with the root in its registry."""
    key = asn1_keys.PrivateKeyInfo.load(
        issued.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    certificate = asn1_x509.Certificate.load(issued.certificate.public_bytes(serialization.Encoding.DER))
    chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in issued.chain]
    return signers.SimpleSigner(
        signing_cert=certificate, signing_key=key, cert_registry=SimpleCertificateStore.from_certs(chain)
    )


def signer_for_test(name=TEST_SIGNER_NAME):
    """A pyHanko signer whose certificate names `name`, chained to the test CA (cached per name)."""
    if name not in _signers:
        _signers[name] = simple_signer(issue_for_test(name))
    return _signers[name]


def pdf_for_test(pages=1):
    """A small unsigned PDF (blank A4 pages) to sign."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
