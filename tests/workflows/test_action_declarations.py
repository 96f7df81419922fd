"""Each action is declared once, by its `@transition` on Application, and has everything it needs.

Every value of `Action` must have exactly one transition (carrying its facts in `custom=`), exactly
one service function in workflows/actions.py that takes that transition, and its user interface:
exactly one staff ActionView in ACTION_VIEWS when a staff party takes part, and the applicant's
page, routed to a view, when the applicant does. An action added with a transition but no service
function or no view, a view left out of ACTION_VIEWS, or a view routed under the wrong page, fails
here. The derived lists (staff buttons, serious decisions, the applicant's links) are pinned to
what the screens show, so a change to a declaration cannot reorder them unnoticed.
"""

import ast
import inspect
import uuid

import pytest
from django.urls import resolve, reverse

from workflows import action_registry, actions, progress, urls
from workflows.models import Action, Application, ApplicationState
from workflows.models.events import AUDIT_ONLY
from workflows.staff_admin import ACTION_VIEWS, SERIOUS_ACTIONS, STAFF_ACTIONS, ActionView
from workflows.views import ApplicantActionView

A = Action
S = ApplicationState


# Values of `Action` that are not transitions (events recorded for the audit trail only), each with
# its reason beside it in workflows/models/events.py: 视为受理 is the law's doing, not anyone's action.
def test_audit_only_records():
    assert AUDIT_ONLY == {Action.DEEMED_ACCEPTANCE}


STATE_CHANGING = [action for action in Action if action not in AUDIT_ONLY]


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_action_has_exactly_one_transition():
    # One method per action (django-fsm keys the transitions by method name), its custom naming it.
    names = {t.name for t in Application._meta.get_field("state").get_all_transitions(Application)}
    assert names == {action.value for action in STATE_CHANGING}
    declared = action_registry.declarations()
    assert list(declared) == STATE_CHANGING
    for action, facts in declared.items():
        assert facts.action == action
        assert facts.parties, action


def test_every_action_has_exactly_one_service_function():
    """The functions of workflows/actions.py that take a transition (`_transition(…, Action.X, …)`)."""
    tree = ast.parse(inspect.getsource(actions))
    taking = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "_transition"
                and len(call.args) >= 3
                and isinstance(call.args[2], ast.Attribute)
                and isinstance(call.args[2].value, ast.Name)
                and call.args[2].value.id == "Action"
            ):
                taking.setdefault(Action[call.args[2].attr], []).append(node.name)
    assert taking == {action: [action.value] for action in STATE_CHANGING}
    for action in STATE_CHANGING:
        assert callable(getattr(actions, action.value))


def test_every_staff_action_has_exactly_one_view():
    staff = [action for action, facts in action_registry.declarations().items() if facts.for_staff]
    assert set(ACTION_VIEWS) == set(staff)
    for action, view_class in ACTION_VIEWS.items():
        assert view_class.action == action
    # A view written for an action but not listed would never get a URL or a button.
    written = [view for view in subclasses(ActionView) if view.action is not None]
    assert sorted(written, key=lambda view: view.__name__) == sorted(
        ACTION_VIEWS.values(), key=lambda view: view.__name__
    )


def test_every_applicant_action_has_its_page():
    for action, facts in action_registry.declarations().items():
        if not facts.for_applicant:
            assert facts.page is None and facts.link is None, action
            continue
        assert facts.page, f"{action}: an applicant's action needs custom 'page'"
        match = resolve(reverse(f"applications:{facts.page}", args=[uuid.uuid4()]))
        view_class = match.func.view_class
        if issubclass(view_class, ApplicantActionView):
            # The page's own action shares the page (one page may serve several, as 协商鉴定评审时间).
            assert action_registry.declaration(view_class.action).page == facts.page, action


def test_every_applicant_action_view_is_routed_as_its_page():
    routed = {
        pattern.name: pattern.callback.view_class
        for pattern in urls.urlpatterns
        if issubclass(getattr(pattern.callback, "view_class", object), ApplicantActionView)
    }
    assert set(routed.values()) == set(subclasses(ApplicantActionView))
    for name, view_class in routed.items():
        assert action_registry.declaration(view_class.action).page == name, view_class


def test_serious_actions():
    assert SERIOUS_ACTIONS == action_registry.serious_actions() == {A.REFUSE_ACCEPTANCE, A.DENY}


def test_staff_buttons_keep_their_order():
    assert STAFF_ACTIONS == [
        A.ACCEPT,
        A.REQUEST_CORRECTION,
        A.REFUSE_ACCEPTANCE,
        A.PROPOSE_REVIEW_DATES,
        A.AGREE_REVIEW_DATE,
        A.REQUEST_RECTIFICATION,
        A.CONFIRM_RECTIFICATION,
        A.SUBMIT_REVIEW_REPORT,
        A.APPROVE,
        A.DENY,
    ]


# The applicant's links on the progress page in each state, as the page has always shown them.
# In 已受理 the review-date page is one link, named as the guide names the button (协商鉴定评审时间)
# whether the applicant confirms the review body's proposal or proposes dates.
EXPECTED_LINKS = [
    (S.DRAFT, set(), ["撤回申请"]),
    (S.SUBMITTED, set(), ["撤回申请"]),
    (S.CORRECTION_REQUESTED, set(), ["补齐补正", "撤回申请"]),
    (S.ACCEPTED, set(), ["协商鉴定评审时间"]),
    (S.ACCEPTED, {A.AGREE_REVIEW_DATE}, ["协商鉴定评审时间"]),
    # Before the agreed date arrives either side may propose to change it; the other confirms.
    (S.REVIEW_SCHEDULED, {A.SUBMIT_RECTIFICATION_REPORT}, ["协商鉴定评审时间"]),
    (S.REVIEW_SCHEDULED, {A.SUBMIT_RECTIFICATION_REPORT, A.AGREE_REVIEW_DATE}, ["协商鉴定评审时间"]),
    # While the review body's 整改 request awaits the applicant's report.
    (S.REVIEW_SCHEDULED, {A.AGREE_REVIEW_DATE}, ["上传整改报告", "协商鉴定评审时间"]),
    (S.REVIEWED, set(), ["填写评审反馈表"]),
    (S.APPROVED, set(), ["填写评审反馈表"]),
    (S.DENIED, set(), ["填写评审反馈表"]),
    (S.NOT_ACCEPTED, set(), []),
    (S.WITHDRAWN, set(), []),
]


@pytest.mark.parametrize(("state", "unavailable", "labels"), EXPECTED_LINKS)
def test_applicant_links_in_every_state(monkeypatch, state, unavailable, labels):
    # Every applicant action whose source is the state, less those its conditions rule out.
    available = [
        action
        for action, facts in action_registry.declarations().items()
        if facts.for_applicant and state in facts.sources and action not in unavailable
    ]
    monkeypatch.setattr(actions, "available_actions", lambda application, user: available)
    links = progress.applicant_actions(Application(uuid=uuid.uuid4(), state=state), user=None)
    assert [str(link["label"]) for link in links] == labels
