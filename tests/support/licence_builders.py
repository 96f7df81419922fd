"""Licences for the tests of the register, follow-ups and reminders.

`approved_licence(parties)` issues a real licence through the whole workflow (PDFs included);
`licence_row(parties, valid_until)` writes a License row on a fresh draft, for tests that need
many licences and none of their documents; `approve(application, parties)` walks a submitted or
draft follow-up through acceptance, review and approval.
"""

import datetime

from tests.support.builders import ApplicationFactory
from tests.support.workflow_builders import advance, application_in, fill_completely, refresh
from workflows import licensing, services, verification
from workflows.models import ApplicationState, License


def months_after(day, months):
    return licensing.months_before(day, -months)


def approved_licence(parties):
    return application_in(ApplicationState.APPROVED, parties).license


def set_valid_until(licence, valid_until):
    License.objects.filter(pk=licence.pk).update(valid_until=valid_until)
    return License.objects.select_related("authority", "superseded_by", "application").get(pk=licence.pk)


def licence_row(parties, valid_until, user=None, number=None, **fields):
    """A licence without its workflow: a draft's items, issued four years before `valid_until`."""
    user = user or parties.applicant
    application = fill_completely(ApplicationFactory(user=user, levels=[parties.catalogue["D"]]))
    issued_on = valid_until - datetime.timedelta(days=4 * 365)
    licence = License(
        number=number or f"TS2211{application.pk:06d}-{valid_until:%Y}",
        application=application,
        holder=user.organisation,
        holder_name=user.organisation.name,
        holder_credit_code=user.organisation.credit_code,
        holder_address=user.organisation.address,
        authority=application.authority,
        items=[
            {
                "category": item.category,
                "item_name": item.item_name,
                "level_code": item.level_code,
                "level_description": item.level_description,
            }
            for item in application.items.all()
        ],
        issued_on=issued_on,
        valid_until=valid_until,
        **fields,
    )
    licence.verification_code = verification.code_for(licence)
    licence.save()
    return licence


def approve(application, parties, submit=True):
    """Submit (when a draft), accept, agree a date, report and approve; returns the new licence."""
    if submit:
        application = services.submit_application(refresh(application), parties.applicant)
    return advance(application, ApplicationState.APPROVED, parties).license
