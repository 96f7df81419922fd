"""What each action leaves behind, all in the action's own transaction (workflows/actions.py):
the audit record, the documents issued, the guardian grants and revocations, the in-app
notifications and the outbox rows; e-mail and SMS sent only once the transaction has committed;
and nothing at all when any step fails."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from guardian.shortcuts import get_group_perms

from accounts.models import Channel, DeliveryStatus, OutboundMessage
from accounts.sms.backends import locmem
from accounts.sms.backends.base import SmsDeliveryError
from forms_config.models import FormSchemaVersion
from forms_config.pdf import PdfRenderError
from tests.support.builders import field, make_catalogue, make_form_schema, page
from tests.support.workflow_builders import application_in, correction_items, future, make_parties, refresh, report_file
from workflows import actions, services
from workflows.models import (
    Action,
    ApplicationEvent,
    ApplicationGroupObjectPermission,
    ApplicationState,
    Document,
    DocumentKind,
    DocumentSequence,
    License,
    Notification,
    ReviewConclusion,
)

S = ApplicationState
pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    p = make_parties(make_catalogue())
    # E-mail goes only to users with an address.
    for role, user in p.by_role().items():
        user.email = f"{role}@example.cn"
        user.save(update_fields=["email"])
    return p


@pytest.fixture
def feedback_version():
    schema = make_form_schema(
        title="评审反馈表", pages=[page("评审反馈", "feedback", [field("multiline", "意见", "yi_jian")])]
    )
    return FormSchemaVersion.objects.freeze(schema)


def perms(organisation, application):
    return set(get_group_perms(organisation.group, application))


def latest_event(application):
    return ApplicationEvent.objects.filter(application=application).latest("pk")


def new_documents(application, event):
    return sorted(Document.objects.filter(application=application, event=event).values_list("kind", flat=True))


def recipients(application, since_pk=0):
    return {n.recipient for n in Notification.objects.filter(application=application, pk__gt=since_pk)}


def last_notification_pk():
    last = Notification.objects.order_by("-pk").first()
    return last.pk if last else 0


def run_and_commit(capture, call):
    """Call the action; nothing may leave before the commit; then commit (run the on-commit
    callbacks) and return the result."""
    mail.outbox.clear()
    locmem.outbox.clear()
    with capture(execute=True):
        result = call()
        assert mail.outbox == [] and locmem.outbox == [], "sent before the commit"
    return result


def emailed(*users):
    return sorted(user.email for user in users)


def outbox_addresses():
    return sorted(address for message in mail.outbox for address in message.to)


def sms_numbers():
    return [message["mobile"] for message in locmem.outbox]


def check_event(application, action, actor, from_state, to_state, comment=""):
    event = latest_event(application)
    assert event.transition == action
    assert event.actor == actor
    assert event.actor_organisation == actor.organisation
    assert (event.from_state, event.to_state) == (from_state, to_state)
    assert event.comment == comment
    return event


# --- submit / withdraw / resubmit (applicant) ----------------------------------------------


def test_submit(parties, django_capture_on_commit_callbacks):
    p = parties
    draft = application_in(S.DRAFT, p)
    since = last_notification_pk()
    run_and_commit(django_capture_on_commit_callbacks, lambda: services.submit_application(draft, p.applicant))
    application = refresh(draft)

    assert application.state == S.SUBMITTED and application.reference.startswith("TSXK")
    event = check_event(application, Action.SUBMIT, p.applicant, S.DRAFT, S.SUBMITTED)
    assert new_documents(application, event) == []
    assert perms(p.catalogue["beijing"], application) == {"view_application", "process_application"}
    assert perms(p.applicant.organisation, application) == {"view_application", "change_application"}
    for other in (p.other_authority, p.samr, p.review_body, p.other_review_body, p.other_enterprise):
        assert perms(other.organisation, application) == set()
    assert recipients(application, since) == {p.authority}
    assert outbox_addresses() == emailed(p.authority)
    assert locmem.outbox == []  # no SMS for the authority's in-tray


def test_withdraw_after_submission_takes_back_the_authoritys_process_permission(
    parties, django_capture_on_commit_callbacks
):
    p = parties
    application = application_in(S.SUBMITTED, p)
    since = last_notification_pk()
    run_and_commit(django_capture_on_commit_callbacks, lambda: actions.withdraw(application, p.applicant, "不再申请"))
    application = refresh(application)

    assert application.state == S.WITHDRAWN
    event = check_event(application, Action.WITHDRAW, p.applicant, S.SUBMITTED, S.WITHDRAWN, "不再申请")
    assert new_documents(application, event) == []
    assert perms(p.catalogue["beijing"], application) == {"view_application"}  # view stays, for the record
    assert recipients(application, since) == {p.authority}
    assert outbox_addresses() == emailed(p.authority)
    assert locmem.outbox == []


def test_withdrawing_a_draft_tells_nobody(parties, django_capture_on_commit_callbacks):
    p = parties
    draft = application_in(S.DRAFT, p)
    run_and_commit(django_capture_on_commit_callbacks, lambda: actions.withdraw(draft, p.applicant))
    application = refresh(draft)

    assert application.state == S.WITHDRAWN
    check_event(application, Action.WITHDRAW, p.applicant, S.DRAFT, S.WITHDRAWN)
    assert perms(p.catalogue["beijing"], application) == set()
    assert Notification.objects.filter(application=application).count() == 0
    assert mail.outbox == [] and locmem.outbox == []


def test_request_correction_then_resubmit(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.SUBMITTED, p)
    since = last_notification_pk()
    notice = run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.request_correction(application, p.authority, correction_items(), "请一次性补正"),
    )
    application = refresh(application)

    assert application.state == S.CORRECTION_REQUESTED
    event = check_event(
        application, Action.REQUEST_CORRECTION, p.authority, S.SUBMITTED, S.CORRECTION_REQUESTED, "请一次性补正"
    )
    assert new_documents(application, event) == [DocumentKind.CORRECTION_NOTICE]
    document = Document.objects.get(event=event)
    assert document.number == f"（京）特补〔{document.issued_at.year}〕1号"
    assert [item.key for item in notice.items.all()] == ["fa_ding_dai_biao_ren"]
    assert recipients(application, since) == {p.applicant}
    assert outbox_addresses() == emailed(p.applicant)
    assert sms_numbers() == [p.applicant.mobile]
    assert locmem.outbox[0]["message"].startswith("【特种设备行政许可】")

    since = last_notification_pk()
    changes = [{"key": "fa_ding_dai_biao_ren", "before": "张三", "after": "李四"}]
    run_and_commit(django_capture_on_commit_callbacks, lambda: actions.resubmit(application, p.applicant, changes))
    application = refresh(application)

    assert application.state == S.SUBMITTED
    event = check_event(application, Action.RESUBMIT, p.applicant, S.CORRECTION_REQUESTED, S.SUBMITTED)
    assert new_documents(application, event) == []
    notice.refresh_from_db()
    assert notice.resubmitted_at == event.created_at and notice.changes == changes
    assert recipients(application, since) == {p.authority}
    assert outbox_addresses() == emailed(p.authority)
    assert locmem.outbox == []


# --- accept / refuse (authority) ---------------------------------------------------------


def test_accept(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.SUBMITTED, p)
    since = last_notification_pk()
    run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.accept(application, p.authority, p.review_body_org, "材料齐全"),
    )
    application = refresh(application)

    assert application.state == S.ACCEPTED
    assert application.review_body == p.review_body_org and application.accepted_at is not None
    event = check_event(application, Action.ACCEPT, p.authority, S.SUBMITTED, S.ACCEPTED, "材料齐全")
    assert new_documents(application, event) == [DocumentKind.ACCEPTANCE_DECISION]
    assert Document.objects.get(event=event).number.startswith("（京）特受〔")
    assert perms(p.review_body_org, application) == {"view_application", "review_application"}
    assert perms(p.other_review_body.organisation, application) == set()
    assert perms(p.other_authority.organisation, application) == set()
    assert perms(p.samr.organisation, application) == set()
    assert perms(p.catalogue["beijing"], application) == {"view_application", "process_application"}
    assert recipients(application, since) == {p.applicant, p.review_body}
    assert outbox_addresses() == emailed(p.applicant, p.review_body)
    assert sms_numbers() == [p.applicant.mobile]  # the review body gets no SMS
    assert p.review_body_org.name in locmem.outbox[0]["message"]


def test_refuse_acceptance(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.SUBMITTED, p)
    since = last_notification_pk()
    run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.refuse_acceptance(application, p.authority, "申请事项不属于本机关职权范围"),
    )
    application = refresh(application)

    assert application.state == S.NOT_ACCEPTED and application.decided_at is not None
    event = check_event(
        application,
        Action.REFUSE_ACCEPTANCE,
        p.authority,
        S.SUBMITTED,
        S.NOT_ACCEPTED,
        "申请事项不属于本机关职权范围",
    )
    assert new_documents(application, event) == [DocumentKind.NON_ACCEPTANCE_DECISION]
    assert recipients(application, since) == {p.applicant}
    assert outbox_addresses() == emailed(p.applicant)
    assert sms_numbers() == [p.applicant.mobile]


# --- agreeing the review date --------------------------------------------------------------


def test_a_review_body_proposal_is_texted_to_the_applicant(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.ACCEPTED, p)
    since = last_notification_pk()
    proposal = run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.propose_review_dates(application, p.review_body, [future(21), future(20)], "请确认"),
    )
    application = refresh(application)

    assert application.state == S.ACCEPTED
    check_event(application, Action.PROPOSE_REVIEW_DATES, p.review_body, S.ACCEPTED, S.ACCEPTED, "请确认")
    assert (proposal.side, proposal.dates) == ("review_body", [future(20).isoformat(), future(21).isoformat()])
    assert recipients(application, since) == {p.applicant}
    assert outbox_addresses() == emailed(p.applicant)
    assert sms_numbers() == [p.applicant.mobile]
    assert f"{future(20):%Y-%m-%d}" in locmem.outbox[0]["message"]


def test_an_applicant_proposal_goes_to_the_review_body_without_sms(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.ACCEPTED, p)
    since = last_notification_pk()
    run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.propose_review_dates(application, p.applicant, [future(30)]),
    )
    application = refresh(application)

    check_event(application, Action.PROPOSE_REVIEW_DATES, p.applicant, S.ACCEPTED, S.ACCEPTED)
    assert recipients(application, since) == {p.review_body}
    assert outbox_addresses() == emailed(p.review_body)
    assert locmem.outbox == []


def test_agree_review_date_tells_everyone_but_the_actor(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.ACCEPTED, p)
    actions.propose_review_dates(application, p.review_body, [future(20), future(21)])
    since = last_notification_pk()
    run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.agree_review_date(application, p.applicant, future(21)),
    )
    application = refresh(application)

    assert (application.state, application.review_date) == (S.REVIEW_SCHEDULED, future(21))
    event = check_event(
        application,
        Action.AGREE_REVIEW_DATE,
        p.applicant,
        S.ACCEPTED,
        S.REVIEW_SCHEDULED,
        f"{future(21):%Y-%m-%d}",
    )
    assert new_documents(application, event) == []
    proposal = application.review_proposals.get()
    assert (proposal.status, proposal.agreed_date, proposal.answered_by) == ("agreed", future(21), p.applicant)
    assert recipients(application, since) == {p.authority, p.review_body}
    assert outbox_addresses() == emailed(p.authority, p.review_body)
    assert locmem.outbox == []


def test_a_date_that_was_not_proposed_is_refused(parties):
    p = parties
    application = application_in(S.ACCEPTED, p)
    actions.propose_review_dates(application, p.review_body, [future(20)])
    events = ApplicationEvent.objects.count()
    with pytest.raises(ValidationError, match="请从提议的日期中选择一个"):
        actions.agree_review_date(application, p.applicant, future(22))
    assert refresh(application).state == S.ACCEPTED
    assert ApplicationEvent.objects.count() == events


# --- review report and feedback ------------------------------------------------------------


def test_submit_review_report(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.REVIEW_SCHEDULED, p)
    since = last_notification_pk()
    report = run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.submit_review_report(
            application,
            p.review_body,
            reviewed_from=future(20),
            reviewed_to=future(21),
            conclusion=ReviewConclusion.QUALIFIED_AFTER_RECTIFICATION,
            summary="整改后符合条件",
            report_file=report_file(),
            materials=[report_file("备忘录.pdf")],
        ),
    )
    application = refresh(application)

    assert application.state == S.REVIEWED
    event = check_event(
        application, Action.SUBMIT_REVIEW_REPORT, p.review_body, S.REVIEW_SCHEDULED, S.REVIEWED, "整改后符合条件"
    )
    assert new_documents(application, event) == []
    assert report.review_body == p.review_body_org
    assert sorted(report.files.values_list("kind", "original_name")) == [
        ("material", "备忘录.pdf"),
        ("report", "评审报告.pdf"),
    ]
    assert perms(p.review_body_org, application) == {"view_application", "review_application"}
    assert recipients(application, since) == {p.authority, p.applicant}
    assert outbox_addresses() == emailed(p.applicant, p.authority)
    assert locmem.outbox == []


def test_submit_feedback(parties, feedback_version, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.APPROVED, p)
    since = last_notification_pk()
    feedback = run_and_commit(
        django_capture_on_commit_callbacks,
        lambda: actions.submit_feedback(application, p.applicant, feedback_version, {"yi_jian": "满意"}),
    )
    application = refresh(application)

    assert application.state == S.APPROVED
    event = check_event(application, Action.SUBMIT_FEEDBACK, p.applicant, S.APPROVED, S.APPROVED)
    assert new_documents(application, event) == [DocumentKind.REVIEW_FEEDBACK]
    assert (feedback.data, feedback.submitted_by) == ({"yi_jian": "满意"}, p.applicant)
    assert recipients(application, since) == {p.authority, p.review_body}
    assert outbox_addresses() == emailed(p.authority, p.review_body)
    assert locmem.outbox == []


# --- the decision --------------------------------------------------------------------------


def test_approve(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.REVIEWED, p)
    since = last_notification_pk()
    license = run_and_commit(django_capture_on_commit_callbacks, lambda: actions.approve(application, p.authority))
    application = refresh(application)

    assert application.state == S.APPROVED and application.decided_at is not None
    event = check_event(application, Action.APPROVE, p.authority, S.REVIEWED, S.APPROVED)
    assert new_documents(application, event) == sorted([DocumentKind.LICENSE_DECISION, DocumentKind.LICENSE])
    assert Document.objects.get(event=event, kind=DocumentKind.LICENSE).number == license.number
    assert license.holder == p.applicant.organisation and license.authority == p.catalogue["beijing"]
    assert license.valid_until == license.issued_on.replace(year=license.issued_on.year + 4) - datetime.timedelta(1)
    assert [item["level_code"] for item in license.items] == ["D"]
    assert perms(p.review_body_org, application) == {"view_application"}
    assert perms(p.catalogue["beijing"], application) == {"view_application", "process_application"}
    assert recipients(application, since) == {p.applicant, p.review_body}
    assert outbox_addresses() == emailed(p.applicant, p.review_body)
    assert sms_numbers() == [p.applicant.mobile]
    assert license.number in locmem.outbox[0]["message"]


def test_deny(parties, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.REVIEWED, p)
    since = last_notification_pk()
    run_and_commit(django_capture_on_commit_callbacks, lambda: actions.deny(application, p.authority, "不符合条件"))
    application = refresh(application)

    assert application.state == S.DENIED
    event = check_event(application, Action.DENY, p.authority, S.REVIEWED, S.DENIED, "不符合条件")
    assert new_documents(application, event) == [DocumentKind.DENIAL_DECISION]
    assert License.objects.filter(application=application).count() == 0
    assert perms(p.review_body_org, application) == {"view_application"}
    assert recipients(application, since) == {p.applicant, p.review_body}
    assert outbox_addresses() == emailed(p.applicant, p.review_body)
    assert sms_numbers() == [p.applicant.mobile]


# --- all or nothing ------------------------------------------------------------------------


def broken_render(template, context):
    raise PdfRenderError("xhtml2pdf failed")


def test_a_failing_document_undoes_the_whole_acceptance(parties, monkeypatch, django_capture_on_commit_callbacks):
    p = parties
    application = application_in(S.SUBMITTED, p)
    events = ApplicationEvent.objects.count()
    grants = ApplicationGroupObjectPermission.objects.count()
    notifications = Notification.objects.count()
    documents = Document.objects.count()
    sequence = {(s.kind, s.year): s.last for s in DocumentSequence.objects.all()}

    monkeypatch.setattr("workflows.documents.render_pdf", broken_render)
    mail.outbox.clear()
    locmem.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PdfRenderError):
            actions.accept(application, p.authority, p.review_body_org, "材料齐全")

    application = refresh(application)
    assert application.state == S.SUBMITTED
    assert application.review_body is None and application.accepted_at is None and application.clock == "acceptance"
    assert ApplicationEvent.objects.count() == events
    assert ApplicationGroupObjectPermission.objects.count() == grants
    assert perms(p.review_body_org, application) == set()
    assert Notification.objects.count() == notifications
    assert Document.objects.count() == documents
    assert {(s.kind, s.year): s.last for s in DocumentSequence.objects.all()} == sequence  # no number used
    assert callbacks == [] and mail.outbox == [] and locmem.outbox == []

    # Once rendering works again the acceptance gets the first number of the year.
    monkeypatch.undo()
    actions.accept(application, p.authority, p.review_body_org, "材料齐全")
    document = Document.objects.get(application=application, kind=DocumentKind.ACCEPTANCE_DECISION)
    assert document.number.endswith("〕1号")


@pytest.mark.parametrize(
    ("state", "call"),
    [
        (S.SUBMITTED, lambda a, p, fv: actions.request_correction(a, p.authority, correction_items())),
        (S.SUBMITTED, lambda a, p, fv: actions.refuse_acceptance(a, p.authority, "理由")),
        (S.REVIEWED, lambda a, p, fv: actions.approve(a, p.authority)),
        (S.REVIEWED, lambda a, p, fv: actions.deny(a, p.authority, "理由")),
        (S.REVIEWED, lambda a, p, fv: actions.submit_feedback(a, p.applicant, fv, {"yi_jian": "好"})),
    ],
    ids=["request_correction", "refuse_acceptance", "approve", "deny", "submit_feedback"],
)
def test_no_decision_without_its_document(
    parties, feedback_version, monkeypatch, django_capture_on_commit_callbacks, state, call
):
    p = parties
    application = application_in(state, p)

    def counts():
        return (
            ApplicationEvent.objects.count(),
            ApplicationGroupObjectPermission.objects.count(),
            Notification.objects.count(),
            Document.objects.count(),
            License.objects.count(),
            sorted(DocumentSequence.objects.values_list("kind", "last")),
        )

    before = counts()
    monkeypatch.setattr("workflows.documents.render_pdf", broken_render)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PdfRenderError):
            call(application, p, feedback_version)
    assert refresh(application).state == state
    assert counts() == before
    assert callbacks == []


def test_a_failing_sms_provider_does_not_undo_the_action(
    parties, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    p = parties
    application = application_in(S.SUBMITTED, p)

    def down(self, mobile, message, **kwargs):
        raise SmsDeliveryError("provider down")

    monkeypatch.setattr(locmem.LocmemBackend, "send", down)
    run_and_commit(
        django_capture_on_commit_callbacks, lambda: actions.accept(application, p.authority, p.review_body_org)
    )

    assert refresh(application).state == S.ACCEPTED
    assert outbox_addresses() == emailed(p.applicant, p.review_body)  # e-mail still went out
    # The SMS waits in the outbox for its next try (accounts/outbox.py), its error there for staff.
    sms = OutboundMessage.objects.about(application).get(channel=Channel.SMS)
    assert (sms.status, sms.attempts, sms.last_error) == (DeliveryStatus.PENDING, 1, "SmsDeliveryError: provider down")
    assert p.applicant.mobile not in caplog.text


def test_a_failure_after_a_document_was_written_leaves_no_file_behind(parties, monkeypatch):
    """approve writes 准予许可决定书, then 许可证: if the second fails, the first one's file goes too
    (the rows roll back with the transaction, files in storage do not)."""
    from django.conf import settings

    from workflows import documents

    application = application_in(S.REVIEWED, parties)
    root = settings.PRIVATE_MEDIA_ROOT
    files_before = {path for path in root.rglob("*") if path.is_file()}
    real_render = documents.render_pdf

    def second_fails(template_name, context):
        if template_name.endswith("/license.html"):
            raise PdfRenderError("许可证 failed")
        return real_render(template_name, context)

    monkeypatch.setattr("workflows.documents.render_pdf", second_fails)
    with pytest.raises(PdfRenderError):
        actions.approve(application, parties.authority)
    assert refresh(application).state == S.REVIEWED
    assert {path for path in root.rglob("*") if path.is_file()} == files_before
