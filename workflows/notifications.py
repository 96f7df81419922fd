"""Who hears about each action, and how: in-app (always), e-mail, and SMS for the applicant's
key events (DOMAIN.md; issue 4).

In-app rows are written in the action's transaction, so a rolled-back action leaves no message.
E-mail and SMS leave the building only after the commit (transaction.on_commit): a refused or
failed action must never have told anyone it happened. A failing SMS provider is logged without
the phone number and never undoes the action.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from accounts.sms.backends import get_backend
from accounts.sms.backends.base import SmsDeliveryError

from .models import Notification

logger = logging.getLogger(__name__)

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
    subject = f"{SMS_PREFIX}{application.reference or ''}"
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
                link = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{url}"
                emails.append((subject, f"{message}\n\n{link}", None, [user.email]))
    Notification.objects.bulk_create(rows)
    if emails:
        transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=True))
    if sms:
        mobile = application.created_by.mobile
        if mobile:
            transaction.on_commit(lambda: _send_sms(mobile, f"{SMS_PREFIX}{message}"))


def notify_holder(license, message, params=None, *, sms=False):
    """Tell the members of the licence's holder about `license` (a renewal reminder, say), in-app
    and by e-mail, and by SMS to whoever filed the licence's application; the link leads to the
    licence's page. Written in the caller's transaction, sent after its commit, as `notify`."""
    with translation.override(settings.LANGUAGE_CODE):
        message = str(message) % (params or {})
    url = license_url(license)
    subject = f"{SMS_PREFIX}{license.number}"
    rows = []
    emails = []
    for user in members(license.holder):
        rows.append(Notification(recipient=user, application=license.application, message=message[:500], url=url))
        if user.email:
            link = f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{url}"
            emails.append((subject, f"{message}\n\n{link}", None, [user.email]))
    Notification.objects.bulk_create(rows)
    if emails:
        transaction.on_commit(lambda: send_mass_mail(emails, fail_silently=True))
    filed_by = license.application.created_by
    if sms and filed_by.is_active and filed_by.mobile and filed_by.organisation_id == license.holder_id:
        transaction.on_commit(lambda: _send_sms(filed_by.mobile, f"{SMS_PREFIX}{message}"))
    return len(rows)


def _send_sms(mobile, text):
    try:
        get_backend().send(mobile, text)
    except SmsDeliveryError:
        # No phone number in the log (personal data); the in-app message is already there.
        logger.warning("SMS notification could not be delivered")


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
