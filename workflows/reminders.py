"""换证提醒: reminding a licence's holder that its licence is about to expire (TSG 07-2019 §3.6.3.1:
a renewal is filed 6 to 12 months before expiry).

`manage.py send_license_reminders` runs daily. A licence gets a reminder 12, 9 and 6 months before
its `valid_until` (`licensing.REMINDER_MONTHS`), in-app and by e-mail to every member of the
holder organisation and by SMS to whoever filed its application (workflows.notifications).

- Idempotent: each reminder sent leaves a `LicenseReminder` row (unique per licence and month),
  so running the command twice a day, or on two machines, sends nothing twice.
- A run that comes late (the job did not run for weeks) sends only the most recent reminder due,
  never 12, 9 and 6 at once; an earlier one that was missed is not sent afterwards.
- No reminder for a licence already superseded (换发) or expired, or one with a renewal (换证)
  application under way: its holder has already acted.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import licensing
from .models import Application, ApplicationKind, License, LicenseReminder
from .notifications import notify_holder

logger = logging.getLogger(__name__)

MESSAGE = gettext_lazy(
    "您的许可证 %(number)s 将于 %(until)s 有效期届满。换证申请可自 %(opens)s 起提出，须在 %(deadline)s 前提交"
    "（有效期届满6个月以前），请及时登录系统办理换证。"
)
LATE_MESSAGE = gettext_lazy(
    "您的许可证 %(number)s 将于 %(until)s 有效期届满，换证申请的提交期限（%(deadline)s）已过，"
    "如需继续从事许可项目，请按新申请（取证）办理。"
)


def due_months(license, today):
    """The most recent reminder due for `license` today (12, 9 or 6), or None before the first."""
    due = [
        months for months in licensing.REMINDER_MONTHS if today >= licensing.months_before(license.valid_until, months)
    ]
    return min(due) if due else None


def candidates(today):
    """Valid licences within a year (and a little) of expiry, without a renewal under way."""
    open_renewal = (
        Application.objects.filter(previous_license=OuterRef("pk"), kind=ApplicationKind.RENEWAL)
        .exclude(state__in=licensing.CLOSED_STATES)
        .values("pk")
    )
    # A month has at most 31 days: 12 calendar months are never more than 366 days, and
    # due_months decides exactly.
    horizon = today + datetime.timedelta(days=370)
    return (
        License.objects.filter(superseded_by__isnull=True, valid_until__gte=today, valid_until__lte=horizon)
        .exclude(Exists(open_renewal))
        .select_related("holder", "application__created_by")
        .prefetch_related("reminders")
        .order_by("valid_until", "pk")
    )


def send_due_reminders(today=None):
    """Send every reminder due today and not sent yet; returns the number of licences reminded."""
    today = today or timezone.localdate()
    sent = 0
    for license in candidates(today):
        months = due_months(license, today)
        if months is None:
            continue
        # Sent already, or a later (closer to expiry) one was: nothing older is sent afterwards.
        if any(reminder.months_before <= months for reminder in license.reminders.all()):
            continue
        if _send(license, months, today):
            sent += 1
    return sent


def _send(license, months, today):
    deadline = licensing.renewal_deadline(license)
    params = {
        "number": license.number,
        "until": f"{license.valid_until:%Y-%m-%d}",
        "opens": f"{licensing.renewal_opens_on(license):%Y-%m-%d}",
        "deadline": f"{deadline:%Y-%m-%d}",
    }
    try:
        with transaction.atomic():
            LicenseReminder.objects.create(license=license, months_before=months)
            notify_holder(license, LATE_MESSAGE if today > deadline else MESSAGE, params, sms=True)
    except IntegrityError:
        # Another run sent it a moment ago (the unique constraint decides).
        return False
    logger.info("renewal reminder sent: licence %s, %s months before expiry", license.pk, months)
    return True
