"""An RFC 3161 time-stamping authority for tests: pyHanko's DummyTimeStamper answering in-process
with a TSA certificate from the test CA (tests/support/signing.py), so a timestamp token validates
against the same root as the signatures."""

import datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from tests.support.signing import ca_certificate, shared_ca

_timestamper = None


def _asn1_certificate(certificate):
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def timestamper_for_test():
    """A DummyTimeStamper whose certificate (EKU timeStamping, critical) chains to the test CA."""
    global _timestamper
    if _timestamper is None:
        ca = shared_ca()
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # DummyTimeStamper is RSA-only
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "测试时间戳服务")]))
            .issuer_name(ca.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
            .sign(ca.key, hashes.SHA256())
        )
        private = asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        _timestamper = DummyTimeStamper(
            tsa_cert=_asn1_certificate(certificate), tsa_key=private, certs_to_embed=[ca_certificate()]
        )
    return _timestamper
