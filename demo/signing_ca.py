"""A local test CA for signed documents: a root certificate and one end-entity certificate per
authority, handed out as PKCS#12 bytes (issue 20).

Used by `load_demo` (files under var/signing/) and by the tests (tests/support/signing.py). Never
used in production: a bureau installs the certificate it is issued (docs/operations.md, "Signing
certificates"). ECDSA P-256 keys, so a CA and a certificate cost a few milliseconds.
"""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

ROOT_NAME = "特种设备行政许可演示根证书"
ROOT_ORGANISATION = "特种设备行政许可申报系统（演示）"
# A root outlives every certificate it issues; the end-entity ones last two years by default.
ROOT_YEARS = 20
CERTIFICATE_DAYS = 730


def _now():
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def _name(common_name, organisation):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class IssuedCertificate:
    """One authority's key and certificate, and the chain above it (the root)."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple

    def pkcs12(self, passphrase):
        """The PKCS#12 file's bytes: key, certificate and chain, encrypted with `passphrase`."""
        encryption = (
            serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(
            name=None, key=self.key, cert=self.certificate, cas=list(self.chain), encryption_algorithm=encryption
        )

    @property
    def certificate_pem(self):
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def chain_pem(self):
        return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in self.chain)


class SigningCA:
    """A root key and self-signed certificate that issues the authorities' certificates."""

    def __init__(self, key, certificate):
        self.key = key
        self.certificate = certificate

    @classmethod
    def create(cls, *, name=ROOT_NAME, organisation=ROOT_ORGANISATION, now=None):
        now = now or _now()
        key = ec.generate_private_key(ec.SECP256R1())
        subject = _name(name, organisation)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            # A day back, so a clock a little behind still accepts what is issued now.
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365 * ROOT_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, certificate)

    # Storage for load_demo: the root's key and certificate in one PEM file, the key encrypted.
    def to_pem(self, passphrase):
        key = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )
        return key + self.certificate.public_bytes(serialization.Encoding.PEM)

    @classmethod
    def from_pem(cls, data, passphrase):
        key = serialization.load_pem_private_key(data, password=passphrase.encode())
        certificate = x509.load_pem_x509_certificate(data)
        return cls(key, certificate)

    @property
    def certificate_pem(self):
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def issue(self, name, *, organisation=None, not_before=None, not_after=None, key=None):
        """An end-entity certificate for the authority called `name` (CN and O), fit for signing
        documents: digitalSignature + nonRepudiation (contentCommitment), no CA rights."""
        now = _now()
        not_before = not_before or now - datetime.timedelta(days=1)
        not_after = not_after or now + datetime.timedelta(days=CERTIFICATE_DAYS)
        key = key or ec.generate_private_key(ec.SECP256R1())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(name, organisation or name))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return IssuedCertificate(key=key, certificate=certificate, chain=(self.certificate,))
