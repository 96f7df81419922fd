"""电子签章证书: the key and certificate an authority signs its documents with (issue 20).

The private key never enters the database: a PKCS#12 file on the server or a PKCS#11 token holds
it, and `secret_env` names the environment variable with the file's passphrase or the token's PIN.
The certificate itself and its chain are kept (read when the identity is saved through
workflows.signing.signer_for), so a document signed by an identity rotated out since still names
its signer. Rotation makes a new row active; the old one stays, inactive.
"""

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningKind(models.TextChoices):
    PKCS12 = "pkcs12", _("PKCS#12 证书文件")
    PKCS11 = "pkcs11", _("PKCS#11 硬件密钥")


def _der(certificate):
    """DER bytes of a certificate from cryptography (x509.Certificate) or asn1crypto (pyHanko's)."""
    if isinstance(certificate, x509.Certificate):
        return certificate.public_bytes(serialization.Encoding.DER)
    if isinstance(certificate, bytes | bytearray):
        return bytes(certificate)
    return certificate.dump()


def certificate_fingerprint(certificate):
    """SHA-256 of the certificate's DER, lower-case hex: how a signature finds its identity."""
    return hashlib.sha256(_der(certificate)).hexdigest()


def _pem(certificate):
    return x509.load_der_x509_certificate(_der(certificate)).public_bytes(serialization.Encoding.PEM).decode()


class SigningIdentityQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class SigningIdentity(models.Model):
    authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="signing_identities",
        limit_choices_to={"kind": "authority"},
        verbose_name=_("审批机关"),
    )
    kind = models.CharField(_("密钥类型"), max_length=10, choices=SigningKind.choices, default=SigningKind.PKCS12)
    pkcs12_path = models.CharField(
        _("证书文件路径"),
        max_length=500,
        blank=True,
        help_text=_("服务器上 PKCS#12 证书文件（.p12）的绝对路径，文件权限应为 0600。"),
    )
    secret_env = models.CharField(
        _("口令环境变量名"),
        max_length=100,
        help_text=_("保存证书文件口令或硬件密钥 PIN 的环境变量名称；口令本身不保存在数据库中。"),
    )
    pkcs11_module = models.CharField(
        _("PKCS#11 模块路径"), max_length=500, blank=True, help_text=_("硬件密钥厂商提供的 PKCS#11 动态库路径。")
    )
    pkcs11_token_label = models.CharField(_("硬件密钥标签"), max_length=100, blank=True)
    pkcs11_key_label = models.CharField(_("密钥标签"), max_length=100, blank=True)

    # Facts of the certificate, stored from what signer_for loaded; never typed in.
    certificate_pem = models.TextField(_("签名证书"), editable=False)
    chain_pem = models.TextField(_("证书链"), blank=True, editable=False)
    fingerprint = models.CharField(_("证书指纹（SHA-256）"), max_length=64, unique=True, editable=False)
    not_before = models.DateTimeField(_("有效期起"), editable=False)
    not_after = models.DateTimeField(_("有效期至"), editable=False)

    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = SigningIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = _("电子签章证书")
        verbose_name_plural = _("电子签章证书")
        ordering = ["authority", "-active", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority"],
                condition=models.Q(active=True),
                name="one_active_signing_identity_per_authority",
                violation_error_message=_("每个审批机关只能启用一个电子签章证书。"),
            ),
        ]
        permissions = [("manage_signingidentity", _("可以管理电子签章证书"))]

    def __str__(self):
        return f"{self.authority} {self.subject_name} {self.short_fingerprint}"

    def store_certificate(self, certificate, chain=()):
        """Record the facts of `certificate` (cryptography's, asn1crypto's or DER bytes) and its chain."""
        parsed = x509.load_der_x509_certificate(_der(certificate))
        self.certificate_pem = _pem(certificate)
        self.chain_pem = "".join(_pem(c) for c in chain)
        self.fingerprint = certificate_fingerprint(certificate)
        self.not_before = parsed.not_valid_before_utc
        self.not_after = parsed.not_valid_after_utc

    @property
    def certificate(self):
        """The signer's certificate (cryptography), or None before one is stored."""
        if not self.certificate_pem:
            return None
        return x509.load_pem_x509_certificate(self.certificate_pem.encode())

    @property
    def chain(self):
        """The issuing chain (cryptography certificates), signer's issuer first."""
        if not self.chain_pem:
            return []
        return x509.load_pem_x509_certificates(self.chain_pem.encode())

    @property
    def subject_name(self):
        certificate = self.certificate
        return _common_name(certificate.subject) if certificate else ""

    @property
    def issuer_name(self):
        certificate = self.certificate
        return _common_name(certificate.issuer) if certificate else ""

    @property
    def short_fingerprint(self):
        return self.fingerprint[:16]


def _common_name(name):
    """The CN of an X.509 name, else its RFC 4514 form."""
    names = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return names[0].value if names else name.rfc4514_string()
