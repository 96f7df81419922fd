"""What the applicant sees of an application's progress: the next thing to do, the stages of the
process, the running time limit and the record of every step (guide 1.6, the process in docs/domain.md).

Everything here reads prefetched relations where the list view provides them (see
`applicant_list_queryset`), so the list costs the same number of queries for 3 or 300 rows.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from cms.models import GuidePage

from . import action_registry, actions, deadlines, working_days
from .models import (
    Action,
    Application,
    ApplicationEvent,
    ApplicationItem,
    ApplicationState,
    Document,
    DocumentKind,
    ProposalSide,
    ReviewAppointment,
)

S = ApplicationState


LISTED_DOCUMENTS = (DocumentKind.LICENSE, DocumentKind.ACCEPTANCE_DECISION)


def applicant_list_queryset(queryset):
    """The relations `next_action` and the list template read, fetched once for all rows."""
    return queryset.select_related(
        "authority", "review_report", "review_feedback", "previous_license"
    ).prefetch_related(
        Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")),
        Prefetch("review_proposals", queryset=ReviewAppointment.objects.order_by("created_at", "pk")),
        # The licence and the 受理决定书 the rows link to, in one query for all rows.
        Prefetch(
            "documents",
            queryset=Document.objects.filter(kind__in=LISTED_DOCUMENTS).order_by("issued_at", "pk"),
            to_attr="listed_documents",
        ),
    )


def feedback_possible(application):
    """评审反馈表 may be filled: the transition's own source states and conditions (report in, no
    feedback yet), read from the select_related rows without a query."""
    return can_proceed(application.submit_feedback)


# Where the applicant acts on review dates: before agreement, and after it on a proposed change.
REVIEW_DATE_STATES = (S.ACCEPTED, S.REVIEW_SCHEDULED)


def review_body_proposal_open(application):
    proposal = application.open_proposal()
    return proposal is not None and proposal.side == ProposalSide.REVIEW_BODY


def latest_document(application, kind):
    """The newest document of `kind`, from the list's prefetch when there is one."""
    documents = getattr(application, "listed_documents", None)
    if documents is None or kind not in LISTED_DOCUMENTS:
        documents = application.documents.filter(kind=kind).order_by("issued_at", "pk")
    documents = [document for document in documents if document.kind == kind]
    return documents[-1] if documents else None


def license_document(application):
    return latest_document(application, DocumentKind.LICENSE)


@dataclass(frozen=True)
class NextAction:
    key: str
    label: str
    url: str
    primary: bool = True  # something the applicant has to do, as opposed to just looking


def next_action(application):
    """The one thing the applicant's list offers for a row, by the state and what is pending.

    Decided from the state and prefetched rows rather than from `actions.available_actions`,
    which asks guardian once per transition and row; the action views check properly."""
    uuid = application.uuid
    if application.state == S.DRAFT:
        return NextAction(
            "continue", _("继续填写"), reverse("applications:page", args=[uuid, application.current_page])
        )
    if application.state == S.CORRECTION_REQUESTED:
        return NextAction("correct", _("补齐补正"), reverse("applications:correction", args=[uuid]))
    if application.state in REVIEW_DATE_STATES and review_body_proposal_open(application):
        # The guide's name for the button, whether the applicant confirms or proposes other dates.
        return NextAction("review_date", _("协商鉴定评审时间"), reverse("applications:review_date", args=[uuid]))
    if feedback_possible(application):
        return NextAction("feedback", _("填写评审反馈表"), reverse("applications:feedback", args=[uuid]))
    if application.state == S.APPROVED:
        document = license_document(application)
        if document is not None:
            return NextAction(
                "license", _("下载许可证"), reverse("applications:document", args=[document.uuid]) + "?download=1"
            )
    return NextAction("view", _("查看"), reverse("applications:detail", args=[uuid]), primary=False)


def list_row(application, today):
    """One row of 许可申请管理: the next action, the overdue flag, the 受理决定书 once issued and, for
    an approved application still owing its feedback, the licence offered beside it."""
    action = next_action(application)
    show_license = application.state == S.APPROVED and action.key != "license"
    return {
        "application": application,
        "next": action,
        "overdue": deadlines.is_overdue(application, today),
        "license": license_document(application) if show_license else None,
        "acceptance_decision": latest_document(application, DocumentKind.ACCEPTANCE_DECISION),
    }


def applicant_actions(application, user):
    """Links to the pages of the actions `user` may take now (asks the state machine itself); each
    transition names its page and link (workflows.action_registry). Several share one page: it is
    linked once, labelled after the first of them available."""
    available = set(actions.available_actions(application, user))
    links, seen = [], set()
    for facts in action_registry.applicant_links():
        if facts.action in available and facts.page not in seen:
            seen.add(facts.page)
            url = reverse(f"applications:{facts.page}", args=[application.uuid])
            links.append({"action": facts.action.value, "label": facts.link, "url": url, "primary": facts.primary})
    return links


# --- the stages of the process -----------------------------------------------------------------


@dataclass(frozen=True)
class StageSpec:
    key: str
    label: str
    states: tuple


# docs/domain.md: 申请 → 受理 (补正) → 协商鉴定评审时间 → 鉴定评审 → 审查与发证 (TSG 07-2019 §3.1).
STAGES = (
    StageSpec("apply", _("申请"), (S.DRAFT,)),
    StageSpec("accept", _("受理"), (S.SUBMITTED, S.CORRECTION_REQUESTED, S.NOT_ACCEPTED)),
    StageSpec("schedule", _("协商鉴定评审时间"), (S.ACCEPTED,)),
    StageSpec("review", _("鉴定评审"), (S.REVIEW_SCHEDULED,)),
    StageSpec("decide", _("审查与发证"), (S.REVIEWED, S.APPROVED, S.DENIED)),
)

# The end states: the stage they end in is "current" and says how it ended.
OUTCOMES = {S.NOT_ACCEPTED: "failed", S.DENIED: "failed", S.WITHDRAWN: "stopped", S.APPROVED: "done"}


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    status: str  # done | current | todo
    note: str = ""
    outcome: str = ""  # for the current stage of an ended application: done | failed | stopped


def stages(application, events=None):
    """The stages with the current one marked; `events` (the timeline) tells where a withdrawn
    application stopped."""
    state = application.state
    if state == S.WITHDRAWN:
        withdrawal = next((e for e in reversed(events or []) if e.transition == Action.WITHDRAW), None)
        where = withdrawal.from_state if withdrawal else S.SUBMITTED
    else:
        where = state
    current = next((index for index, spec in enumerate(STAGES) if where in spec.states), 0)
    result = []
    for index, spec in enumerate(STAGES):
        if index < current:
            result.append(Stage(spec.key, spec.label, "done"))
        elif index == current:
            result.append(
                Stage(spec.key, spec.label, "current", ApplicationState(state).label, OUTCOMES.get(state, ""))
            )
        else:
            result.append(Stage(spec.key, spec.label, "todo"))
    return result


# --- the running time limit ----------------------------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    label: str
    due_on: object
    days: int  # left, or overdue by when `overdue`
    overdue: bool
    working_days: bool
    estimated: bool
    estimate_notice: str


def countdown(application, today=None):
    """The statutory limit now running, for "受理期限：2026-12-03（剩余 3 个工作日）"; None when none runs."""
    deadline = deadlines.deadline_of(application, today)
    if deadline is None:
        return None
    return Countdown(
        label=deadline.label,
        due_on=deadline.due_on,
        days=abs(deadline.remaining),
        overdue=deadline.overdue,
        working_days=deadline.working_days,
        estimated=deadline.estimated,
        estimate_notice=working_days.ESTIMATE_NOTICE,
    )


# --- the record of every step ----------------------------------------------------------------------


def timeline(application):
    """Every event, oldest first, with its actor, their organisation then, and the documents it issued."""
    return list(
        ApplicationEvent.objects.filter(application=application)
        .select_related("actor", "actor_organisation")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.order_by("issued_at", "pk")))
        .order_by("created_at", "pk")
    )


def detail_queryset():
    return Application.objects.select_related(
        "schema_version", "authority", "applicant", "review_body", "license", "correction_notice", "previous_license"
    ).prefetch_related(
        Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")),
        Prefetch("review_proposals", queryset=ReviewAppointment.objects.order_by("created_at", "pk")),
    )


def guide_url(request):
    """The address of the 操作指南 (the topmost live guide page), or None when there is none."""
    guide = GuidePage.objects.live().public().order_by("path").first()
    return guide.get_url(request) if guide else None
