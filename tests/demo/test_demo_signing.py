"""load_demo's signing certificates (demo/signing.py): a demo CA and one identity per authority,
files 0600 under DEMO_SIGNING_DIR, the demo's documents signed with them, idempotent reruns."""

import io
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from accounts.models import Authority
from demo import signing as demo_signing
from workflows import signing
from workflows.models import Document, SigningIdentity

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def test_every_authority_gets_a_working_identity_once():
    output = run()
    authorities = Authority.objects.count()
    assert authorities == 32
    identities = SigningIdentity.objects.filter(active=True)
    assert identities.count() == authorities
    assert f"电子签章证书：{authorities} 个审批机关均已配置" in output
    directory = demo_signing.signing_directory()
    for identity in identities:
        assert identity.secret_env == demo_signing.PASSPHRASE_ENV
        assert identity.subject_name == identity.authority.name
        path = Path(identity.pkcs12_path)
        assert path.parent == directory
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        signing.signer_for(identity)
    assert stat.S_IMODE((directory / demo_signing.CA_FILE).stat().st_mode) == 0o600

    fingerprints = set(identities.values_list("fingerprint", flat=True))
    again = run()
    assert "本次新建 0 个" in again
    assert set(SigningIdentity.objects.values_list("fingerprint", flat=True)) == fingerprints


def test_the_demo_documents_are_signed_by_their_authority():
    run()
    roots = signing.trust_roots()
    documents = list(Document.objects.select_related("application"))
    assert documents
    for document in documents:
        with document.file.open("rb") as handle:
            data = handle.read()
        embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures
        assert len(embedded) == 1, document
        status = validate_pdf_signature(embedded[0], ValidationContext(trust_roots=roots))
        assert status.intact and status.valid and status.trusted
        assert signing.identity_for_certificate(status.signing_cert).authority_id == document.application.authority_id


def test_a_rerun_replaces_an_identity_whose_file_is_gone():
    run()
    identity = SigningIdentity.objects.filter(active=True).first()
    Path(identity.pkcs12_path).unlink()
    output = run()
    assert "本次新建 1 个" in output
    identity.refresh_from_db()
    assert not identity.active
    replacement = signing.identity_for(identity.authority)
    assert replacement.fingerprint != identity.fingerprint
    signing.signer_for(replacement)


def test_without_the_passphrase_the_demo_says_so_and_signs_nothing(monkeypatch):
    monkeypatch.delenv("DEMO_SIGNING_PASSPHRASE")
    output = run()
    assert "演示电子签章证书未配置：未设置环境变量 DEMO_SIGNING_PASSPHRASE" in output
    assert not SigningIdentity.objects.exists()
