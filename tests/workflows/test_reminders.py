"""换证提醒 (workflows.reminders, `manage.py send_license_reminders`): 12, 9 and 6 months before
expiry, in-app + e-mail + SMS to the holder, once each, only the most recent one on a late run,
none for a licence superseded, expired or with a renewal under way."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.sms.backends import locmem
from tests.support.builders import make_catalogue
from tests.support.factories import UserFactory
from tests.support.licence_builders import licence_row
from tests.support.workflow_builders import make_parties
from workflows import reminders, services
from workflows.models import Application, ApplicationKind, License, LicenseReminder, Notification

pytestmark = pytest.mark.django_db

EXPIRY = datetime.date(2030, 6, 30)
TWELVE, NINE, SIX = datetime.date(2029, 6, 30), datetime.date(2029, 9, 30), datetime.date(2029, 12, 30)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def parties():
    p = make_parties(make_catalogue())
    p.applicant.email = "applicant@example.cn"
    p.applicant.save(update_fields=["email"])
    return p


@pytest.fixture
def licence(parties):
    return licence_row(parties, EXPIRY)


def send(today, capture):
    with capture(execute=True):
        return reminders.send_due_reminders(today)


def sent_months(licence):
    return sorted(LicenseReminder.objects.filter(license=licence).values_list("months_before", flat=True))


@pytest.mark.parametrize(
    "today, months",
    [
        (TWELVE - DAY, None),
        (TWELVE, 12),
        (NINE - DAY, 12),
        (NINE, 9),
        (SIX - DAY, 9),
        (SIX, 6),
        (EXPIRY, 6),
    ],
)
def test_the_reminder_due_on_each_day(licence, today, months):
    assert reminders.due_months(licence, today) == months


def test_twelve_nine_and_six_months_before_expiry(parties, licence, django_capture_on_commit_callbacks):
    member = UserFactory(organisation=parties.applicant.organisation, email="colleague@example.cn")
    assert send(TWELVE - DAY, django_capture_on_commit_callbacks) == 0
    assert send(TWELVE, django_capture_on_commit_callbacks) == 1
    assert sent_months(licence) == [12]

    url = reverse("applications:licence", args=[licence.pk])
    notes = Notification.objects.filter(url=url)
    assert sorted(n.recipient_id for n in notes) == sorted([parties.applicant.pk, member.pk])
    message = notes.first().message
    assert licence.number in message and "2030-06-30" in message and "2029-12-30" in message and "换证" in message
    assert sorted(m.to[0] for m in mail.outbox) == ["applicant@example.cn", "colleague@example.cn"]
    assert mail.outbox[0].subject.endswith(licence.number) and url in mail.outbox[0].body
    # SMS: to the person who filed the licence's application.
    assert [m["mobile"] for m in locmem.outbox] == [parties.applicant.mobile]
    # Nobody outside the holder hears of it.
    assert not Notification.objects.filter(url=url, recipient=parties.other_enterprise).exists()

    assert send(NINE, django_capture_on_commit_callbacks) == 1
    assert send(SIX, django_capture_on_commit_callbacks) == 1
    assert sent_months(licence) == [6, 9, 12]
    assert Notification.objects.filter(url=url, recipient=parties.applicant).count() == 3


def test_running_twice_sends_nothing_twice(licence, django_capture_on_commit_callbacks):
    assert send(NINE, django_capture_on_commit_callbacks) == 1
    assert send(NINE, django_capture_on_commit_callbacks) == 0
    assert send(NINE + DAY, django_capture_on_commit_callbacks) == 0
    assert sent_months(licence) == [9]
    assert len(locmem.outbox) == 1


def test_a_late_run_sends_only_the_most_recent_reminder(licence, django_capture_on_commit_callbacks):
    # The job did not run for months: at seven months before expiry only the 9-month one goes.
    assert send(datetime.date(2029, 11, 30), django_capture_on_commit_callbacks) == 1
    assert sent_months(licence) == [9]
    assert len(locmem.outbox) == 1
    # And the missed 12-month one is never sent afterwards.
    assert send(datetime.date(2029, 12, 1), django_capture_on_commit_callbacks) == 0
    assert send(SIX, django_capture_on_commit_callbacks) == 1
    assert sent_months(licence) == [6, 9]


def test_after_the_deadline_the_reminder_says_to_apply_anew(licence, django_capture_on_commit_callbacks):
    send(SIX + DAY, django_capture_on_commit_callbacks)
    message = Notification.objects.get(url=reverse("applications:licence", args=[licence.pk])).message
    assert "提交期限（2029-12-30）已过" in message and "新申请（取证）" in message


def test_no_reminder_after_supersession_or_expiry(parties, licence, django_capture_on_commit_callbacks):
    newer = licence_row(parties, EXPIRY + datetime.timedelta(days=4 * 365))
    License.objects.filter(pk=licence.pk).update(superseded_by=newer)
    assert send(NINE, django_capture_on_commit_callbacks) == 0
    assert send(EXPIRY + DAY, django_capture_on_commit_callbacks) == 0
    assert sent_months(licence) == []


def test_no_reminder_while_a_renewal_is_under_way(parties, licence, django_capture_on_commit_callbacks):
    # A renewal draft of the licence (started directly: the window is about the day it starts,
    # the reminder about whether one is open).
    renewal = services.start_application(parties.applicant, [parties.catalogue["D"].pk])
    Application.objects.filter(pk=renewal.pk).update(kind=ApplicationKind.RENEWAL, previous_license=licence)
    assert send(NINE, django_capture_on_commit_callbacks) == 0
    assert sent_months(licence) == []

    # Another kind of follow-up does not stop the reminder.
    Application.objects.filter(pk=renewal.pk).update(kind=ApplicationKind.ADD_ITEMS)
    assert send(NINE, django_capture_on_commit_callbacks) == 1


def test_the_management_command(licence, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_license_reminders", "--date", "2029-06-30", stdout=out)
    assert out.getvalue().strip() == "renewal reminders sent: 1"
    assert sent_months(licence) == [12]
