"""站内消息 in the portal: the list, the unread count in the header, marking read; and the SMS an
applicant gets when the authority asks for a correction."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.sms.backends import locmem
from tests.support.builders import make_catalogue
from tests.support.factories import UserFactory
from tests.support.workflow_builders import application_in, correction_items, make_parties, submitted
from workflows import actions
from workflows.context_processors import unread_notifications
from workflows.models import ApplicationState, Notification

pytestmark = pytest.mark.django_db

S = ApplicationState
LIST = reverse("applications:notifications")


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def applicant_client(client, parties):
    client.force_login(parties.applicant)
    return client


def messages_for(user, *texts, url="/applications/"):
    return [Notification.objects.create(recipient=user, message=text, url=url) for text in texts]


def test_the_header_shows_the_unread_count_to_applicants(applicant_client, parties):
    messages_for(parties.applicant, "一", "二", "三")
    html = applicant_client.get(reverse("applications:list")).content.decode()
    link = re.search(r'<a href="/applications/notifications/"[^>]*id="notifications-link">(.*?)</a>', html, re.S)
    assert link and "站内消息" in link.group(1)
    assert '<span class="badge" aria-hidden="true">3</span>' in link.group(1)


def test_the_header_shows_no_badge_without_unread_messages(applicant_client, parties):
    html = applicant_client.get(reverse("applications:list")).content.decode()
    assert 'id="notifications-link"' in html and 'class="badge"' not in html


def test_the_unread_count_is_one_query_and_only_for_applicants(parties, django_assert_num_queries):
    messages_for(parties.applicant, "一", "二")
    Notification.objects.filter(recipient=parties.applicant).first()
    read = messages_for(parties.applicant, "已读")[0]
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00+08:00")
    messages_for(parties.other_enterprise, "别人的")
    request = RequestFactory().get("/")
    request.user = type(parties.applicant).objects.get(pk=parties.applicant.pk)  # organisation not loaded
    with django_assert_num_queries(1):
        assert unread_notifications(request) == {"unread_notifications": 2}
    request.user.organisation  # noqa: B018 - loaded by a view, as ApplicantRequiredMixin does
    with django_assert_num_queries(1):
        assert unread_notifications(request) == {"unread_notifications": 2}
    request.user = parties.authority
    messages_for(parties.authority, "待办")
    with django_assert_num_queries(0):
        assert unread_notifications(request) == {"unread_notifications": None}
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert unread_notifications(request) == {"unread_notifications": None}


def test_a_non_staff_user_without_an_applicant_organisation_gets_none(parties):
    request = RequestFactory().get("/")
    request.user = UserFactory(organisation=None)
    assert unread_notifications(request) == {"unread_notifications": None}


def test_the_list_is_newest_first_with_unread_highlighted(applicant_client, parties):
    older, newer = messages_for(parties.applicant, "较早的消息", "最新的消息")
    Notification.objects.filter(pk=older.pk).update(read_at="2026-01-01T00:00:00+08:00")
    messages_for(parties.other_enterprise, "别人的消息")
    html = applicant_client.get(LIST).content.decode()
    assert html.index("最新的消息") < html.index("较早的消息")
    assert "别人的消息" not in html
    unread = re.findall(r'<li class="notification unread">\s*<a[^>]*>(.*?)</a>', html, re.S)
    assert len(unread) == 1 and "最新的消息" in unread[0]
    assert reverse("applications:notification", args=[newer.pk]) in html


def test_following_a_message_marks_it_read_and_goes_to_its_link(applicant_client, parties):
    application = application_in(S.ACCEPTED, parties)
    note = Notification.objects.filter(recipient=parties.applicant, application=application).latest("pk")
    assert note.url == reverse("applications:detail", args=[application.uuid])
    response = applicant_client.get(reverse("applications:notification", args=[note.pk]))
    assert response.status_code == 302 and response.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert applicant_client.get(response.url).status_code == 200


def test_someone_elses_message_is_404_and_stays_unread(applicant_client, parties):
    other = messages_for(parties.other_enterprise, "别人的消息")[0]
    assert applicant_client.get(reverse("applications:notification", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_a_message_never_redirects_off_site(applicant_client, parties):
    note = messages_for(parties.applicant, "钓鱼", url="https://evil.example/x")[0]
    response = applicant_client.get(reverse("applications:notification", args=[note.pk]))
    assert response.status_code == 302 and response.url == LIST


def test_mark_all_read(applicant_client, parties):
    messages_for(parties.applicant, "一", "二")
    theirs = messages_for(parties.other_enterprise, "别人的")[0]
    assert "全部标为已读" in applicant_client.get(LIST).content.decode()
    assert applicant_client.get(reverse("applications:notifications_read_all")).status_code == 405
    response = applicant_client.post(reverse("applications:notifications_read_all"))
    assert response.status_code == 302 and response.url == LIST
    assert not Notification.objects.filter(recipient=parties.applicant, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = applicant_client.get(LIST).content.decode()
    assert "已全部标为已读" in html and 'class="badge"' not in html


def test_the_list_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response.url


def test_a_correction_request_sends_an_sms_and_an_in_app_message(parties, django_capture_on_commit_callbacks):
    application = submitted(parties)
    with django_capture_on_commit_callbacks(execute=True):
        actions.request_correction(application, parties.authority, correction_items(), "请一次性补正")
    assert len(locmem.outbox) == 1
    sms = locmem.outbox[0]
    assert sms["mobile"] == parties.applicant.mobile
    assert "需要补正" in sms["message"] and application.reference in sms["message"]
    note = Notification.objects.get(recipient=parties.applicant, application=application)
    assert "需要补正" in note.message
    assert note.url == reverse("applications:detail", args=[application.uuid])


def test_a_refused_correction_request_sends_nothing(parties, django_capture_on_commit_callbacks):
    application = application_in(S.CORRECTION_REQUESTED, parties)
    locmem.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(actions.ActionRefused):  # 补正告知 is one-time
            actions.request_correction(application, parties.authority, correction_items(), "再补一次")
    assert locmem.outbox == []
