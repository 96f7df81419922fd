"""Who hears about each action, and how: in-app (always), e-mail, and SMS for the applicant's
key events (docs/domain.md).

Everything is written in the action's transaction, so a rolled-back action leaves no message: the
in-app rows, and one outbox row per e-mail and SMS (accounts/outbox.py), linked to the application
(or licence) so staff see on its page what was sent. Nothing leaves the building in the request:
the worker delivers each outbox row after the commit, retries it while a provider or the SMTP
server is down and records the error (accounts/tasks.py), so a refused or failed action has
never told anyone it happened and an outage never fails the action.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from accounts.outbox import enqueue_email, enqueue_sms

from .models import Notification

SMS_PREFIX = "【特种设备行政许可】"


def applicant_url(application):
    return reverse("applications:detail", args=[application.uuid])


def staff_url(application):
    return reverse("licensing:detail", args=[application.pk])


def license_url(license):
    return reverse("applications:licence", args=[license.pk])


def members(organisation):
    if organisation is None:
        return []
    return list(get_user_model().objects.filter(organisation=organisation, is_active=True))


def notify(
    application, message, params=None, *, applicant=False, authority=False, review_body=False, sms=False, exclude=None
):
    """Tell the chosen parties about `application`; `exclude` (the actor) is not told about
    what they did themselves.

    `message` is a lazy translation filled with `params` here, in the site's language: what the
    applicant reads (and what the SMS says) must not depend on the language of the officer's
    screen."""
    with translation.override(settings.LANGUAGE_CODE):
        message = str(message) % (params or {})
    rows = []
    emails = []
    reference = application.reference or ""
    subject = f"{SMS_PREFIX}{reference}"
    parties = []
    if applicant:
        parties.append((application.applicant, applicant_url(application)))
    if authority:
        parties.append((application.authority, staff_url(application)))
    if review_body and application.review_body_id:
        parties.append((application.review_body, staff_url(application)))
    for organisation, url in parties:
        for user in members(organisation):
            if exclude is not None and user.pk == exclude.pk:
                continue
            rows.append(Notification(recipient=user, application=application, message=message[:500], url=url))
            if user.email:
                emails.append((user.email, url))
    Notification.objects.bulk_create(rows)
    for address, url in emails:
        enqueue_email(address, subject, _email_body(message, url), about=application)
    if sms:
        mobile = application.created_by.mobile
        if mobile:
            _enqueue_notice(mobile, message, reference, about=application)


def notify_holder(license, message, params=None, *, sms=False):
    """Tell the members of the licence's holder about `license` (a renewal reminder, say), in-app
    and by e-mail, and by SMS to whoever filed the licence's application; the link leads to the
    licence's page. Written in the caller's transaction, sent by the worker after its commit, as
    `notify`; the outbox rows are linked to the licence."""
    with translation.override(settings.LANGUAGE_CODE):
        message = str(message) % (params or {})
    url = license_url(license)
    subject = f"{SMS_PREFIX}{license.number}"
    rows = []
    for user in members(license.holder):
        rows.append(Notification(recipient=user, application=license.application, message=message[:500], url=url))
        if user.email:
            enqueue_email(user.email, subject, _email_body(message, url), about=license)
    Notification.objects.bulk_create(rows)
    filed_by = license.application.created_by
    if sms and filed_by.is_active and filed_by.mobile and filed_by.organisation_id == license.holder_id:
        _enqueue_notice(filed_by.mobile, message, license.number, about=license)
    return len(rows)


def _email_body(message, url):
    return f"{message}\n\n{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{url}"


def _enqueue_notice(mobile, message, reference, about):
    # The provider's "notice" template takes the reference and the text (accounts/sms/backends).
    enqueue_sms(
        mobile,
        f"{SMS_PREFIX}{message}",
        template="notice",
        params={"reference": reference, "message": message},
        about=about,
    )


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
