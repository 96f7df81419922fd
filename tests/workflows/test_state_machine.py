"""The whole state machine as one matrix: every state × every action × every role.

For each application state of docs/domain.md (plus the variants that decide a condition: an open
proposal by either side, a correction already issued, feedback already given, a draft withdrawn
before submission), each action of `Action` and each role of `Parties.by_role()`, the action's
service function is called with valid arguments. It must succeed exactly where EXPECTED (written
by hand from docs/domain.md, not derived from the code) says so; a refusal must leave nothing behind
(state, audit records, documents, notifications, guardian grants, licences, and nothing queued
for after the commit). `available_actions` must offer exactly the allowed actions.

Speed: the catalogue, the parties and one application per variant are built once for the module,
inside a transaction that is rolled back when the module is done; each test runs in its own
savepoint (pytest-django's per-test atomic), so an action taken by one test is gone for the next.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from forms_config.models import FormSchemaVersion
from tests.support.builders import field, make_catalogue, make_form_schema, page
from tests.support.workflow_builders import application_in, correction_items, future, make_parties, report_file
from workflows import actions, deadline_sweep, services
from workflows.actions import ActionRefused
from workflows.models import (
    Action,
    Application,
    ApplicationEvent,
    ApplicationGroupObjectPermission,
    ApplicationState,
    CorrectionNotice,
    Document,
    License,
    Notification,
    RectificationRequest,
    ReviewAppointment,
    ReviewConclusion,
    ReviewFeedback,
    ReviewReport,
)
from workflows.models.events import AUDIT_ONLY

S = ApplicationState
A = Action
# The actions of the state machine: 视为受理 (AUDIT_ONLY) is recorded by the daily sweep, nobody takes it.
ACTIONS = [action for action in Action if action not in AUDIT_ONLY]

ROLES = [
    "applicant",
    "other_enterprise",
    "authority",
    "other_authority",
    "samr",
    "review_body",
    "other_review_body",
    "editor",
]

# variant -> the state the application is in
VARIANTS = {
    "draft": S.DRAFT,
    "submitted": S.SUBMITTED,
    "correction_requested": S.CORRECTION_REQUESTED,
    "resubmitted_after_correction": S.SUBMITTED,
    "deemed_accepted": S.SUBMITTED,  # the 受理 limit ran out with no 补正告知 (视为受理)
    "accepted": S.ACCEPTED,  # no proposal open
    "accepted_review_body_proposed": S.ACCEPTED,
    "accepted_applicant_proposed": S.ACCEPTED,
    "not_accepted": S.NOT_ACCEPTED,
    "review_scheduled": S.REVIEW_SCHEDULED,
    "review_scheduled_change_proposed": S.REVIEW_SCHEDULED,  # the review body proposes another date
    "review_scheduled_date_arrived": S.REVIEW_SCHEDULED,  # the agreed day has come
    "rectification_requested": S.REVIEW_SCHEDULED,  # 需要整改: awaiting the applicant's report
    "rectification_reported": S.REVIEW_SCHEDULED,  # the 整改报告 is in, not yet confirmed
    "rectification_confirmed": S.REVIEW_SCHEDULED,  # 整改确认 done
    "reviewed": S.REVIEWED,
    "reviewed_feedback_given": S.REVIEWED,
    "approved": S.APPROVED,
    "denied": S.DENIED,
    "withdrawn": S.WITHDRAWN,  # withdrawn after submission
    "withdrawn_draft": S.WITHDRAWN,  # withdrawn before the authority ever saw it
}

# Written from docs/domain.md: (variant) -> {action: roles that may take it}. Anything not listed is
# refused for everybody.
EXPECTED = {
    "draft": {A.SUBMIT: {"applicant"}, A.WITHDRAW: {"applicant"}},
    "submitted": {
        A.WITHDRAW: {"applicant"},
        A.REQUEST_CORRECTION: {"authority"},
        A.ACCEPT: {"authority"},
        A.REFUSE_ACCEPTANCE: {"authority"},
    },
    "correction_requested": {A.WITHDRAW: {"applicant"}, A.RESUBMIT: {"applicant"}},
    # 补正告知书 is one-time: after the resubmission only accept / refuse (or withdraw) remain.
    "resubmitted_after_correction": {
        A.WITHDRAW: {"applicant"},
        A.ACCEPT: {"authority"},
        A.REFUSE_ACCEPTANCE: {"authority"},
    },
    # 视为受理 (Administrative Licensing Law art. 32): no more 补正 or 不予受理; 受理 names the review body.
    "deemed_accepted": {A.WITHDRAW: {"applicant"}, A.ACCEPT: {"authority"}},
    # Either the applicant or the entrusted review body proposes dates; nothing to agree to yet.
    "accepted": {A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"}},
    # The party that did NOT make the open proposal confirms it; either may counter-propose.
    "accepted_review_body_proposed": {
        A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"},
        A.AGREE_REVIEW_DATE: {"applicant"},
    },
    "accepted_applicant_proposed": {
        A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"},
        A.AGREE_REVIEW_DATE: {"review_body"},
    },
    "not_accepted": {},
    # Before the agreed day either side may propose to change it (with a reason); the other confirms.
    "review_scheduled": {
        A.SUBMIT_REVIEW_REPORT: {"review_body"},
        A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"},
        A.REQUEST_RECTIFICATION: {"review_body"},
    },
    "review_scheduled_change_proposed": {
        A.SUBMIT_REVIEW_REPORT: {"review_body"},
        A.REQUEST_RECTIFICATION: {"review_body"},
        A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"},
        A.AGREE_REVIEW_DATE: {"applicant"},
    },
    # From the agreed day on the date can no longer be changed.
    "review_scheduled_date_arrived": {
        A.SUBMIT_REVIEW_REPORT: {"review_body"},
        A.REQUEST_RECTIFICATION: {"review_body"},
    },
    # 整改 (§3.4.2): one request at a time; the applicant reports, the review body confirms, and only
    # then may the review report follow (or another request).
    "rectification_requested": {
        A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"},
        A.SUBMIT_RECTIFICATION_REPORT: {"applicant"},
    },
    "rectification_reported": {
        A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"},
        A.CONFIRM_RECTIFICATION: {"review_body"},
    },
    "rectification_confirmed": {
        A.PROPOSE_REVIEW_DATES: {"applicant", "review_body"},
        A.REQUEST_RECTIFICATION: {"review_body"},
        A.SUBMIT_REVIEW_REPORT: {"review_body"},
    },
    "reviewed": {A.APPROVE: {"authority"}, A.DENY: {"authority"}, A.SUBMIT_FEEDBACK: {"applicant"}},
    "reviewed_feedback_given": {A.APPROVE: {"authority"}, A.DENY: {"authority"}},
    "approved": {A.SUBMIT_FEEDBACK: {"applicant"}},
    "denied": {A.SUBMIT_FEEDBACK: {"applicant"}},
    "withdrawn": {},
    "withdrawn_draft": {},
}

# Where each action leads (None: the state does not change).
TARGET = {
    A.SUBMIT: S.SUBMITTED,
    A.WITHDRAW: S.WITHDRAWN,
    A.REQUEST_CORRECTION: S.CORRECTION_REQUESTED,
    A.RESUBMIT: S.SUBMITTED,
    A.ACCEPT: S.ACCEPTED,
    A.REFUSE_ACCEPTANCE: S.NOT_ACCEPTED,
    A.PROPOSE_REVIEW_DATES: None,
    A.AGREE_REVIEW_DATE: S.REVIEW_SCHEDULED,
    A.REQUEST_RECTIFICATION: None,
    A.SUBMIT_RECTIFICATION_REPORT: None,
    A.CONFIRM_RECTIFICATION: None,
    A.SUBMIT_REVIEW_REPORT: S.REVIEWED,
    A.SUBMIT_FEEDBACK: None,
    A.APPROVE: S.APPROVED,
    A.DENY: S.DENIED,
}

APPLICANT_ACTIONS = {
    A.SUBMIT,
    A.WITHDRAW,
    A.RESUBMIT,
    A.SUBMIT_FEEDBACK,
    A.PROPOSE_REVIEW_DATES,
    A.AGREE_REVIEW_DATE,
    A.SUBMIT_RECTIFICATION_REPORT,
}
AUTHORITY_ACTIONS = {A.REQUEST_CORRECTION, A.ACCEPT, A.REFUSE_ACCEPTANCE, A.APPROVE, A.DENY}
REVIEW_BODY_ACTIONS = {
    A.PROPOSE_REVIEW_DATES,
    A.AGREE_REVIEW_DATE,
    A.REQUEST_RECTIFICATION,
    A.CONFIRM_RECTIFICATION,
    A.SUBMIT_REVIEW_REPORT,
}


def plays_a_part(variant, role, action):
    """Whether the role's organisation takes part in `action` on this application at all (then a
    refusal is ActionRefused, a message; otherwise PermissionDenied, a 404): the applicant from
    the draft on; the authority from submission until a withdrawal; the review body from
    acceptance until the decision (docs/domain.md, workflows/permissions.py)."""
    state = VARIANTS[variant]
    if role == "applicant":
        return action in APPLICANT_ACTIONS
    if role == "authority":
        return action in AUTHORITY_ACTIONS and state not in (S.DRAFT, S.WITHDRAWN)
    if role == "review_body":
        return action in REVIEW_BODY_ACTIONS and state in (S.ACCEPTED, S.REVIEW_SCHEDULED, S.REVIEWED)
    return False


# --- building the module's applications once ------------------------------------------------


def feedback_version():
    schema = make_form_schema(
        title="评审反馈表",
        pages=[page("评审反馈", "feedback", [field("multiline", "对评审工作的意见", "yi_jian")])],
    )
    return FormSchemaVersion.objects.freeze(schema)


def build(variant, parties, feedback):
    p = parties
    if variant == "resubmitted_after_correction":
        application = application_in(S.CORRECTION_REQUESTED, p)
        actions.resubmit(application, p.applicant, [])
    elif variant == "accepted_review_body_proposed":
        application = application_in(S.ACCEPTED, p)
        actions.propose_review_dates(application, p.review_body, [future(20), future(21)], "评审机构提议")
    elif variant == "accepted_applicant_proposed":
        application = application_in(S.ACCEPTED, p)
        actions.propose_review_dates(application, p.applicant, [future(25)], "申请单位提议")
    elif variant == "deemed_accepted":
        application = application_in(S.SUBMITTED, p)
        Application.objects.filter(pk=application.pk).update(due_on=future(-1))
        deadline_sweep.deem_acceptances()
    elif variant == "review_scheduled_change_proposed":
        application = application_in(S.REVIEW_SCHEDULED, p)
        actions.propose_review_dates(application, p.review_body, [future(24)], "评审组人员调整")
    elif variant == "review_scheduled_date_arrived":
        application = application_in(S.REVIEW_SCHEDULED, p)
        Application.objects.filter(pk=application.pk).update(review_date=future(0))
    elif variant.startswith("rectification_"):
        application = application_in(S.REVIEW_SCHEDULED, p)
        actions.request_rectification(application, p.review_body, ["压力试验记录不完整"], future(60))
        if variant != "rectification_requested":
            actions.submit_rectification_report(application, p.applicant, report_file("整改报告.pdf"))
        if variant == "rectification_confirmed":
            actions.confirm_rectification(application, p.review_body, "整改完成")
    elif variant == "reviewed_feedback_given":
        application = application_in(S.REVIEWED, p)
        actions.submit_feedback(application, p.applicant, feedback, {"yi_jian": "满意"})
    elif variant == "withdrawn_draft":
        application = application_in(S.DRAFT, p)
        actions.withdraw(application, p.applicant, "不再申请")
    else:
        application = application_in(VARIANTS[variant], p)
    application = Application.objects.get(pk=application.pk)
    assert application.state == VARIANTS[variant], variant
    return application.pk


class World:
    def __init__(self):
        self.catalogue = make_catalogue()
        self.parties = make_parties(self.catalogue)
        self.feedback = feedback_version()
        self.applications = {variant: build(variant, self.parties, self.feedback) for variant in VARIANTS}

    def application(self, variant):
        return Application.objects.get(pk=self.applications[variant])

    def user(self, role):
        # A fresh instance: nothing cached on the user object from another test.
        return get_user_model().objects.get(pk=self.parties.by_role()[role].pk)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield World()
            transaction.set_rollback(True)


# --- calling each action with valid arguments ---------------------------------------------


def _agree(application, user, world):
    proposal = application.open_proposal()
    day = datetime.date.fromisoformat(proposal.dates[0]) if proposal else future(20)
    return actions.agree_review_date(application, user, day)


CALLS = {
    A.SUBMIT: lambda app, user, w: services.submit_application(app, user),
    A.WITHDRAW: lambda app, user, w: actions.withdraw(app, user, "不再申请"),
    A.REQUEST_CORRECTION: lambda app, user, w: actions.request_correction(app, user, correction_items(), "请补正"),
    A.RESUBMIT: lambda app, user, w: actions.resubmit(app, user, []),
    A.ACCEPT: lambda app, user, w: actions.accept(app, user, w.parties.review_body_org, "材料齐全"),
    A.REFUSE_ACCEPTANCE: lambda app, user, w: actions.refuse_acceptance(app, user, "不属于本机关职权范围"),
    A.PROPOSE_REVIEW_DATES: lambda app, user, w: actions.propose_review_dates(app, user, [future(30)], "提议"),
    A.AGREE_REVIEW_DATE: _agree,
    A.REQUEST_RECTIFICATION: lambda app, user, w: actions.request_rectification(
        app, user, ["焊接工艺评定不全"], future(90), "请整改"
    ),
    A.SUBMIT_RECTIFICATION_REPORT: lambda app, user, w: actions.submit_rectification_report(
        app, user, report_file("整改报告.pdf")
    ),
    A.CONFIRM_RECTIFICATION: lambda app, user, w: actions.confirm_rectification(app, user, "整改完成"),
    A.SUBMIT_REVIEW_REPORT: lambda app, user, w: actions.submit_review_report(
        app,
        user,
        reviewed_from=future(20),
        reviewed_to=future(21),
        conclusion=ReviewConclusion.QUALIFIED,
        summary="符合条件",
        report_file=report_file(),
        materials=[],
    ),
    A.SUBMIT_FEEDBACK: lambda app, user, w: actions.submit_feedback(app, user, w.feedback, {"yi_jian": "满意"}),
    A.APPROVE: lambda app, user, w: actions.approve(app, user, "准予许可"),
    A.DENY: lambda app, user, w: actions.deny(app, user, "评审结论不符合条件"),
}


COUNTED = {
    "events": ApplicationEvent,
    "documents": Document,
    "notifications": Notification,
    "grants": ApplicationGroupObjectPermission,
    "licences": License,
    "corrections": CorrectionNotice,
    "proposals": ReviewAppointment,
    "reports": ReviewReport,
    "feedback": ReviewFeedback,
    "rectifications": RectificationRequest,
}


def snapshot(application_pk):
    """The application's state and the number of rows of everything an action may write, in one
    query (the matrix takes this twice per cell)."""
    # S608: table names from the models' metadata, the id as a parameter.
    counts = ", ".join(f"(SELECT COUNT(*) FROM {model._meta.db_table})" for model in COUNTED.values())  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT state, {counts} FROM {Application._meta.db_table} WHERE id = %s",  # noqa: S608
            [application_pk],
        )
        row = cursor.fetchone()
    return {"state": row[0], **dict(zip(COUNTED, row[1:], strict=True))}


def allowed(variant, role):
    return {action for action, roles in EXPECTED[variant].items() if role in roles}


def test_the_tables_cover_every_state_and_action():
    assert set(VARIANTS.values()) == set(ApplicationState)
    assert set(CALLS) == set(ACTIONS) == set(TARGET)
    assert set(EXPECTED) == set(VARIANTS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS, ids=[a.value for a in ACTIONS])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_action_succeeds_exactly_where_allowed(world, variant, action, role, django_capture_on_commit_callbacks):
    application = world.application(variant)
    user = world.user(role)
    before = snapshot(application.pk)

    if action in allowed(variant, role):
        CALLS[action](application, user, world)
        after = snapshot(application.pk)
        assert after["state"] == (TARGET[action] or VARIANTS[variant])
        assert after["events"] == before["events"] + 1
        event = ApplicationEvent.objects.latest("pk")
        assert (event.application_id, event.transition, event.actor_id) == (application.pk, action, user.pk)
        assert (event.from_state, event.to_state) == (VARIANTS[variant], after["state"])
        return

    expected_error = ActionRefused if plays_a_part(variant, role, action) else PermissionDenied
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(expected_error):
            CALLS[action](application, user, world)
    assert snapshot(application.pk) == before
    assert callbacks == []  # no e-mail or SMS queued either


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_available_actions_are_exactly_the_allowed_ones(world, variant, role):
    application = world.application(variant)
    assert set(actions.available_actions(application, world.user(role))) == allowed(variant, role)


@pytest.mark.django_db
def test_a_second_correction_after_resubmission_is_refused(world):
    p = world.parties
    application = world.application("submitted")
    actions.request_correction(application, p.authority, correction_items(), "第一次补正")
    actions.resubmit(application, p.applicant, [])
    assert Application.objects.get(pk=application.pk).state == S.SUBMITTED
    before = snapshot(application.pk)

    with pytest.raises(ActionRefused) as refused:
        actions.request_correction(application, world.user("authority"), correction_items(), "第二次补正")

    assert refused.value.code == "state"
    assert snapshot(application.pk) == before
    assert CorrectionNotice.objects.filter(application=application).count() == 1
    # Accepting is still possible.
    actions.accept(application, world.user("authority"), p.review_body_org)
    assert Application.objects.get(pk=application.pk).state == S.ACCEPTED


@pytest.mark.django_db
def test_after_a_counter_proposal_the_other_side_must_agree(world):
    """An answer with a proposal of its own supersedes the open one and turns the roles around."""
    application = world.application("accepted_review_body_proposed")
    actions.propose_review_dates(application, world.user("applicant"), [future(40)], "另行提议")

    assert set(actions.available_actions(application, world.user("applicant"))) == {A.PROPOSE_REVIEW_DATES}
    assert A.AGREE_REVIEW_DATE in actions.available_actions(application, world.user("review_body"))
    with pytest.raises(ActionRefused):
        actions.agree_review_date(application, world.user("applicant"), future(40))
    actions.agree_review_date(application, world.user("review_body"), future(40))
    application = Application.objects.get(pk=application.pk)
    assert (application.state, application.review_date) == (S.REVIEW_SCHEDULED, future(40))
