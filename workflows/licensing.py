"""The licence's life after approval (TSG 07-2019 §3.6): the register's rules, renewal (换证),
added items (增项) and changes of name or address (变更).

A follow-up is an `Application` of its own kind with `previous_license` set, started from a
licence the applicant holds and prefilled from it and from the application that issued it
(`services.start_follow_up`, next to the other ways a draft starts); it then goes through the
same workflow. This module holds only the rules. Approving it issues a new licence (`license_terms`) and
marks the previous one superseded (workflows.actions.approve).

Rules:
- renewal opens 12 months before expiry and must be *submitted* at least 6 months before it
  (`renewal_opens_on`, `renewal_deadline`); after that only a new application (取证) is possible;
- one open follow-up per licence at a time; only a valid (not expired, not superseded) licence;
- a renewal's new licence runs four years from the day after the old one expires (or from its
  issue, if the old one has already expired); 增项 and 变更 keep the old expiry date.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Region

from . import deadlines
from .models import ApplicationKind, ApplicationState, LicenseStatus

LICENSE_VALIDITY_YEARS = 4  # TSG 07-2019 §1.5
RENEWAL_OPENS_MONTHS = 12
RENEWAL_DEADLINE_MONTHS = 6
REMINDER_MONTHS = (12, 9, 6)
FOLLOW_UP_KINDS = (ApplicationKind.RENEWAL, ApplicationKind.ADD_ITEMS, ApplicationKind.CHANGE)
CLOSED_STATES = (
    ApplicationState.APPROVED,
    ApplicationState.DENIED,
    ApplicationState.NOT_ACCEPTED,
    ApplicationState.WITHDRAWN,
)
# Prefill sources whose value a 变更 application replaces: the licence prints them (住所 = 所在地 +
# 详细地址).
HOLDER_SOURCES = {"organisation.name": "name", "organisation.region": "region", "organisation.address": "address"}


def months_before(day, months):
    """The same day `months` calendar months earlier (the month's last day if it has no such day)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def renewal_opens_on(license):
    return months_before(license.valid_until, RENEWAL_OPENS_MONTHS)


def renewal_deadline(license):
    """The last day a renewal may be submitted."""
    return months_before(license.valid_until, RENEWAL_DEADLINE_MONTHS)


def open_follow_up(license):
    return license.follow_ups.exclude(state__in=CLOSED_STATES).first()


def follow_up_refusal(license, kind, today=None):
    """Why `kind` cannot be started on `license` today, or None when it can."""
    today = today or timezone.localdate()
    status = license.status(today)
    if status == LicenseStatus.SUPERSEDED:
        return _("该许可证已换发为 %(number)s，请在新许可证上办理。") % {"number": license.superseded_by.number}
    if status == LicenseStatus.EXPIRED:
        return _("该许可证已于 %(date)s 过期，请按新申请（取证）办理。") % {"date": f"{license.valid_until:%Y-%m-%d}"}
    pending = open_follow_up(license)
    if pending is not None:
        return _("该许可证已有一份正在办理的%(kind)s申请（%(ref)s），办结或撤回后才能再提出。") % {
            "kind": pending.get_kind_display(),
            "ref": pending.reference or _("草稿"),
        }
    if kind == ApplicationKind.RENEWAL:
        if today < renewal_opens_on(license):
            return _("换证申请自 %(date)s 起可以提出（有效期届满前12个月）。") % {
                "date": f"{renewal_opens_on(license):%Y-%m-%d}"
            }
        if today > renewal_deadline(license):
            return _("换证申请须在有效期届满6个月以前（%(date)s 前）提出，已超过期限，请按新申请（取证）办理。") % {
                "date": f"{renewal_deadline(license):%Y-%m-%d}"
            }
    return None


def available_follow_ups(license, today=None):
    """[(kind, refusal or None)] for the licence's page: what the holder may start, and why not."""
    return [(kind, follow_up_refusal(license, kind, today)) for kind in FOLLOW_UP_KINDS]


def licensed_level_ids(license):
    return [item.level_id for item in license.application.items.all() if item.level_id]


def check_submission(application, today=None):
    """Raised at submission: a renewal past its deadline, or its licence gone meanwhile."""
    license = application.previous_license
    if license is None:
        return
    today = today or timezone.localdate()
    status = license.status(today)
    if status != LicenseStatus.VALID:
        raise ValidationError(
            _("原许可证 %(number)s %(status)s，该申请不能再提交，请撤回后按新申请办理。")
            % {"number": license.number, "status": status.label},
            code="license_gone",
        )
    if application.kind == ApplicationKind.RENEWAL and today > renewal_deadline(license):
        raise ValidationError(
            _("换证申请须在有效期届满6个月以前（%(date)s 前）提交，已超过期限，请撤回后按新申请（取证）办理。")
            % {"date": f"{renewal_deadline(license):%Y-%m-%d}"},
            code="renewal_late",
        )


def _item_row(item):
    return {
        "category": item.category,
        "item_name": item.item_name,
        "level_code": item.level_code,
        "level_description": item.level_description,
    }


def license_terms(application, issued_on):
    """(items, valid_until) of the licence that approving `application` issues."""
    rows = [_item_row(item) for item in application.items.all()]
    previous = application.previous_license
    if previous is None or application.kind == ApplicationKind.NEW:
        return rows, deadlines.years_after(issued_on, LICENSE_VALIDITY_YEARS) - datetime.timedelta(days=1)
    if application.kind == ApplicationKind.RENEWAL:
        start = max(issued_on, previous.valid_until + datetime.timedelta(days=1))
        return rows, deadlines.years_after(start, LICENSE_VALIDITY_YEARS) - datetime.timedelta(days=1)
    if application.kind == ApplicationKind.ADD_ITEMS:
        seen = {(r["category"], r["item_name"], r["level_code"]) for r in previous.items}
        added = [r for r in rows if (r["category"], r["item_name"], r["level_code"]) not in seen]
        return list(previous.items) + added, previous.valid_until
    return rows, previous.valid_until


def holder_values(application):
    """The holder's name, region code and 详细地址 as the application gives them: its own values for
    the fields prefilled from the organisation's name, 所在地 and address (a 变更 changes them),
    else the organisation's."""
    organisation = application.applicant
    values = {"name": organisation.name, "region": organisation.region_id or "", "address": organisation.address}
    schema = application.schema_version.parsed
    for key, spec in schema.fields_by_key.items():
        target = HOLDER_SOURCES.get(spec.value.get("prefill"))
        value = application.data.get(key)
        if target and isinstance(value, str) and value.strip():
            values[target] = value.strip()
    return values


def holder_snapshot(application):
    """Name, credit code and 住所 the licence prints, 住所 in full: 省市区 and 详细地址
    (浙江省杭州市西湖区文三路1号, `Region.full_address_of`)."""
    values = holder_values(application)
    return {
        "holder_name": values["name"],
        "holder_credit_code": application.applicant.credit_code,
        "holder_address": Region.full_address_of(values["region"], values["address"]),
    }
