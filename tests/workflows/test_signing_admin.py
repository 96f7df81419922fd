"""电子签章证书 in the admin (workflows/signing_admin.py): who may open it, what saving checks (the
key and certificate are loaded as signing would), rotation, and the audit log."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.models import AuthorityLevel, Region
from demo.signing_ca import IssuedCertificate
from tests.support.factories import OrganisationFactory, UserFactory
from tests.support.signing import (
    TEST_PASSPHRASE,
    TEST_SECRET_ENV,
    identity_for_test,
    issue_for_test,
    simple_signer,
    write_pkcs12,
)
from workflows import signing
from workflows.models import SigningIdentity

pytestmark = pytest.mark.django_db

INDEX = reverse("signing_identities:index")
ADD = reverse("signing_identities:add")


@pytest.fixture
def authority():
    return OrganisationFactory(provincial_authority=True)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(organisation=None, is_staff=True, is_superuser=True))
    return client


@pytest.fixture(autouse=True)
def passphrase(monkeypatch):
    monkeypatch.setenv(TEST_SECRET_ENV, TEST_PASSPHRASE)


def form_data(authority, path, **overrides):
    return {
        "authority": authority.pk,
        "kind": "pkcs12",
        "pkcs12_path": str(path),
        "secret_env": TEST_SECRET_ENV,
        "pkcs11_module": "",
        "pkcs11_token_label": "",
        "pkcs11_key_label": "",
        "active": "on",
        **overrides,
    }


def p12_for(authority, **kwargs):
    return write_pkcs12(issue_for_test(authority.name, **kwargs))


def test_creating_an_identity_records_the_certificate_and_logs_it(admin_client, authority):
    response = admin_client.post(ADD, form_data(authority, p12_for(authority)))
    assert response.status_code == 302, response.content.decode()[:2000]
    identity = SigningIdentity.objects.get()
    assert identity.active and identity.subject_name == authority.name
    assert identity.issuer_name == "特种设备行政许可测试根证书"
    assert len(identity.fingerprint) == 64 and identity.chain
    actions = list(ModelLogEntry.objects.filter(object_id=str(identity.pk)).values_list("action", flat=True))
    assert "wagtail.create" in actions and signing.ACTIVATE_LOG_ACTION in actions

    page = admin_client.get(INDEX).content.decode()
    assert authority.name in page and identity.short_fingerprint in page and "特种设备行政许可测试根证书" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pkcs12_path": "/nonexistent/seal.p12"}, "找不到电子签章证书文件"),
        ({"secret_env": "PORTAL_UNSET_SIGNING_SECRET"}, "PORTAL_UNSET_SIGNING_SECRET"),
        ({"secret_env": "my passphrase!"}, "不要填写口令本身"),
        ({"pkcs12_path": ""}, "请填写证书文件路径"),
    ],
)
def test_saving_refuses_what_cannot_sign(admin_client, authority, change, message):
    response = admin_client.post(ADD, form_data(authority, p12_for(authority), **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SigningIdentity.objects.exists()


def test_wrong_passphrase_is_refused(admin_client, authority, monkeypatch):
    monkeypatch.setenv(TEST_SECRET_ENV, "wrong")
    response = admin_client.post(ADD, form_data(authority, p12_for(authority)))
    assert "口令不正确" in response.content.decode()
    assert not SigningIdentity.objects.exists()


def test_expired_certificate_is_refused(admin_client, authority):
    now = datetime.datetime.now(datetime.UTC)
    path = p12_for(authority, not_before=now - datetime.timedelta(days=800), not_after=now - datetime.timedelta(days=2))
    response = admin_client.post(ADD, form_data(authority, path))
    assert "过期" in response.content.decode()
    assert not SigningIdentity.objects.exists()


def test_a_certificate_not_matching_its_key_is_refused(admin_client, authority, monkeypatch):
    one, other = issue_for_test(authority.name), issue_for_test("别的机关")
    mismatched = simple_signer(IssuedCertificate(key=other.key, certificate=one.certificate, chain=one.chain))
    monkeypatch.setattr(signing, "signer_for", lambda identity, **kwargs: mismatched)
    response = admin_client.post(ADD, form_data(authority, write_pkcs12(one)))
    assert "证书与私钥不匹配" in response.content.decode()
    assert not SigningIdentity.objects.exists()


def test_the_same_certificate_cannot_be_registered_twice(admin_client, authority):
    identity = identity_for_test(authority, active=False)
    response = admin_client.post(ADD, form_data(authority, identity.pkcs12_path))
    assert "该证书已登记" in response.content.decode()
    assert SigningIdentity.objects.count() == 1


def test_rotation_activates_the_new_and_keeps_the_old_inactive(admin_client, authority):
    old = identity_for_test(authority)
    response = admin_client.post(ADD, form_data(authority, p12_for(authority)))
    assert response.status_code == 302
    old.refresh_from_db()
    new = SigningIdentity.objects.exclude(pk=old.pk).get()
    assert new.active and not old.active
    assert signing.identity_for(authority) == new
    assert ModelLogEntry.objects.filter(object_id=str(old.pk), action=signing.DEACTIVATE_LOG_ACTION).exists()
    activation = ModelLogEntry.objects.get(object_id=str(new.pk), action=signing.ACTIVATE_LOG_ACTION)
    assert activation.data["replaced"] == [old.fingerprint]
    # An old certificate still names its signer for the documents it signed.
    assert signing.identity_for_certificate(old.certificate) == old


def test_an_identity_keeps_its_certificate(admin_client, authority):
    identity = identity_for_test(authority)
    edit = reverse("signing_identities:edit", args=[identity.pk])
    response = admin_client.post(edit, form_data(authority, p12_for(authority)))
    assert "更换证书请新建" in response.content.decode()
    identity.refresh_from_db()
    assert identity.fingerprint == SigningIdentity.objects.get().fingerprint


def test_an_expired_identity_can_still_be_switched_off(admin_client, authority):
    now = datetime.datetime.now(datetime.UTC)
    identity = identity_for_test(
        authority, not_before=now - datetime.timedelta(days=800), not_after=now - datetime.timedelta(days=2)
    )
    edit = reverse("signing_identities:edit", args=[identity.pk])
    data = form_data(authority, identity.pkcs12_path)
    del data["active"]
    response = admin_client.post(edit, data)
    assert response.status_code == 302
    identity.refresh_from_db()
    assert not identity.active
    assert ModelLogEntry.objects.filter(object_id=str(identity.pk), action=signing.DEACTIVATE_LOG_ACTION).exists()


def test_authority_choices_are_authorities_samr_first_then_provinces_by_code(admin_client, authority):
    samr = OrganisationFactory(
        kind="authority",
        authority_level=AuthorityLevel.NATIONAL,
        unified_social_credit_code=None,
        name="国家市场监督管理总局",
        region=None,
    )
    hebei = OrganisationFactory(
        kind="authority",
        authority_level=AuthorityLevel.PROVINCIAL,
        unified_social_credit_code=None,
        name="河北省市场监督管理局",
        region=Region.objects.get(code="130000"),
    )
    enterprise = OrganisationFactory(name="某某锅炉有限公司")
    page = admin_client.get(ADD).content.decode()
    assert enterprise.name not in page
    assert page.index(samr.name) < page.index(authority.name) < page.index(hebei.name)


def test_holders_of_the_permission_may_manage_others_may_not(client, authority):
    group = Group.objects.create(name="签章管理员")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="workflows", codename="manage_signingidentity"),
    )
    manager = UserFactory(organisation=None, is_staff=True)
    manager.groups.add(group)
    client.force_login(manager)
    assert client.get(INDEX).status_code == 200
    assert client.post(ADD, form_data(authority, p12_for(authority))).status_code == 302

    staff = UserFactory(organisation=authority, is_staff=True)
    staff.groups.add(Group.objects.get_or_create(name="admin only")[0])
    Group.objects.get(name="admin only").permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(staff)
    assert client.get(INDEX)["Location"] == reverse("wagtailadmin_home")
    before = SigningIdentity.objects.count()
    client.post(ADD, form_data(authority, p12_for(authority)))
    assert SigningIdentity.objects.count() == before


def test_nobody_deletes_an_identity(admin_client, authority):
    identity = identity_for_test(authority)
    response = admin_client.post(reverse("signing_identities:delete", args=[identity.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert SigningIdentity.objects.filter(pk=identity.pk).exists()
