"""电子签章证书 (workflows.models.SigningIdentity) and the test CA it is built from in tests."""

import pytest
from django.db import IntegrityError, transaction
from pyhanko.sign import signers

from tests.support.factories import OrganisationFactory
from tests.support.signing import TEST_PASSPHRASE, identity_for_test, shared_ca
from workflows.models import SigningIdentity
from workflows.models.signing import certificate_fingerprint

pytestmark = pytest.mark.django_db


def test_identity_records_the_certificate_it_was_given():
    authority = OrganisationFactory(provincial_authority=True)
    identity = identity_for_test(authority)

    assert identity.subject_name == "北京市市场监督管理局"
    assert identity.issuer_name == "特种设备行政许可测试根证书"
    assert identity.fingerprint == certificate_fingerprint(identity.certificate)
    assert len(identity.fingerprint) == 64
    assert identity.not_before < identity.not_after
    assert identity.chain[0] == shared_ca().certificate


def test_pkcs12_file_loads_in_pyhanko_with_its_chain():
    identity = identity_for_test(OrganisationFactory(provincial_authority=True))
    with open(identity.pkcs12_path, "rb") as f:
        signer = signers.SimpleSigner.load_pkcs12_data(f.read(), other_certs=(), passphrase=TEST_PASSPHRASE.encode())
    assert certificate_fingerprint(signer.signing_cert) == identity.fingerprint
    assert len(list(signer.cert_registry)) >= 1


def test_one_active_identity_per_authority():
    authority = OrganisationFactory(provincial_authority=True)
    identity_for_test(authority)
    identity_for_test(authority, active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        identity_for_test(authority)
    assert SigningIdentity.objects.filter(authority=authority).count() == 2
