"""演示电子签章证书: a local test CA and one signing certificate per authority, so the demo's
documents are signed like a real site's (issue 20).

Files under DEMO_SIGNING_DIR (var/signing/ in dev, git-ignored): `demo-ca.pem` (the root's key,
encrypted, and certificate) and one `<samr | region code>.p12` per authority, each 0600 and
encrypted with the passphrase in the environment variable DEMO_SIGNING_PASSPHRASE (the dev and
test settings give it a published default when unset; production never does). The identities
name that variable, never the passphrase. Run again: an authority whose active identity still
signs is left alone; one without (files deleted, certificate expired) gets a new one.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from accounts.models import Authority, AuthorityLevel
from demo.signing_ca import SigningCA
from workflows import signing
from workflows.models import SigningIdentity

PASSPHRASE_ENV = "DEMO_SIGNING_PASSPHRASE"  # noqa: S105 (the variable's name)
CA_FILE = "demo-ca.pem"


@dataclass
class SigningSummary:
    directory: Path
    authorities: int = 0
    created: int = 0
    problem: str = ""


def signing_directory():
    return Path(getattr(settings, "DEMO_SIGNING_DIR", None) or settings.VAR_DIR / "signing")


def _write_private(path, data):
    # Created 0600 from the start: the key is never readable by others, not even for a moment.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def _demo_ca(directory, passphrase):
    path = directory / CA_FILE
    if path.exists():
        return SigningCA.from_pem(path.read_bytes(), passphrase)
    ca = SigningCA.create()
    _write_private(path, ca.to_pem(passphrase))
    return ca


def _file_name(authority):
    return "samr.p12" if authority.authority_level == AuthorityLevel.NATIONAL else f"{authority.region_id}.p12"


def _still_signs(identity):
    try:
        signing.signer_for(identity)
    except signing.SigningError:
        return False
    return True


def _identity_from_file(authority, path):
    """An identity for the certificate in `path`, or None when that file does not open or has
    expired (then a new certificate is issued)."""
    identity = SigningIdentity(
        authority=authority, kind="pkcs12", pkcs12_path=str(path), secret_env=PASSPHRASE_ENV, active=True
    )
    try:
        signing.read_certificate(identity)
    except signing.SigningError:
        return None
    # The same file registered before and deactivated since: make that row active again.
    existing = SigningIdentity.objects.filter(fingerprint=identity.fingerprint).first()
    if existing is not None:
        if existing.authority_id != authority.pk:
            return None
        existing.active = True
        return existing
    return identity


def load_signing_identities():
    """Give every authority without a working active identity one from the demo CA."""
    directory = signing_directory()
    summary = SigningSummary(directory=directory)
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if not passphrase:
        summary.problem = f"未设置环境变量 {PASSPHRASE_ENV}"
        return summary
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    try:
        ca = _demo_ca(directory, passphrase)
    except ValueError:
        summary.problem = f"{directory / CA_FILE} 无法用 {PASSPHRASE_ENV} 解密（口令已改？删除 {directory} 后重新运行）"
        return summary
    for authority in Authority.objects.order_by("authority_level", "region_id"):
        summary.authorities += 1
        current = signing.identity_for(authority)
        if current is not None and _still_signs(current):
            continue
        path = directory / _file_name(authority)
        identity = _identity_from_file(authority, path) if path.exists() else None
        if identity is None:
            _write_private(path, ca.issue(authority.name).pkcs12(passphrase))
            identity = _identity_from_file(authority, path)
        signing.save_identity(identity)
        summary.created += 1
    return summary
