"""Bulk copies of the template applications, with new keys and the clone's own parties and dates.

A `Snapshot` reads everything one template application owns, with each user, organisation and
group replaced by its role (applicant, authority, review body). `Cloner.clone` then writes a copy
for a given applicant, authority, review body and licence levels: new ids and uuids, a new
reference, the applicant's own prefilled values, the attachment uuids in `data` remapped (files
are shared: the same stored name, no copies), dates on a plausible timeline ending where the state
says (in-flight applications recently, finished ones anywhere in the last two years), the clock
and due date workflows.deadlines would have set, 文号 and licence numbers from per-authority,
per-year counters that continue the DocumentSequence rows, and guardian rows for the clone's
groups. Rows are buffered per table and written in batches by bench.data.writer.
"""

import datetime
import os
import random
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from cms.models import LicenseLevel
from workflows import deadlines, verification, working_days
from workflows.actions import LICENSE_VALIDITY_YEARS
from workflows.models import (
    AccessKind,
    AccessLog,
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationGroupObjectPermission,
    ApplicationItem,
    ApplicationKind,
    ApplicationState,
    Clock,
    CorrectionItem,
    CorrectionNotice,
    Document,
    DocumentKind,
    DocumentSequence,
    License,
    Notification,
    ProposalStatus,
    ReviewAppointment,
    ReviewFile,
    ReviewReport,
)
from workflows.numbering import ACTIVITY_DIGITS, DOCUMENT_WORDS, FILLING_DIGIT, authority_abbreviation

APPLICANT, AUTHORITY, REVIEW_BODY = "applicant", "authority", "review_body"
IN_FLIGHT = {
    ApplicationState.SUBMITTED,
    ApplicationState.CORRECTION_REQUESTED,
    ApplicationState.ACCEPTED,
    ApplicationState.REVIEW_SCHEDULED,
    ApplicationState.REVIEWED,
}
# Days between one step and the next (uniform range).
GAPS = {
    "submit": (0.5, 20),
    "request_correction": (1, 5),
    "refuse_acceptance": (1, 6),
    "accept": (1, 5),
    "withdraw": (1, 15),
    "propose_review_dates": (0.5, 4),
    "agree_review_date": (0.5, 5),
    "approve": (3, 15),
    "deny": (3, 15),
}
REVIEW_AFTER_AGREEMENT = (5, 30)
REPORT_AFTER_REVIEW = (1, 3)
HISTORY_DAYS = 640  # finished applications end within this many days (all start within two years)
RECENT_DAYS = 8  # in-flight applications took their last step within this many days
DRAFT_DAYS = 60

COLUMNS = {
    Application: [
        "id", "uuid", "reference", "applicant_id", "created_by_id", "authority_id", "schema_version_id", "data",
        "current_page", "state", "created_at", "updated_at", "submitted_at", "accepted_at", "decided_at",
        "review_body_id", "review_date", "clock", "clock_started_on", "due_on", "kind",
    ],
    ApplicationItem: [
        "id", "application_id", "license_item_id", "level_id", "category", "item_name", "level_code",
        "level_description", "approval_level", "sort_order",
    ],
    ApplicationAttachment: [
        "id", "uuid", "application_id", "field_key", "file", "original_name", "content_type", "size",
        "uploaded_by_id", "uploaded_at",
    ],
    ApplicationEvent: [
        "id", "application_id", "transition", "from_state", "to_state", "actor_id", "actor_organisation_id",
        "comment", "created_at",
    ],
    Document: [
        "id", "uuid", "application_id", "kind", "number", "file", "sha256", "issued_by_id", "issued_at", "event_id",
    ],
    License: [
        "id", "number", "application_id", "holder_id", "authority_id", "items", "issued_on", "valid_until",
        "holder_name", "holder_credit_code", "holder_address", "verification_code",
    ],
    CorrectionNotice: [
        "id", "application_id", "comment", "issued_by_id", "issued_at", "values_before", "resubmitted_at", "changes",
    ],
    CorrectionItem: ["id", "notice_id", "target", "key", "label", "page_number", "comment", "sort_order"],
    ReviewAppointment: [
        "id", "application_id", "side", "proposed_by_id", "dates", "comment", "status", "agreed_date",
        "answered_by_id", "created_at",
    ],
    ReviewReport: [
        "id", "application_id", "review_body_id", "reviewed_from", "reviewed_to", "conclusion", "summary",
        "submitted_by_id", "submitted_at",
    ],
    ReviewFile: ["id", "uuid", "report_id", "kind", "file", "original_name", "content_type", "size"],
    Notification: ["id", "recipient_id", "application_id", "message", "url", "created_at", "read_at"],
    ApplicationGroupObjectPermission: ["id", "permission_id", "group_id", "content_object_id"],
    AccessLog: [
        "id", "application_id", "application_reference", "kind", "object_uuid", "object_name", "user_id",
        "organisation_id", "ip_address", "masked", "created_at",
    ],
}  # fmt: skip


# S311: ids for bench rows, not secrets.
_random_bits = random.Random(os.urandom(16)).getrandbits  # noqa: S311
_UUID4_MASK = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_BITS = (0x8000 << 48) | (4 << 76)


def new_uuid():
    """A random (version 4) UUID as text: what uuid.uuid4() gives, without building UUID objects
    for a million rows (COPY takes the text as it is)."""
    h = "%032x" % ((_random_bits(128) & _UUID4_MASK) | _UUID4_BITS)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --- what the clones are made for ---------------------------------------------------------


@dataclass(frozen=True)
class LevelInfo:
    level_id: int
    item_id: int
    category: str
    item_name: str
    level_code: str
    level_description: str
    approval_level: str
    acceptance_days: int
    scheduling_days: int
    decision_days: int
    licence_digit: str


@dataclass
class Party:
    """An authority or review body and its bench officer."""

    org_id: int
    group_id: int
    user_id: int
    name: str
    abbreviation: str = ""
    region2: str = ""


def levels_for(form_id):
    """The live levels that use the templates' application form, split by who approves them."""
    provincial, national = [], []
    with translation.override(settings.LANGUAGE_CODE):
        for level in LicenseLevel.objects.filter(item__live=True, item__application_form_id=form_id).select_related(
            "item"
        ):
            item = level.item
            digit = FILLING_DIGIT if item.category == "filling" else ACTIVITY_DIGITS.get(item.activity, "2")
            info = LevelInfo(
                level.pk,
                item.pk,
                str(item.get_category_display()),
                item.display_name,
                level.code,
                level.description,
                level.effective_approval_level,
                item.acceptance_days,
                item.review_scheduling_days,
                item.decision_days,
                digit,
            )
            (national if info.approval_level == "national" else provincial).append(info)
    return provincial, national


def party(organisation, staff):
    return Party(
        organisation.pk,
        organisation.group_id,
        staff.user_id,
        organisation.name,
        authority_abbreviation(organisation),
        "10" if organisation.authority_level == "national" else str(organisation.region_id or "")[:2],
    )


# --- templates ----------------------------------------------------------------------------


@dataclass
class Snapshot:
    kind: str
    state: str
    app: dict
    attachments: list
    file_keys: list
    events: list
    documents: list
    license: dict | None
    notice: dict | None
    notice_items: list
    proposals: list
    report: dict | None
    report_files: list
    notifications: list
    perms: list
    replacements: dict = field(default_factory=dict)  # template text -> what to put in its place


def _values(queryset):
    return list(queryset.values())


def snapshot(kind, application, templates):
    """Everything the template `application` owns, with parties replaced by roles."""
    users = {
        templates.applicant_user.pk: APPLICANT,
        templates.officer.pk: AUTHORITY,
        templates.reviewer.pk: REVIEW_BODY,
    }
    orgs = {
        templates.applicant_user.organisation_id: APPLICANT,
        templates.authority.pk: AUTHORITY,
        templates.review_body.pk: REVIEW_BODY,
    }
    groups = {
        templates.applicant_user.organisation.group_id: APPLICANT,
        templates.authority.group_id: AUTHORITY,
        templates.review_body.group_id: REVIEW_BODY,
    }
    app = Application.objects.values().get(pk=application.pk)
    events = _values(ApplicationEvent.objects.filter(application=application).order_by("created_at", "pk"))
    event_index = {event["id"]: i for i, event in enumerate(events)}
    for event in events:
        event["actor_role"] = users[event["actor_id"]]
        event["org_role"] = orgs.get(event["actor_organisation_id"])
    documents = _values(Document.objects.filter(application=application).order_by("pk"))
    for document in documents:
        document["event_index"] = event_index.get(document["event_id"])
        document["issued_by_role"] = users[document["issued_by_id"]]
    notifications = _values(Notification.objects.filter(application=application).order_by("pk"))
    for note in notifications:
        note["recipient_role"] = users[note["recipient_id"]]
        # The event it tells about: the last one written before it.
        note["event_index"] = max(
            [i for i, event in enumerate(events) if event["created_at"] <= note["created_at"]], default=None
        )
    proposals = _values(ReviewAppointment.objects.filter(application=application).order_by("pk"))
    for proposal in proposals:
        proposal["proposed_by_role"] = users[proposal["proposed_by_id"]]
        proposal["answered_by_role"] = users.get(proposal["answered_by_id"])
    perms = [
        (row["permission_id"], groups[row["group_id"]])
        for row in ApplicationGroupObjectPermission.objects.filter(content_object=application).values(
            "permission_id", "group_id"
        )
    ]
    attachments = _values(ApplicationAttachment.objects.filter(application=application).order_by("pk"))
    attachment_ids = {str(a["uuid"]) for a in attachments}
    file_keys = [
        key
        for key, value in app["data"].items()
        if isinstance(value, list)
        and value
        and all(isinstance(v, dict) and v.get("id") in attachment_ids for v in value)
    ]
    notice = CorrectionNotice.objects.filter(application=application).values().first()
    report = ReviewReport.objects.filter(application=application).values().first()
    licence = License.objects.filter(application=application).values().first()
    replacements = {
        app["reference"]: "reference",
        templates.applicant_user.organisation.name: "applicant_name",
        templates.authority.name: "authority_name",
        templates.review_body.name: "review_body_name",
    }
    if licence:
        replacements[licence["number"]] = "licence_number"
        replacements[f"{licence['valid_until']:%Y-%m-%d}"] = "valid_until"
    for proposal in proposals:
        for i, day in enumerate(proposal["dates"]):
            replacements[day] = f"proposal_date_{i}"
    replacements.pop(None, None)
    return Snapshot(
        kind=kind,
        state=app["state"],
        app=app,
        attachments=attachments,
        file_keys=file_keys,
        events=events,
        documents=documents,
        license=licence,
        notice=notice,
        notice_items=_values(CorrectionItem.objects.filter(notice_id=notice["id"]).order_by("pk")) if notice else [],
        proposals=proposals,
        report=report,
        report_files=_values(ReviewFile.objects.filter(report_id=report["id"]).order_by("pk")) if report else [],
        notifications=notifications,
        perms=perms,
        replacements=replacements,
    )


# --- the copying --------------------------------------------------------------------------


@dataclass
class Made:
    """What the manifest needs to know about one clone."""

    id: int
    uuid: str
    state: str
    documents: dict  # kind -> uuid


class Cloner:
    def __init__(self, writer, rng, schema, now=None):
        self.writer = writer
        self.rng = rng
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        # Local dates by a fixed offset: Asia/Shanghai has had no daylight saving since 1991, and
        # zoneinfo conversions were a tenth of the generation time.
        self.utc_offset = timezone.localtime(self.now).utcoffset()
        self.buffers = {model: [] for model in COLUMNS}
        self._working_days = {}
        self._data_patches = {}
        self._prefilled = {}
        self.prefill = [
            (key, spec.value["prefill"], spec.field_type, spec.value)
            for key, spec in schema.fields_by_key.items()
            if spec.value.get("prefill")
        ]
        self.counters = {(row.authority_id, row.kind, row.year): row.last for row in DocumentSequence.objects.all()}
        self.access_logs_due = 0.0
        self.access_log_rate = 0.0
        self.applicant_url = reverse("applications:detail", args=[uuid.UUID(int=0)])
        self.staff_url = reverse("licensing:detail", args=[0])

    # --- ids, numbers, dates ------------------------------------------------------------

    def take(self, model, n=1):
        """The first of `n` fresh ids for `model` (the writer resets the sequences past them)."""
        return self.writer.ids(model, n).start

    def next_number(self, authority_id, kind, year):
        key = (authority_id, kind, year)
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def save_counters(self):
        existing = {(r.authority_id, r.kind, r.year): r for r in DocumentSequence.objects.all()}
        new = []
        for (authority_id, kind, year), last in self.counters.items():
            row = existing.get((authority_id, kind, year))
            if row is None:
                new.append(DocumentSequence(authority_id=authority_id, kind=kind, year=year, last=last))
            elif row.last != last:
                row.last = last
                row.save(update_fields=["last"])
        DocumentSequence.objects.bulk_create(new)

    def localdate(self, moment):
        return (moment + self.utc_offset).date()

    def add_working_days(self, day, days):
        key = (day, days)
        if key not in self._working_days:
            self._working_days[key] = working_days.add_working_days(day, days)
        return self._working_days[key]

    def timeline(self, snap):
        """(created_at, [event times], review date or None) for a clone of `snap`."""
        rng = self.rng
        if not snap.events:
            created = self.now - datetime.timedelta(days=rng.uniform(0.05, DRAFT_DAYS))
            return created, [], None
        offsets, t, review = [], 0.0, None
        for event in snap.events:
            if event["transition"] == "submit_review_report":
                review = t + rng.uniform(*REVIEW_AFTER_AGREEMENT)
                t = review + rng.uniform(*REPORT_AFTER_REVIEW)
            else:
                t += rng.uniform(*GAPS[event["transition"]])
            offsets.append(t)
        if snap.state == ApplicationState.REVIEW_SCHEDULED:
            review = t + rng.uniform(*REVIEW_AFTER_AGREEMENT)
        window = RECENT_DAYS if snap.state in IN_FLIGHT else HISTORY_DAYS
        end = self.now - datetime.timedelta(days=rng.uniform(0.02, window))
        created = end - datetime.timedelta(days=t)
        times = [created + datetime.timedelta(days=o) for o in offsets]
        review_date = self.localdate(created + datetime.timedelta(days=review)) if review is not None else None
        return created, times, review_date

    def data_patch(self, applicant):
        patch = self._data_patches.get(applicant.org_id)
        if patch is None:
            sources = {
                "organisation.name": applicant.name,
                "organisation.credit_code": applicant.credit_code,
                "organisation.region": applicant.region_id,
                "organisation.address": applicant.address,
                "organisation.contact_name": applicant.contact_name,
                "organisation.contact_mobile": applicant.contact_mobile,
                "organisation.contact_phone": applicant.contact_phone,
                "user.real_name": applicant.contact_name,
                "user.mobile": applicant.contact_mobile,
            }
            patch = {}
            for key, source, field_type, block_value in self.prefill:
                if sources.get(source):
                    cache_key = (key, sources[source])
                    if cache_key not in self._prefilled:
                        self._prefilled[cache_key] = field_type.prefill_value(block_value, sources[source])
                    patch[key] = self._prefilled[cache_key]
            self._data_patches[applicant.org_id] = patch
        return patch

    # --- one clone ----------------------------------------------------------------------

    def clone(self, snap, applicant, authority, review_body, levels):
        """A copy of `snap` for `applicant`, decided by `authority` (a Party) with `review_body`
        (a Party, used from acceptance on) for `levels` (LevelInfo list); returns a Made."""
        b = self.buffers
        rng = self.rng
        app_id = self.take(Application)
        app_uuid = new_uuid()
        state = snap.state
        created, times, review_date = self.timeline(snap)
        by_transition = {}
        for event, when in zip(snap.events, times, strict=True):
            by_transition[event["transition"]] = when
        submitted_at = by_transition.get("submit")
        accepted_at = by_transition.get("accept")
        decided_at = by_transition.get("approve") or by_transition.get("deny") or by_transition.get("refuse_acceptance")
        updated_at = times[-1] if times else created + datetime.timedelta(hours=rng.uniform(0.1, 48))
        updated_at = min(updated_at, self.now)
        reference = f"TSXK{self.localdate(submitted_at):%Y%m%d}{app_id:06d}" if submitted_at else None
        uses_review_body = accepted_at is not None
        roles_user = {APPLICANT: applicant.user_id, AUTHORITY: authority.user_id}
        roles_org = {APPLICANT: applicant.org_id, AUTHORITY: authority.org_id}
        roles_group = {APPLICANT: applicant.group_id, AUTHORITY: authority.group_id}
        if uses_review_body:
            roles_user[REVIEW_BODY] = review_body.user_id
            roles_org[REVIEW_BODY] = review_body.org_id
            roles_group[REVIEW_BODY] = review_body.group_id

        # attachments, and the data that refers to them
        data = dict(snap.app["data"])
        data.update(self.data_patch(applicant))
        new_refs = {}
        attachment_start = self.take(ApplicationAttachment, len(snap.attachments))
        first_attachment = None
        for i, row in enumerate(snap.attachments):
            attachment_uuid = new_uuid()
            new_refs[str(row["uuid"])] = attachment_uuid
            first_attachment = first_attachment or (attachment_uuid, row["original_name"])
            b[ApplicationAttachment].append(
                (
                    attachment_start + i, attachment_uuid, app_id, row["field_key"], row["file"], row["original_name"],
                    row["content_type"], row["size"], applicant.user_id,
                    created + datetime.timedelta(minutes=rng.uniform(5, 600)),
                )
            )  # fmt: skip
        for key in snap.file_keys:
            data[key] = [{**ref, "id": new_refs[ref["id"]]} for ref in data[key]]
        if "legal_representative" in data:
            data["legal_representative"] = applicant.contact_name

        # the clock workflows.deadlines would have started on the last transition
        clock, clock_started_on, due_on = "", None, None
        running = deadlines.CLOCK_FOR_STATE.get(state)
        if running is not None and times:
            clock = running.value
            # Started by the last step that changed the state (a date proposal does not).
            clock_started_on = self.localdate(
                next(
                    when
                    for event, when in zip(reversed(snap.events), reversed(times), strict=True)
                    if event["from_state"] != event["to_state"]
                )
            )
            if running == Clock.REVIEW:
                due_on = deadlines.years_after(self.localdate(accepted_at), 1)
            else:
                field_name = {
                    Clock.ACCEPTANCE: "acceptance_days",
                    Clock.SCHEDULING: "scheduling_days",
                    Clock.DECISION: "decision_days",
                }[running]
                limit = min(getattr(level, field_name) for level in levels)
                due_on = self.add_working_days(clock_started_on, limit)

        b[Application].append(
            (
                app_id, app_uuid, reference, applicant.org_id, applicant.user_id, authority.org_id,
                snap.app["schema_version_id"], data, snap.app["current_page"], state, created, updated_at,
                submitted_at, accepted_at, decided_at, review_body.org_id if uses_review_body else None,
                review_date, clock, clock_started_on, due_on, ApplicationKind.NEW.value,
            )
        )  # fmt: skip

        item_start = self.take(ApplicationItem, len(levels))
        licence_items = []
        for i, level in enumerate(levels):
            b[ApplicationItem].append(
                (
                    item_start + i, app_id, level.item_id, level.level_id, level.category, level.item_name,
                    level.level_code, level.level_description, level.approval_level, i,
                )
            )  # fmt: skip
            licence_items.append(
                {
                    "category": level.category,
                    "item_name": level.item_name,
                    "level_code": level.level_code,
                    "level_description": level.level_description,
                }
            )

        # events
        event_start = self.take(ApplicationEvent, len(snap.events))
        for i, (event, when) in enumerate(zip(snap.events, times, strict=True)):
            comment = event["comment"]
            if event["transition"] == "agree_review_date" and review_date:
                comment = f"{review_date:%Y-%m-%d}"
            b[ApplicationEvent].append(
                (
                    event_start + i, app_id, event["transition"], event["from_state"], event["to_state"],
                    roles_user[event["actor_role"]], roles_org.get(event["org_role"]), comment, when,
                )
            )  # fmt: skip

        # the licence, then the documents that carry its number
        replacements = {
            "reference": reference or "",
            "applicant_name": applicant.name,
            "authority_name": authority.name,
            "review_body_name": review_body.name if uses_review_body else "",
        }
        licence_number = None
        if snap.license is not None:
            issued_on = self.localdate(decided_at)
            valid_until = deadlines.years_after(issued_on, LICENSE_VALIDITY_YEARS) - datetime.timedelta(days=1)
            value = self.next_number(authority.org_id, DocumentKind.LICENSE, issued_on.year)
            licence_number = f"TS{levels[0].licence_digit}{authority.region2}{issued_on:%y}{value:04d}-{valid_until:%Y}"
            holder_address = applicant.address
            code = verification.compute_code(
                number=licence_number,
                holder_name=applicant.name,
                holder_credit_code=applicant.credit_code,
                holder_address=holder_address,
                items=licence_items,
                issued_on=issued_on,
                valid_until=valid_until,
                authority=authority.name,
            )
            b[License].append(
                (
                    self.take(License), licence_number, app_id, applicant.org_id, authority.org_id, licence_items,
                    issued_on, valid_until, applicant.name, applicant.credit_code, holder_address, code,
                )
            )  # fmt: skip
            replacements["licence_number"] = licence_number
            replacements["valid_until"] = f"{valid_until:%Y-%m-%d}"

        made_documents = {}
        document_start = self.take(Document, len(snap.documents))
        for i, document in enumerate(snap.documents):
            index = document["event_index"]
            issued_at = times[index] if index is not None else updated_at
            kind = document["kind"]
            if kind == DocumentKind.LICENSE:
                number = licence_number
            elif kind in DOCUMENT_WORDS:
                year = self.localdate(issued_at).year
                value = self.next_number(authority.org_id, kind, year)
                number = f"（{authority.abbreviation}）{DOCUMENT_WORDS[kind]}〔{year}〕{value}号"
            else:
                number = document["number"]
            doc_uuid = new_uuid()
            made_documents.setdefault(kind, doc_uuid)
            b[Document].append(
                (
                    document_start + i, doc_uuid, app_id, kind, number, document["file"], document["sha256"],
                    roles_user[document["issued_by_role"]], issued_at,
                    event_start + index if index is not None else None,
                )
            )  # fmt: skip

        if snap.notice is not None:
            notice_id = self.take(CorrectionNotice)
            when = by_transition["request_correction"]
            b[CorrectionNotice].append(
                (notice_id, app_id, snap.notice["comment"], authority.user_id, when, data, None, [])
            )
            item_start = self.take(CorrectionItem, len(snap.notice_items))
            for i, item in enumerate(snap.notice_items):
                b[CorrectionItem].append(
                    (
                        item_start + i, notice_id, item["target"], item["key"], item["label"], item["page_number"],
                        item["comment"], item["sort_order"],
                    )
                )  # fmt: skip

        for proposal in snap.proposals:
            when = by_transition["propose_review_dates"]
            if proposal["status"] == ProposalStatus.OPEN:
                # Still to be answered: dates ahead, as a review body offers them.
                first = self.add_working_days(self.today, rng.randint(3, 12))
                dates = [first, self.add_working_days(first, 1)]
                agreed = None
            else:
                dates = [review_date, self.add_working_days(review_date, 1)]
                agreed = review_date
            for i, day in enumerate(dates):
                replacements[f"proposal_date_{i}"] = f"{day:%Y-%m-%d}"
            b[ReviewAppointment].append(
                (
                    self.take(ReviewAppointment), app_id, proposal["side"], roles_user[proposal["proposed_by_role"]],
                    [day.isoformat() for day in dates], proposal["comment"], proposal["status"], agreed,
                    roles_user[proposal["answered_by_role"]] if proposal["answered_by_role"] else None, when,
                )
            )  # fmt: skip

        if snap.report is not None:
            report_id = self.take(ReviewReport)
            report = snap.report
            b[ReviewReport].append(
                (
                    report_id, app_id, review_body.org_id, review_date, review_date + datetime.timedelta(days=1),
                    report["conclusion"], report["summary"], review_body.user_id, by_transition["submit_review_report"],
                )
            )  # fmt: skip
            file_start = self.take(ReviewFile, len(snap.report_files))
            for i, row in enumerate(snap.report_files):
                b[ReviewFile].append(
                    (
                        file_start + i, new_uuid(), report_id, row["kind"], row["file"], row["original_name"],
                        row["content_type"], row["size"],
                    )
                )  # fmt: skip

        # notifications: the template's texts with this clone's names, numbers and dates
        note_start = self.take(Notification, len(snap.notifications))
        read_before = self.now - datetime.timedelta(days=14)
        swaps = [(old, replacements.get(new)) for old, new in snap.replacements.items()]
        for i, note in enumerate(snap.notifications):
            message = note["message"]
            for old, new in swaps:
                if new is not None and old in message:
                    message = message.replace(old, new)
            index = note["event_index"]
            when = (times[index] if index is not None else updated_at) + datetime.timedelta(seconds=1)
            role = note["recipient_role"]
            url = (
                self.applicant_url.replace(str(uuid.UUID(int=0)), app_uuid)
                if role == APPLICANT
                else self.staff_url.replace("/0/", f"/{app_id}/")
            )
            b[Notification].append(
                (
                    note_start + i, roles_user[role], app_id, message[:500], url, when,
                    when + datetime.timedelta(hours=rng.uniform(1, 72)) if when < read_before else None,
                )
            )  # fmt: skip

        perm_start = self.take(ApplicationGroupObjectPermission, len(snap.perms))
        for i, (permission_id, role) in enumerate(snap.perms):
            b[ApplicationGroupObjectPermission].append((perm_start + i, permission_id, roles_group[role], app_id))

        # staff downloads of the application's files (workflows.models.AccessLog)
        if submitted_at is not None and first_attachment is not None:
            self.access_logs_due += self.access_log_rate
            while self.access_logs_due >= 1:
                self.access_logs_due -= 1
                reviewer = uses_review_body and rng.random() < 0.3
                user_id, org_id = (
                    (review_body.user_id, review_body.org_id) if reviewer else (authority.user_id, authority.org_id)
                )
                start = accepted_at if reviewer else submitted_at
                when = min(start + datetime.timedelta(hours=rng.uniform(0.2, 72)), self.now)
                b[AccessLog].append(
                    (
                        self.take(AccessLog), app_id, reference, AccessKind.ATTACHMENT, first_attachment[0],
                        first_attachment[1], user_id, org_id, f"10.{rng.randint(0, 255)}.{rng.randint(1, 254)}.1",
                        False, when,
                    )
                )  # fmt: skip

        return Made(app_id, app_uuid, state, made_documents)

    def flush(self):
        """Hand the buffered rows to the writer (a batch, one transaction) and start new buffers."""
        batch = {model: (COLUMNS[model], rows) for model, rows in self.buffers.items() if rows}
        self.buffers = {model: [] for model in COLUMNS}
        if batch:
            self.writer.write_batch(batch)
