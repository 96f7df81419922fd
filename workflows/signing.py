"""Who signs an authority's documents and with what (issue 20; docs/operations.md, "Signing
certificates").

An authority's active SigningIdentity (电子签章证书, workflows/models/signing.py) names a PKCS#12
file or a PKCS#11 token and the environment variable holding its passphrase or PIN. `signer_for`
turns it into a pyHanko signer, refusing with a SigningError (a Chinese sentence for staff) when the
file, the secret or the certificate's validity is wrong; `sign_for_authority` signs a rendered PDF
through workflows/pdf_signing.py; `read_certificate` is what the admin screen saves an identity
through; `identity_for_certificate` and `trust_roots` serve the verification of uploaded PDFs.
"""

import hashlib
import importlib.util
import logging
import os
import threading
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.sign import signers
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator
from wagtail.log_actions import log

from accounts.models import Organisation

from . import pdf_signing
from .models import SigningIdentity, SigningKind
from .models.signing import certificate_fingerprint

logger = logging.getLogger(__name__)

ACTIVATE_LOG_ACTION = "workflows.signing_identity.activate"
DEACTIVATE_LOG_ACTION = "workflows.signing_identity.deactivate"


class SigningError(Exception):
    """A document cannot be signed, or an identity cannot be used; the message is for staff."""


def identity_for(authority):
    """The authority's active SigningIdentity, or None."""
    if authority is None:
        return None
    return SigningIdentity.objects.filter(authority=authority, active=True).first()


def identity_for_certificate(certificate):
    """The identity (active or rotated out) whose certificate this is: asn1crypto, cryptography or
    DER bytes. None for a certificate that is not one of ours."""
    return SigningIdentity.objects.filter(fingerprint=certificate_fingerprint(certificate)).first()


def _secret(identity):
    name = (identity.secret_env or "").strip()
    value = os.environ.get(name) if name else None
    if not value:
        raise SigningError(
            _("服务器未设置环境变量 %(name)s（电子签章证书的口令或 PIN），无法使用该证书。") % {"name": name or "—"}
        )
    return value


# Loading a PKCS#12 file costs a key derivation (~15 ms); a signer is kept per process while the
# file, the passphrase and the identity stay the same (any change makes a new key).
_pkcs12_cache = {}
_pkcs12_lock = threading.Lock()


def _pkcs12_signer(identity):
    path = Path(identity.pkcs12_path or "")
    if not identity.pkcs12_path or not path.is_file():
        raise SigningError(_("找不到电子签章证书文件 %(path)s。") % {"path": identity.pkcs12_path or "—"})
    passphrase = _secret(identity)
    try:
        stat = path.stat()
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(_("无法读取电子签章证书文件 %(path)s。") % {"path": path}) from exc
    key = (
        identity.pk,
        str(path),
        stat.st_mtime_ns,
        stat.st_size,
        hashlib.sha256(passphrase.encode() + b"\0" + data).hexdigest(),
    )
    with _pkcs12_lock:
        signer = _pkcs12_cache.get(key)
    if signer is not None:
        return signer
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=passphrase.encode())
    except Exception as exc:  # pyHanko says ValueError for both; cryptography may raise others
        raise SigningError(
            _("无法打开电子签章证书文件 %(path)s：口令不正确，或文件不是有效的 PKCS#12 证书。") % {"path": path}
        ) from exc
    with _pkcs12_lock:
        # One entry per identity: a rotated file or passphrase replaces the old signer.
        for old in [k for k in _pkcs12_cache if k[0] == identity.pk]:
            del _pkcs12_cache[old]
        _pkcs12_cache[key] = signer
    return signer


def pkcs11_available():
    return importlib.util.find_spec("pkcs11") is not None


def _pkcs11_signer(identity):
    if not pkcs11_available():
        raise SigningError(
            _("服务器未安装 PKCS#11 支持（Python 包 python-pkcs11），无法使用硬件密钥签章。请改用 PKCS#12 证书文件。")
        )
    if not identity.pkcs11_module or not identity.pkcs11_key_label:
        raise SigningError(_("硬件密钥须填写 PKCS#11 模块路径和密钥标签。"))
    if not Path(identity.pkcs11_module).is_file():
        raise SigningError(_("找不到 PKCS#11 模块 %(path)s。") % {"path": identity.pkcs11_module})
    pin = _secret(identity)
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as sign_pkcs11

    try:
        session = sign_pkcs11.open_pkcs11_session(
            identity.pkcs11_module,
            token_criteria=TokenCriteria(label=identity.pkcs11_token_label or None),
            user_pin=pin,
        )
        return sign_pkcs11.PKCS11Signer(
            session, cert_label=identity.pkcs11_key_label, key_label=identity.pkcs11_key_label
        )
    except Exception as exc:  # the vendor's module reports in its own ways
        raise SigningError(
            _("无法打开硬件密钥（%(label)s）：PIN 不正确、硬件密钥未插入或密钥标签有误。")
            % {"label": identity.pkcs11_token_label or identity.pkcs11_key_label}
        ) from exc


def _check_validity(certificate, at=None):
    at = at or timezone.now()
    validity = certificate["tbs_certificate"]["validity"]
    not_before = validity["not_before"].native
    not_after = validity["not_after"].native
    if at < not_before:
        raise SigningError(
            _("电子签章证书尚未生效（%(date)s 起有效）。")
            % {"date": f"{timezone.localtime(not_before):%Y-%m-%d %H:%M}"}
        )
    if at > not_after:
        raise SigningError(
            _("电子签章证书已于 %(date)s 过期，请配置新证书。") % {"date": f"{timezone.localtime(not_after):%Y-%m-%d}"}
        )


def signer_for(identity, *, at=None, check_recorded=True):
    """A pyHanko Signer for `identity`, its certificate valid at `at` (now). With `check_recorded`,
    the certificate loaded must be the one recorded on the identity (a file swapped on the server
    behind the admin's back is refused). Raises SigningError."""
    if identity.kind == SigningKind.PKCS11:
        signer = _pkcs11_signer(identity)
    else:
        signer = _pkcs12_signer(identity)
    try:
        if (
            check_recorded
            and identity.fingerprint
            and certificate_fingerprint(signer.signing_cert) != identity.fingerprint
        ):
            raise SigningError(
                _("电子签章证书文件中的证书与登记的证书不一致（文件可能已被替换）。更换证书请新建一条电子签章证书。")
            )
        _check_validity(signer.signing_cert, at)
    except SigningError:
        _close(signer)
        raise
    return signer


def _self_signed(certificate):
    # asn1crypto answers "no", "maybe" (issuer = subject, no key identifiers to compare) or "yes".
    return certificate.self_signed != "no"


def _chain_of(signer):
    """The certificates the signer carries besides its own, issuer first where it can tell."""
    own = certificate_fingerprint(signer.signing_cert)
    others = [c for c in signer.cert_registry if certificate_fingerprint(c) != own]
    ordered, issuer = [], signer.signing_cert.issuer
    while others:
        parent = next((c for c in others if c.subject.hashable == issuer.hashable), None)
        if parent is None:
            ordered.extend(others)
            break
        ordered.append(parent)
        others.remove(parent)
        if _self_signed(parent):
            ordered.extend(others)
            break
        issuer = parent.issuer
    return ordered


def _public_key_der(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _check_key_matches(signer):
    """A key and a certificate that do not belong together would make every document's signature
    invalid. A key in hand (PKCS#12) is compared with the certificate's public key; a key on a
    token signs a probe that the certificate's public key must verify."""
    try:
        certificate_key = x509.load_der_x509_certificate(signer.signing_cert.dump()).public_key()
        if isinstance(signer, signers.SimpleSigner):
            private_key = serialization.load_der_private_key(signer.signing_key.dump(), password=None)
            matches = _public_key_der(private_key.public_key()) == _public_key_der(certificate_key)
        else:
            probe = b"portal signing identity probe"
            mechanism = signer.get_signature_mechanism_for_digest("sha256")
            signature = pdf_signing.run_coroutine(signer.async_sign_raw(probe, "sha256"))
            DefaultSignatureValidator().validate_signature(signature, probe, signer.signing_cert.public_key, mechanism)
            matches = True
    except Exception as exc:
        raise SigningError(_("证书与私钥不匹配：该证书不是用这个私钥签发的。")) from exc
    if not matches:
        raise SigningError(_("证书与私钥不匹配：该证书不是用这个私钥签发的。"))


def _close(signer):
    session = getattr(signer, "pkcs11_session", None)
    if session is not None:
        session.close()


def read_certificate(identity):
    """Load `identity`'s key and certificate as signing would, check they belong together and are
    valid now, and record the certificate's facts on it (not saved). Raises SigningError."""
    signer = signer_for(identity, check_recorded=False)
    try:
        _check_key_matches(signer)
        identity.store_certificate(signer.signing_cert, _chain_of(signer))
    finally:
        _close(signer)
    return identity


def save_identity(identity, *, user=None):
    """Save a new or edited identity. Activating it deactivates the authority's active one in the
    same transaction, under a lock on the authority's row (two administrators activating two
    certificates at once: one waits, the last one wins, the constraint is never hit). Logged."""
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=identity.authority_id)
        was_active = not identity._state.adding and SigningIdentity.objects.filter(pk=identity.pk, active=True).exists()
        replaced = []
        if identity.active:
            others = SigningIdentity.objects.filter(authority_id=identity.authority_id, active=True)
            if identity.pk is not None:
                others = others.exclude(pk=identity.pk)
            for old in others:
                old.active = False
                old.save(update_fields=["active"])
                log(old, DEACTIVATE_LOG_ACTION, user=user, data={"fingerprint": old.fingerprint})
                replaced.append(old.fingerprint)
        identity.save()
        if identity.active and not was_active:
            log(
                identity,
                ACTIVATE_LOG_ACTION,
                user=user,
                data={"fingerprint": identity.fingerprint, "replaced": replaced},
            )
        elif was_active and not identity.active:
            log(identity, DEACTIVATE_LOG_ACTION, user=user, data={"fingerprint": identity.fingerprint})
    return identity


def sign_for_authority(pdf_bytes, authority):
    """`pdf_bytes` signed with the authority's active identity. Without one: unchanged when
    settings.DOCUMENT_SIGNING_REQUIRED is off, a SigningError when it is on (production)."""
    identity = identity_for(authority)
    if identity is None:
        if settings.DOCUMENT_SIGNING_REQUIRED:
            raise SigningError(
                _("本机关尚未配置电子签章证书，无法签发文书。请系统管理员在“电子签章证书”中为%(authority)s配置证书。")
                % {"authority": authority}
            )
        return pdf_bytes
    signer = signer_for(identity)
    try:
        return pdf_signing.sign_pdf(
            pdf_bytes, signer, signer_name=authority.name, timestamper=pdf_signing.timestamper_from_settings()
        )
    except Exception as exc:
        # Whatever pyHanko or a timestamp service says, the action must fail cleanly with a sentence.
        logger.exception("Signing a document for authority %s failed", authority.pk)
        raise SigningError(_("文书电子签章失败，未签发任何文书，请稍后重试或联系系统管理员。")) from exc
    finally:
        _close(signer)


def _load_pem_file(path):
    try:
        data = Path(path).read_bytes()
    except OSError:
        logger.error("SIGNING_TRUST_ROOTS: cannot read %s", path)
        return []
    if not pem.detect(data):
        try:
            return [asn1_x509.Certificate.load(data)]
        except ValueError:
            logger.error("SIGNING_TRUST_ROOTS: %s is neither PEM nor DER", path)
            return []
    return [
        asn1_x509.Certificate.load(der)
        for kind, _headers, der in pem.unarmor(data, multiple=True)
        if kind == "CERTIFICATE"
    ]


def trust_roots():
    """The certificates a signature on an uploaded PDF may chain to (asn1crypto, for pyHanko's
    ValidationContext(trust_roots=...)): the top of every identity's chain, rotated-out ones
    included, and the certificates in the PEM files of settings.SIGNING_TRUST_ROOTS."""
    roots = {}
    for chain_pem in SigningIdentity.objects.exclude(chain_pem="").values_list("chain_pem", flat=True):
        chain = [asn1_x509.Certificate.load(der) for _kind, _h, der in pem.unarmor(chain_pem.encode(), multiple=True)]
        subjects = {c.subject.hashable for c in chain}
        for certificate in chain:
            # The top: self-signed, or issued by something not in the chain (the administrator
            # loaded a chain ending at an intermediate: that is where trust was placed).
            if _self_signed(certificate) or certificate.issuer.hashable not in subjects:
                roots[certificate_fingerprint(certificate)] = certificate
    for path in getattr(settings, "SIGNING_TRUST_ROOTS", []) or []:
        for certificate in _load_pem_file(path):
            roots[certificate_fingerprint(certificate)] = certificate
    return list(roots.values())
