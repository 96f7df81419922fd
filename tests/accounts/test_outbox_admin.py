"""发送记录 in the admin (accounts/outbox_admin.py): failed rows by default, filters, masked
recipients, 重新发送 for administrators only; and 通知发送情况 on an application's detail page."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse
from wagtail import hooks

from accounts import outbox
from accounts.models import DeliveryStatus, OutboundMessage
from tests.support.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("outbox:index")


def retry_url(message):
    return reverse("outbox:retry", args=[message.pk])


def staff_with(*codenames):
    group, _created = Group.objects.get_or_create(name="-".join(codenames) or "admin only")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in codenames:
        group.permissions.add(Permission.objects.get(content_type__app_label="accounts", codename=codename))
    user = UserFactory(organisation=None, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def rows():
    about = OrganisationFactory(name="某某锅炉有限公司")
    failed = outbox.enqueue_email("zhangsan@example.cn", "【特种设备行政许可】TSXK1", "正文", about=about)
    sent = outbox.enqueue_sms("13512345678", "通知", about=about)
    pending = outbox.enqueue_email("lisi@example.cn", "待发送的主题", "正文")
    OutboundMessage.objects.filter(pk=failed.pk).update(
        status=DeliveryStatus.FAILED, attempts=5, last_error="ConnectionRefusedError: refused", next_attempt_at=None
    )
    OutboundMessage.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT, attempts=1, next_attempt_at=None)
    return {"failed": failed, "sent": sent, "pending": pending}


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_failed_rows_by_default_with_masked_recipients(client, rows):
    client.force_login(UserFactory(organisation=None, is_staff=True, is_superuser=True))
    page = html(client, INDEX)
    assert "【特种设备行政许可】TSXK1" in page and "ConnectionRefusedError: refused" in page
    assert "待发送的主题" not in page
    assert "z*******@example.cn" in page and "zhangsan@example.cn" not in page
    assert retry_url(rows["failed"]) in page
    everything = html(client, INDEX, status="all")
    assert "待发送的主题" in everything and "135****5678" in everything and "13512345678" not in everything
    assert retry_url(rows["sent"]) not in everything  # only failed rows are offered 重新发送
    sms_only = html(client, INDEX, status="all", channel="sms")
    assert "135****5678" in sms_only and "待发送的主题" not in sms_only


def test_retry_requeues_and_sends_a_failed_row(client, rows, django_capture_on_commit_callbacks):
    client.force_login(staff_with("retry_outboundmessage"))
    assert retry_url(rows["failed"]) in html(client, INDEX)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(rows["failed"]))
    assert response.status_code == 302 and response["Location"] == INDEX
    message = OutboundMessage.objects.get(pk=rows["failed"].pk)
    assert (message.status, message.attempts) == (DeliveryStatus.SENT, 1)
    assert [m.to for m in mail.outbox] == [["zhangsan@example.cn"]]
    # Again: not failed any more, nothing happens.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry_url(rows["failed"]))
    assert len(mail.outbox) == 1


def test_retry_is_post_only(client, rows):
    client.force_login(UserFactory(organisation=None, is_staff=True, is_superuser=True))
    assert client.get(retry_url(rows["failed"])).status_code == 405
    assert OutboundMessage.objects.get(pk=rows["failed"].pk).status == DeliveryStatus.FAILED


def test_readers_see_the_list_but_may_not_retry(client, rows, django_capture_on_commit_callbacks):
    client.force_login(staff_with("view_outboundmessage"))
    page = html(client, INDEX)
    assert "ConnectionRefusedError: refused" in page and retry_url(rows["failed"]) not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url(rows["failed"]))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert OutboundMessage.objects.get(pk=rows["failed"].pk).status == DeliveryStatus.FAILED
    assert mail.outbox == []


def test_staff_without_the_permissions_get_nothing(client, rows, django_capture_on_commit_callbacks):
    admin_only = staff_with()
    authority_staff = staff_with()
    authority_staff.organisation = OrganisationFactory(provincial_authority=True)
    authority_staff.save()
    for user in (admin_only, authority_staff):
        client.force_login(user)
        response = client.get(INDEX)
        assert response.status_code == 302 and b"zhangsan" not in response.content
        with django_capture_on_commit_callbacks(execute=True):
            client.post(retry_url(rows["failed"]))
        assert INDEX not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.logout()
    assert client.get(INDEX)["Location"].startswith("/admin/login/")
    assert client.post(retry_url(rows["failed"]))["Location"].startswith("/admin/login/")
    assert OutboundMessage.objects.get(pk=rows["failed"].pk).status == DeliveryStatus.FAILED
    assert mail.outbox == []


def test_the_permissions_are_offered_in_the_group_editor():
    offered = set()
    for fn in hooks.get_hooks("register_permissions"):
        offered |= set(fn().values_list("content_type__app_label", "codename"))
    assert {("accounts", "view_outboundmessage"), ("accounts", "retry_outboundmessage")} <= offered
