"""One service function per action of the state machine (docs/domain.md; docs/decisions.md, decision 2).

Every action runs in one transaction through `_perform`:
1. lock the application's row (select_for_update), so two people acting at once are serialised
   and the second sees the first one's result;
2. check that the user's organisation plays a part in this action at all (else PermissionDenied,
   which views turn into 404), that the state and the transition's conditions allow it (else
   ActionRefused with a message saying what happened), and the transition's own `permission=`
   (django-fsm does not check it when the method is called);
3. take the transition, restart the statutory clock, save;
4. write the audit record, issue the documents, grant or revoke object permissions and write
   the notifications — all before the commit, so a failure anywhere leaves nothing behind.
"""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from accounts.models import OrganisationKind

from . import action_registry, deadlines, documents, licensing, numbering, permissions, printing, verification
from .models import (
    Action,
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationState,
    CorrectionItem,
    CorrectionNotice,
    DocumentKind,
    License,
    ProposalSide,
    ProposalStatus,
    ReviewAppointment,
    ReviewConclusion,
    ReviewFeedback,
    ReviewFile,
    ReviewFileKind,
    ReviewReport,
)
from .models import rectification as rectification_rules
from .models.applications import acceptance_limit_passed, is_review_body, review_date_arrived
from .notifications import notify

LICENSE_VALIDITY_YEARS = licensing.LICENSE_VALIDITY_YEARS


def atomic_action(function):
    """One transaction per action; files the action wrote (documents, review files) are deleted
    again when it fails, since only the rows roll back with the transaction."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with documents.files_removed_on_failure(), transaction.atomic():
            return function(*args, **kwargs)

    return wrapper


class ActionRefused(ValidationError):
    """The action is not possible now; the message tells the user why, in their words."""


def takes_part(application, user, action):
    """Whether the user's organisation plays a part in the action at all (its transition's
    custom "parties"); anyone else gets PermissionDenied whatever the state."""
    return any(check(application, user) for check in action_registry.parties(action))


def available_actions(application, user):
    """The actions `user` may take on `application` now (for buttons and the matrix test)."""
    return [
        action
        for action in action_registry.declarations()
        if takes_part(application, user, action) and has_transition_perm(getattr(application, action.value), user)
    ]


def _locked(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "authority", "review_body", "created_by", "schema_version")
        .get(pk=application.pk)
    )


def _check(application, user, action):
    if not takes_part(application, user, action):
        raise PermissionDenied
    method = getattr(application, action)
    if not can_proceed(method):
        reason = _refusal_reason(application, action)
        if reason:
            raise ActionRefused(reason, code="state")
        raise ActionRefused(
            _("该申请当前状态为“%(state)s”，不能“%(action)s”。可能已由他人办理，请刷新页面查看最新进度。")
            % {"state": application.get_state_display(), "action": Action(action).label},
            code="state",
        )
    if not has_transition_perm(method, user):
        raise ActionRefused(_("您现在不能执行“%(action)s”。") % {"action": Action(action).label}, code="permission")
    return method


def _refusal_reason(application, action):
    """What the law's clocks say when they are why an action is not possible, in the user's words."""
    if action in (Action.REQUEST_CORRECTION, Action.REFUSE_ACCEPTANCE) and (
        application.state == ApplicationState.SUBMITTED and acceptance_limit_passed(application)
    ):
        return _(
            "受理期限已过且未告知补正，该申请自收到之日起即为受理，不能再“%(action)s”。请选择鉴定评审机构予以受理。"
        ) % {"action": Action(action).label}
    if reason := rectification_refusal(application, action):
        return reason
    if (
        action in (Action.PROPOSE_REVIEW_DATES, Action.AGREE_REVIEW_DATE)
        and application.state == ApplicationState.REVIEW_SCHEDULED
        and review_date_arrived(application)
    ):
        return _("约定的鉴定评审日期（%(day)s）已到，不能再变更鉴定评审时间。") % {
            "day": f"{application.review_date:%Y-%m-%d}"
        }
    return ""


def _transition(application, user, action, comment=""):
    """Steps 2 and 3 and the audit record; returns the event for the documents to point at."""
    method = _check(application, user, action)
    from_state = application.state
    method()
    if application.state != from_state:
        deadlines.start_clock(application)
    application.save()
    return ApplicationEvent.objects.create(
        application=application,
        transition=action,
        from_state=from_state,
        to_state=application.state,
        actor=user,
        actor_organisation_id=user.organisation_id,
        comment=comment,
    )


def check_only(application, user, action):
    """For views that show an action's form: the same refusals as the action itself."""
    _check(application, user, action)


# --- applicant ------------------------------------------------------------------------------


@atomic_action
def submit(application, user):
    """提交 (the checks of the form itself are in workflows.services.submit_application)."""
    application = _locked(application)
    event = _transition(application, user, Action.SUBMIT)
    application.submitted_at = timezone.now()
    application.reference = reference_for(application)
    application.save(update_fields=["submitted_at", "reference"])
    permissions.grant_authority(application)
    notify(
        application,
        gettext_lazy("收到许可申请 %(ref)s（%(applicant)s），请在受理期限内办理。"),
        {"ref": application.reference, "applicant": application.applicant.name},
        authority=True,
    )
    return application, event


def reference_for(application):
    """申请编号: TSXK + submission date + the row id, unique without a counter table."""
    return f"TSXK{timezone.localdate(application.submitted_at):%Y%m%d}{application.pk:06d}"


@atomic_action
def withdraw(application, user, reason=""):
    application = _locked(application)
    was_submitted = application.state != ApplicationState.DRAFT
    _transition(application, user, Action.WITHDRAW, reason)
    if was_submitted:
        permissions.revoke_authority(application)
        notify(
            application,
            gettext_lazy("许可申请 %(ref)s 已由申请单位撤回。"),
            {"ref": application.reference},
            authority=True,
        )
    return application


@atomic_action
def resubmit(application, user, changes):
    """补齐补正后重新提交; `changes` lists what the applicant changed (see services)."""
    application = _locked(application)
    event = _transition(application, user, Action.RESUBMIT)
    notice = application.correction_notice
    notice.resubmitted_at = event.created_at
    notice.changes = changes
    notice.save(update_fields=["resubmitted_at", "changes"])
    notify(
        application,
        gettext_lazy("许可申请 %(ref)s 已补正并重新提交，请在受理期限内办理。"),
        {"ref": application.reference},
        authority=True,
    )
    return application


@atomic_action
def submit_feedback(application, user, schema_version, data):
    application = _locked(application)
    event = _transition(application, user, Action.SUBMIT_FEEDBACK)
    feedback = ReviewFeedback.objects.create(
        application=application, schema_version=schema_version, data=data, submitted_by=user
    )
    # The answers print like the application form does: the frozen form's visible pages and fields.
    # Masked: the one stored 评审反馈表 is read by the authority and the review body too.
    pages = printing.printed_form(schema_version.parsed, data, masked=True)
    documents.issue(application, DocumentKind.REVIEW_FEEDBACK, user, event, feedback=feedback, pages=pages)
    notify(
        application,
        gettext_lazy("申请单位已提交许可申请 %(ref)s 的评审反馈表。"),
        {"ref": application.reference},
        authority=True,
        review_body=True,
    )
    return feedback


# --- authority --------------------------------------------------------------------------------


@atomic_action
def request_correction(application, user, items, comment=""):
    """补正告知: `items` is a list of dicts (target, key, label, page_number, comment), at least one."""
    application = _locked(application)
    if not items:
        raise ValidationError(_("请至少选择一项需要补正的内容，并填写补正意见。"), code="no_items")
    event = _transition(application, user, Action.REQUEST_CORRECTION, comment)
    notice = CorrectionNotice.objects.create(
        application=application, comment=comment, issued_by=user, values_before=dict(application.data)
    )
    CorrectionItem.objects.bulk_create(
        CorrectionItem(notice=notice, sort_order=index, **item) for index, item in enumerate(items)
    )
    number = numbering.document_number(application.authority, DocumentKind.CORRECTION_NOTICE, timezone.localdate())
    documents.issue(
        application,
        DocumentKind.CORRECTION_NOTICE,
        user,
        event,
        number,
        notice=notice,
        correction_items=list(notice.items.all()),
    )
    notify(
        application,
        gettext_lazy("您的许可申请 %(ref)s 需要补正，请登录系统查看补正告知书并一次性补齐补正材料。"),
        {"ref": application.reference},
        applicant=True,
        sms=True,
    )
    return notice


@atomic_action
def accept(application, user, review_body, comment=""):
    """受理: the 受理决定书 names the entrusted review body and its contact details (§3.3.1)."""
    application = _locked(application)
    if review_body is None or review_body.kind != OrganisationKind.REVIEW_BODY:
        raise ValidationError(_("请选择受委托的鉴定评审机构。"), code="no_review_body")
    _check(application, user, Action.ACCEPT)
    if application.deemed_accepted_on is None and acceptance_limit_passed(application):
        # The limit ran out before the daily sweep came round: record 视为受理 first.
        _record_deemed_acceptance(application)
    deemed_on = application.deemed_accepted_on
    # 视为受理: accepted from the day the application was received; the 受理决定书 bears that day.
    application.accepted_at = application.submitted_at if deemed_on else timezone.now()
    application.review_body = review_body
    event = _transition(application, user, Action.ACCEPT, comment)
    issued_on = deemed_on or timezone.localdate()
    number = numbering.document_number(application.authority, DocumentKind.ACCEPTANCE_DECISION, issued_on)
    documents.issue(
        application,
        DocumentKind.ACCEPTANCE_DECISION,
        user,
        event,
        number,
        issued_on=issued_on,
        review_body=review_body,
        deemed_accepted_on=deemed_on,
    )
    permissions.grant_review_body(application)
    notify(
        application,
        gettext_lazy(
            "您的许可申请 %(ref)s 已受理，鉴定评审机构：%(body)s。请查看受理决定书，并与评审机构协商鉴定评审时间。"
        ),
        {"ref": application.reference, "body": review_body.name},
        applicant=True,
        sms=True,
    )
    notify(
        application,
        gettext_lazy(
            "%(authority)s委托贵单位对许可申请 %(ref)s（%(applicant)s）进行鉴定评审，请与申请单位协商评审时间。"
        ),
        {"authority": application.authority.name, "ref": application.reference, "applicant": application.applicant},
        review_body=True,
    )
    return application


DEEMED_ACCEPTANCE_RECORD = gettext_lazy(
    "受理期限已于 %(due_on)s 届满，逾期未告知补正，自收到申请之日起即为受理（收到申请日期：%(received)s）。"
)


@atomic_action
def deem_accepted(application, today=None):
    """视为受理 (Administrative Licensing Law art. 32), by the daily sweep: the 受理 limit ran out with
    no 补正告知书 and no decision. No transition: the application stays 已提交 until the authority
    takes 受理 to name the review body, but from now on nothing else is open to it. Returns
    whether it was recorded now (False: not due, or recorded already)."""
    application = _locked(application)
    if application.deemed_accepted_on is not None or not acceptance_limit_passed(application, today):
        return False
    _record_deemed_acceptance(application)
    return True


def _record_deemed_acceptance(application):
    """Flag the locked application, write the audit record (no actor: the law acted) and tell both
    sides; the caller holds the row lock."""
    received = timezone.localdate(application.submitted_at)
    application.deemed_accepted_on = received
    application.save(update_fields=["deemed_accepted_on"])
    with translation.override(settings.LANGUAGE_CODE):
        comment = str(DEEMED_ACCEPTANCE_RECORD) % {
            "due_on": f"{application.due_on:%Y-%m-%d}",
            "received": f"{received:%Y-%m-%d}",
        }
    ApplicationEvent.objects.create(
        application=application,
        transition=Action.DEEMED_ACCEPTANCE,
        from_state=application.state,
        to_state=application.state,
        actor=None,
        comment=comment,
    )
    params = {"ref": application.reference, "day": f"{received:%Y-%m-%d}"}
    notify(
        application,
        gettext_lazy("您的许可申请 %(ref)s 未在受理期限内被告知补正，依法自收到申请之日（%(day)s）起即为受理。"),
        params,
        applicant=True,
    )
    notify(
        application,
        gettext_lazy(
            "许可申请 %(ref)s 逾期未告知补正，依法自收到申请之日（%(day)s）起即为受理，"
            "请选择鉴定评审机构并签发受理决定书。"
        ),
        params,
        authority=True,
    )


@atomic_action
def refuse_acceptance(application, user, reasons):
    application = _locked(application)
    if not reasons.strip():
        raise ValidationError(_("请填写不予受理的理由。"), code="no_reasons")
    application.decided_at = timezone.now()
    event = _transition(application, user, Action.REFUSE_ACCEPTANCE, reasons)
    number = numbering.document_number(
        application.authority, DocumentKind.NON_ACCEPTANCE_DECISION, timezone.localdate()
    )
    documents.issue(application, DocumentKind.NON_ACCEPTANCE_DECISION, user, event, number, reasons=reasons)
    notify(
        application,
        gettext_lazy("您的许可申请 %(ref)s 不予受理，请登录系统查看不予受理决定书。"),
        {"ref": application.reference},
        applicant=True,
        sms=True,
    )
    return application


APPROVAL_AGAINST_REPORT_RECORD = gettext_lazy("评审结论为“不符合条件”，经确认仍准予许可。理由：%(reason)s")


def approval_needs_override(application):
    """准予许可 against a review report concluding 不符合条件 needs an explicit confirmation and a reason."""
    report = getattr(application, "review_report", None)
    return report is not None and report.conclusion == ReviewConclusion.NOT_QUALIFIED


@atomic_action
def approve(application, user, comment="", *, against_report_confirmed=False, against_report_reason="", base_url=None):
    """准予许可: the licence (4 years) and its decision, both stored as PDFs. When the review report
    concludes 不符合条件, only with `against_report_confirmed` and a reason, recorded with the event."""
    application = _locked(application)
    _check(application, user, Action.APPROVE)
    if approval_needs_override(application):
        errors = {}
        if not against_report_confirmed:
            errors["against_report_confirmed"] = _(
                "评审结论为“不符合条件”，准予许可须勾选“我已确认评审结论为不符合条件，仍准予许可”。"
            )
        if not against_report_reason.strip():
            errors["against_report_reason"] = _("评审结论为“不符合条件”，请填写仍准予许可的理由。")
        if errors:
            raise ValidationError(errors, code="against_report")
        with translation.override(settings.LANGUAGE_CODE):
            record = str(APPROVAL_AGAINST_REPORT_RECORD) % {"reason": against_report_reason.strip()}
        comment = f"{comment.strip()}\n{record}" if comment.strip() else record
    issued_on = timezone.localdate()
    application.decided_at = timezone.now()
    event = _transition(application, user, Action.APPROVE, comment)
    items, valid_until = licensing.license_terms(application, issued_on)
    snapshot = licensing.holder_snapshot(application)
    license = License(
        number=numbering.license_number(application, issued_on, valid_until),
        application=application,
        holder=application.applicant,
        authority=application.authority,
        items=items,
        issued_on=issued_on,
        valid_until=valid_until,
        **snapshot,
    )
    license.verification_code = verification.code_for(license)
    license.save()
    previous = application.previous_license
    if previous is not None:
        License.objects.filter(pk=previous.pk).update(superseded_by=license)
        if application.kind == ApplicationKind.CHANGE:
            _apply_change(application.applicant, licensing.holder_values(application))
    number = numbering.document_number(application.authority, DocumentKind.LICENSE_DECISION, issued_on)
    documents.issue(application, DocumentKind.LICENSE_DECISION, user, event, number, license=license)
    documents.issue(
        application,
        DocumentKind.LICENSE,
        user,
        event,
        license.number,
        license=license,
        # The QR code's site: `base_url` from the approving request (verification.public_base_url).
        **verification.license_document_context(license, base_url),
    )
    permissions.revoke_review_body(application)
    notify(
        application,
        gettext_lazy(
            "您的许可申请 %(ref)s 准予许可，许可证编号 %(number)s，有效期至 %(until)s。请登录系统下载许可证。"
        ),
        {"ref": application.reference, "number": license.number, "until": f"{valid_until:%Y-%m-%d}"},
        applicant=True,
        sms=True,
    )
    notify(application, gettext_lazy("许可申请 %(ref)s 已准予许可。"), {"ref": application.reference}, review_body=True)
    return license


def _apply_change(organisation, values):
    """An approved 变更 makes the new name, 所在地 and 详细地址 the organisation's own (as the
    applicant entered them, not the licence's full 住所, which adds the 所在地 to the address)."""
    organisation.name = values["name"]
    organisation.region_id = values["region"] or organisation.region_id
    organisation.address = values["address"]
    organisation.save(update_fields=["name", "region", "address"])


@atomic_action
def deny(application, user, reasons):
    application = _locked(application)
    if not reasons.strip():
        raise ValidationError(_("请填写不予许可的理由。"), code="no_reasons")
    application.decided_at = timezone.now()
    event = _transition(application, user, Action.DENY, reasons)
    number = numbering.document_number(application.authority, DocumentKind.DENIAL_DECISION, timezone.localdate())
    documents.issue(application, DocumentKind.DENIAL_DECISION, user, event, number, reasons=reasons)
    permissions.revoke_review_body(application)
    notify(
        application,
        gettext_lazy("您的许可申请 %(ref)s 不予许可，请登录系统查看不予许可决定书。"),
        {"ref": application.reference},
        applicant=True,
        sms=True,
    )
    notify(application, gettext_lazy("许可申请 %(ref)s 不予许可。"), {"ref": application.reference}, review_body=True)
    return application


# --- review date (either party) ------------------------------------------------------------


@atomic_action
def propose_review_dates(application, user, dates, comment=""):
    """A proposal of one or more dates; it supersedes any open proposal. After a date was agreed, a
    proposal to change it (before it arrives), which needs its reason in `comment`."""
    application = _locked(application)
    _check(application, user, Action.PROPOSE_REVIEW_DATES)
    changing = application.state == ApplicationState.REVIEW_SCHEDULED
    if changing and not comment.strip():
        raise ValidationError({"comment": _("请填写变更鉴定评审时间的原因。")}, code="no_reason")
    dates = sorted(set(dates))
    if not dates:
        raise ValidationError(_("请至少提议一个鉴定评审日期。"), code="no_dates")
    today = timezone.localdate()
    if any(day <= today for day in dates):
        raise ValidationError(_("提议的鉴定评审日期须晚于今天。"), code="past_date")
    side = ProposalSide.REVIEW_BODY if is_review_body(application, user) else ProposalSide.APPLICANT
    _transition(application, user, Action.PROPOSE_REVIEW_DATES, comment)
    application.review_proposals.filter(status=ProposalStatus.OPEN).update(status=ProposalStatus.SUPERSEDED)
    proposal = ReviewAppointment.objects.create(
        application=application,
        side=side,
        proposed_by=user,
        dates=[day.isoformat() for day in dates],
        comment=comment,
        replaces_date=application.review_date if changing else None,
    )
    listed = "、".join(f"{day:%Y-%m-%d}" for day in dates)
    if side == ProposalSide.REVIEW_BODY:
        notify(
            application,
            gettext_lazy("鉴定评审机构提议许可申请 %(ref)s 的鉴定评审日期：%(dates)s，请登录系统确认或另行提议。"),
            {"ref": application.reference, "dates": listed},
            applicant=True,
            sms=True,
        )
    else:
        notify(
            application,
            gettext_lazy("申请单位提议许可申请 %(ref)s 的鉴定评审日期：%(dates)s，请确认或另行提议。"),
            {"ref": application.reference, "dates": listed},
            review_body=True,
        )
    return proposal


RESCHEDULE_RECORD = gettext_lazy("鉴定评审日期由 %(old)s 变更为 %(new)s。变更原因：%(reason)s")


@atomic_action
def agree_review_date(application, user, day):
    """The other party confirms one of the open proposal's dates; for a proposal to change the
    agreed date, the new date replaces it and the record says from what, to what and why."""
    application = _locked(application)
    proposal = application.open_proposal()
    if proposal is not None and day.isoformat() not in proposal.dates:
        raise ValidationError(_("请从提议的日期中选择一个。"), code="not_proposed")
    previous = application.review_date if application.state == ApplicationState.REVIEW_SCHEDULED else None
    comment = f"{day:%Y-%m-%d}"
    if previous is not None:
        _check(application, user, Action.AGREE_REVIEW_DATE)
        if day <= timezone.localdate():
            raise ValidationError(_("该日期已过，请另行提议鉴定评审时间。"), code="past_date")
        with translation.override(settings.LANGUAGE_CODE):
            comment = str(RESCHEDULE_RECORD) % {
                "old": f"{previous:%Y-%m-%d}",
                "new": comment,
                "reason": proposal.comment,
            }
    _transition(application, user, Action.AGREE_REVIEW_DATE, comment)
    if previous is not None:
        application.review_proposals.filter(status=ProposalStatus.AGREED).update(status=ProposalStatus.RESCHEDULED)
    proposal.status = ProposalStatus.AGREED
    proposal.agreed_date = day
    proposal.answered_by = user
    proposal.save(update_fields=["status", "agreed_date", "answered_by"])
    application.review_date = day
    application.save(update_fields=["review_date"])
    notify(
        application,
        (
            gettext_lazy("许可申请 %(ref)s 的鉴定评审日期已变更为：%(day)s（原定 %(old)s）。")
            if previous
            else gettext_lazy("许可申请 %(ref)s 的鉴定评审日期已确定：%(day)s。")
        ),
        {"ref": application.reference, "day": f"{day:%Y-%m-%d}", "old": f"{previous or day:%Y-%m-%d}"},
        applicant=True,
        authority=True,
        review_body=True,
        exclude=user,
    )
    return application


# --- review body ------------------------------------------------------------------------------


@atomic_action
def submit_review_report(application, user, *, reviewed_from, reviewed_to, conclusion, summary, report_file, materials):
    """评审报告: its conclusion, the report file and the other materials (already checked uploads:
    a list of (UploadedFile, content_type))."""
    application = _locked(application)
    if reviewed_to < reviewed_from:
        raise ValidationError(_("评审结束日期不能早于开始日期。"), code="dates")
    _transition(application, user, Action.SUBMIT_REVIEW_REPORT, summary)
    report = ReviewReport.objects.create(
        application=application,
        review_body=application.review_body,
        reviewed_from=reviewed_from,
        reviewed_to=reviewed_to,
        conclusion=conclusion,
        summary=summary,
        submitted_by=user,
    )
    for kind, (uploaded, content_type) in [(ReviewFileKind.REPORT, report_file)] + [
        (ReviewFileKind.MATERIAL, material) for material in materials
    ]:
        review_file = ReviewFile.objects.create(
            report=report,
            kind=kind,
            file=uploaded,
            original_name=uploaded.name[:200],
            content_type=content_type,
            size=uploaded.size,
        )
        documents.track(review_file.file)
    notify(
        application,
        gettext_lazy(
            "鉴定评审机构已提交许可申请 %(ref)s 的评审报告（结论：%(conclusion)s），请在审查发证期限内作出决定。"
        ),
        {"ref": application.reference, "conclusion": ReviewConclusion(report.conclusion).label},
        authority=True,
    )
    notify(
        application,
        gettext_lazy("您的许可申请 %(ref)s 已完成鉴定评审，请登录系统填写评审反馈表。"),
        {"ref": application.reference},
        applicant=True,
    )
    return report


# --- 整改 during the review (TSG 07-2019 §3.4.2) ------------------------------------------------


def rectification_refusal(application, action):
    """Why a 整改 step (or the review report) is not possible while the review runs, or ""."""
    if application.state != ApplicationState.REVIEW_SCHEDULED:
        return ""
    current = rectification_rules.open_rectification(application)
    if action in (Action.REQUEST_RECTIFICATION, Action.SUBMIT_REVIEW_REPORT) and current is not None:
        if action == Action.SUBMIT_REVIEW_REPORT:
            return _("整改尚未确认，不能提交评审报告。请在申请单位提交整改报告并完成整改确认后再提交。")
        return _("已有尚未确认的整改要求（整改期限 %(deadline)s），不能再次提出。") % {
            "deadline": f"{current.deadline:%Y-%m-%d}"
        }
    if action == Action.SUBMIT_RECTIFICATION_REPORT:
        if current is None:
            return _("当前没有需要提交整改报告的整改要求。")
        if current.is_reported:
            return _("整改报告已提交，请等待鉴定评审机构确认。")
    if action == Action.CONFIRM_RECTIFICATION:
        if current is None:
            return _("没有待确认的整改，可能已由他人确认，请刷新页面查看最新进度。")
        if not current.is_reported:
            return _("申请单位尚未提交整改报告，不能确认整改。")
    return ""


def clean_rectification_items(items):
    return [text.strip() for text in items if text and text.strip()]


RECTIFICATION_RECORD = gettext_lazy("整改期限：%(deadline)s\n整改事项：\n%(items)s")


@atomic_action
def request_rectification(application, user, items, deadline, comment=""):
    """需要整改: `items` (texts, at least one) and `deadline` (today … 6 months from today)."""
    application = _locked(application)
    _check(application, user, Action.REQUEST_RECTIFICATION)
    items = clean_rectification_items(items)
    errors = {}
    if not items:
        errors["items"] = _("请至少填写一项整改内容。")
    problem = rectification_rules.deadline_problem(deadline)
    if problem:
        errors["deadline"] = problem
    if errors:
        raise ValidationError(errors, code="rectification")
    with translation.override(settings.LANGUAGE_CODE):
        record = str(RECTIFICATION_RECORD) % {
            "deadline": f"{deadline:%Y-%m-%d}",
            "items": "\n".join(f"{number}. {text}" for number, text in enumerate(items, 1)),
        }
    _transition(application, user, Action.REQUEST_RECTIFICATION, f"{record}\n{comment.strip()}".strip())
    rectification = rectification_rules.RectificationRequest.objects.create(
        application=application, items=items, deadline=deadline, requested_by=user
    )
    rectification_rules.forget_rectifications(application)
    notify(
        application,
        gettext_lazy(
            "您的许可申请 %(ref)s 在鉴定评审中需要整改（共 %(n)s 项），请于 %(deadline)s 前完成整改并上传整改报告。"
        ),
        {"ref": application.reference, "n": len(items), "deadline": f"{deadline:%Y-%m-%d}"},
        applicant=True,
        sms=True,
    )
    notify(
        application,
        gettext_lazy("鉴定评审机构已要求许可申请 %(ref)s 整改，整改期限 %(deadline)s。"),
        {"ref": application.reference, "deadline": f"{deadline:%Y-%m-%d}"},
        authority=True,
    )
    return rectification


@atomic_action
def submit_rectification_report(application, user, report_file):
    """整改报告: an already checked upload (UploadedFile, content_type), once per request."""
    application = _locked(application)
    uploaded, content_type = report_file
    _transition(application, user, Action.SUBMIT_RECTIFICATION_REPORT, uploaded.name[:200])
    rectification = rectification_rules.open_rectification(application)
    rectification.report = uploaded
    rectification.report_name = uploaded.name[:200]
    rectification.report_content_type = content_type
    rectification.report_size = uploaded.size
    rectification.reported_by = user
    rectification.reported_at = timezone.now()
    rectification.save()
    documents.track(rectification.report)
    rectification_rules.forget_rectifications(application)
    notify(
        application,
        gettext_lazy("申请单位已提交许可申请 %(ref)s 的整改报告，请审核并进行整改确认。"),
        {"ref": application.reference},
        review_body=True,
    )
    return rectification


@atomic_action
def confirm_rectification(application, user, comment=""):
    """整改确认: the review body accepts the 整改报告; the review report may then be submitted."""
    application = _locked(application)
    _transition(application, user, Action.CONFIRM_RECTIFICATION, comment)
    rectification = rectification_rules.open_rectification(application)
    rectification.confirmed_by = user
    rectification.confirmed_at = timezone.now()
    rectification.confirmation_comment = comment
    rectification.save(update_fields=["confirmed_by", "confirmed_at", "confirmation_comment"])
    rectification_rules.forget_rectifications(application)
    notify(
        application,
        gettext_lazy("鉴定评审机构已确认许可申请 %(ref)s 的整改。"),
        {"ref": application.reference},
        applicant=True,
        authority=True,
    )
    return rectification
