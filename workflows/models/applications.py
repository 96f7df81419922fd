"""许可申请 (Application): one applicant's request for one or more licence items.

It starts as a draft bound to a frozen form version (forms_config.FormSchemaVersion) and holds
the raw values the applicant typed, by stable field key, in `data`. Its `state` is a protected
FSMField: only transitions change it (docs/decisions.md, decision 2). docs/domain.md lists the
states and the actions.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from guardian.core import ObjectPermissionChecker

from .events import Action
from .rectification import open_rectification


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CORRECTION_REQUESTED = "correction_requested", _("待补正")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    REVIEW_SCHEDULED = "review_scheduled", _("已约定评审时间")
    REVIEWED = "reviewed", _("已评审")
    APPROVED = "approved", _("准予许可")
    DENIED = "denied", _("不予许可")
    WITHDRAWN = "withdrawn", _("已撤回")


class ApplicationKind(models.TextChoices):
    """What an application asks for (TSG 07-2019 §3.6): a first licence, or a follow-up on one the
    applicant holds (`Application.previous_license`), prefilled from it (workflows.licensing)."""

    NEW = "new", _("取证")
    RENEWAL = "renewal", _("换证")
    ADD_ITEMS = "add_items", _("增项")
    CHANGE = "change", _("变更")


class Clock(models.TextChoices):
    """Which statutory time limit is running (docs/domain.md, "Statutory time limits")."""

    ACCEPTANCE = "acceptance", _("受理期限")
    SCHEDULING = "scheduling", _("协商评审时间期限")
    REVIEW = "review", _("鉴定评审期限")
    DECISION = "decision", _("审查发证期限")


# The guardian object permissions each party's group holds on an application.
APPLICANT_PERM = "workflows.change_application"  # the applicant organisation, from the draft on
AUTHORITY_PERM = "workflows.process_application"  # the authority, from submission on
REVIEW_BODY_PERM = "workflows.review_application"  # the entrusted review body, from acceptance on


def _perms(application, user):
    """The user's guardian permissions on the application, read once per user and state.

    A page asks about a dozen transitions at once; guardian's backend would query twice for each
    `has_perm`. Grants and revocations only happen together with a change of state, so the
    state is part of the key and a cached answer never outlives them."""
    if not user.is_authenticated:
        return frozenset()
    cache = application.__dict__.setdefault("_perm_cache", {})
    key = (user.pk, application.state)
    if key not in cache:
        cache[key] = frozenset(ObjectPermissionChecker(user).get_perms(application))
    return cache[key]


def is_applicant(application, user):
    return APPLICANT_PERM.partition(".")[2] in _perms(application, user)


def is_authority(application, user):
    return AUTHORITY_PERM.partition(".")[2] in _perms(application, user)


def is_review_body(application, user):
    return REVIEW_BODY_PERM.partition(".")[2] in _perms(application, user)


def _has_items(application):
    return application.items.exists()


def _no_correction_yet(application):
    # 补正告知书 is one-time (TSG 07-2019 §3.3.2): everything to correct goes into one notice.
    return not hasattr(application, "correction_notice")


def acceptance_limit_passed(application, today=None):
    """The 受理 limit ran out with no 补正告知书 and no decision: by the Administrative Licensing Law
    (art. 32) the application is accepted from the day it was received (视为受理), whether or not
    the daily sweep has recorded it yet (`deemed_accepted_on`)."""
    if application.deemed_accepted_on is not None:
        return True
    return (
        application.state == ApplicationState.SUBMITTED
        and application.clock == Clock.ACCEPTANCE
        and application.due_on is not None
        and (today or timezone.localdate()) > application.due_on
        and _no_correction_yet(application)
    )


def _not_deemed_accepted(application):
    # After 视为受理 the authority can no longer ask for a correction or refuse to accept: its
    # remaining step is 受理, naming the review body (docs/domain.md, "The process").
    return not acceptance_limit_passed(application)


def _has_open_proposal(application):
    return application.open_proposal() is not None


def review_date_arrived(application, today=None):
    """The agreed review date has come: from that day on it can no longer be changed."""
    return application.review_date is not None and (today or timezone.localdate()) >= application.review_date


def _review_date_changeable(application):
    # Before agreement there is nothing to change; after it, only before the agreed day.
    return application.state != ApplicationState.REVIEW_SCHEDULED or not review_date_arrived(application)


def _may_agree_review_date(application, user):
    # The party that did not make the open proposal confirms it.
    proposal = application.open_proposal()
    if proposal is None:
        return False
    if proposal.side == "review_body":
        return is_applicant(application, user)
    return is_review_body(application, user)


def _may_propose_review_dates(application, user):
    return is_applicant(application, user) or is_review_body(application, user)


def _no_open_rectification(application):
    # 整改: one request at a time; the review report waits until it is confirmed.
    return open_rectification(application) is None


def _rectification_awaiting_report(application):
    rectification = open_rectification(application)
    return rectification is not None and not rectification.is_reported


def _rectification_reported(application):
    rectification = open_rectification(application)
    return rectification is not None and rectification.is_reported


def _has_report(application):
    return hasattr(application, "review_report")


def _no_feedback_yet(application):
    return _has_report(application) and not hasattr(application, "review_feedback")


class Application(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("申请编号"), max_length=30, unique=True, null=True, blank=True, editable=False)
    applicant = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申请单位"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    authority = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="authority_applications",
        verbose_name=_("审批机关"),
    )
    schema_version = models.ForeignKey(
        "forms_config.FormSchemaVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申请书表单版本"),
    )
    kind = models.CharField(_("申请类型"), max_length=20, choices=ApplicationKind.choices, default=ApplicationKind.NEW)
    previous_license = models.ForeignKey(
        "workflows.License",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("原许可证"),
    )
    # One 选取许可项目 submission: the drafts it created share it (one per 审批机关 when national
    # and provincial levels were chosen together), and a repeated submission finds them by it.
    # A plain value, not a foreign key, so deleting one draft leaves the other's link intact.
    selection = models.UUIDField(_("同一次选取"), null=True, blank=True, editable=False, db_index=True)
    data = models.JSONField(_("填写内容"), default=dict, blank=True)
    current_page = models.PositiveSmallIntegerField(_("当前页"), default=1)
    state = FSMField(
        _("状态"), default=ApplicationState.DRAFT, choices=ApplicationState.choices, protected=True, db_index=True
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("最后保存时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    review_body = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_applications",
        verbose_name=_("鉴定评审机构"),
    )
    review_date = models.DateField(_("鉴定评审日期"), null=True, blank=True)
    # 视为受理 (Administrative Licensing Law art. 32): the 受理 limit ran out with no 补正告知; the
    # day it was received (the submission day), set by the daily sweep. The state stays 已提交 until
    # the authority takes 受理 to name the review body; the 受理决定书 is then dated this day.
    deemed_accepted_on = models.DateField(_("视为受理日期"), null=True, blank=True, editable=False)
    # The statutory time limit now running, set by workflows.actions on every transition, so
    # queues can filter and sort by it without computing working days per row.
    clock = models.CharField(_("当前期限"), max_length=20, choices=Clock.choices, blank=True)
    clock_started_on = models.DateField(_("期限起算日"), null=True, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)

    # Registering the staff ViewSet would make Wagtail index every autosave's references
    # (three queries per save); nothing in the CMS refers to an application.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("许可申请")
        verbose_name_plural = _("许可申请")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["applicant", "state"]),
            models.Index(fields=["authority", "state", "due_on"]),
            models.Index(fields=["review_body", "state"]),
        ]
        permissions = [
            ("process_application", _("办理许可申请（审批机关）")),
            ("review_application", _("鉴定评审（鉴定评审机构）")),
        ]

    def __str__(self):
        return self.reference or str(_("草稿 %(date)s") % {"date": self.created_at.strftime("%Y-%m-%d")})

    def get_absolute_url(self):
        if self.state == ApplicationState.DRAFT:
            return reverse("applications:page", args=[self.uuid, self.current_page])
        return reverse("applications:detail", args=[self.uuid])

    @property
    def is_draft(self):
        return self.state == ApplicationState.DRAFT

    def open_proposal(self):
        """The review-date proposal awaiting the other party's answer, if any."""
        cache = getattr(self, "_prefetched_objects_cache", {})
        proposals = cache["review_proposals"] if "review_proposals" in cache else None
        if proposals is not None:
            return next((p for p in proposals if p.status == "open"), None)
        return self.review_proposals.filter(status="open").first()

    # --- the state machine (docs/domain.md); workflows.actions calls these ------------------
    #
    # Each transition is the one declaration of its action; workflows/action_registry.py reads
    # its `custom` facts and everything else (the party check, the buttons, the applicant's
    # links, the confirmations) is derived from them:
    # - "action": its Action (the audit trail's value, equal to the method's name);
    # - "parties": the party predicates of which one must hold, whatever the state;
    # - "serious": a decision that cannot be undone, confirmed before it is taken (default False);
    # - "page": for an applicant's action, the applications:<name> page it is taken on;
    # - "link", "primary": the link to that page on the progress page, and whether it is
    #   something to do (default) or merely offered; no "link", no link.

    @transition(
        field=state,
        source=ApplicationState.DRAFT,
        target=ApplicationState.SUBMITTED,
        permission=is_applicant,
        conditions=[_has_items],
        custom={"action": Action.SUBMIT, "parties": (is_applicant,), "page": "check"},
    )
    def submit(self):
        """提交: the caller (workflows.services.submit_application) has checked every page."""

    @transition(
        field=state,
        source=[ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.CORRECTION_REQUESTED],
        target=ApplicationState.WITHDRAWN,
        permission=is_applicant,
        custom={
            "action": Action.WITHDRAW,
            "parties": (is_applicant,),
            "page": "withdraw",
            "link": _("撤回申请"),
            "primary": False,
        },
    )
    def withdraw(self):
        """撤回申请."""

    @transition(
        field=state,
        source=ApplicationState.SUBMITTED,
        target=ApplicationState.CORRECTION_REQUESTED,
        permission=is_authority,
        conditions=[_no_correction_yet, _not_deemed_accepted],
        custom={"action": Action.REQUEST_CORRECTION, "parties": (is_authority,)},
    )
    def request_correction(self):
        """补正告知: once per application."""

    @transition(
        field=state,
        source=ApplicationState.CORRECTION_REQUESTED,
        target=ApplicationState.SUBMITTED,
        permission=is_applicant,
        custom={"action": Action.RESUBMIT, "parties": (is_applicant,), "page": "correction", "link": _("补齐补正")},
    )
    def resubmit(self):
        """补齐补正后重新提交."""

    @transition(
        field=state,
        source=ApplicationState.SUBMITTED,
        target=ApplicationState.ACCEPTED,
        permission=is_authority,
        custom={"action": Action.ACCEPT, "parties": (is_authority,)},
    )
    def accept(self):
        """受理: names the entrusted review body."""

    @transition(
        field=state,
        source=ApplicationState.SUBMITTED,
        target=ApplicationState.NOT_ACCEPTED,
        permission=is_authority,
        conditions=[_not_deemed_accepted],
        custom={"action": Action.REFUSE_ACCEPTANCE, "parties": (is_authority,), "serious": True},
    )
    def refuse_acceptance(self):
        """不予受理."""

    @transition(
        field=state,
        source=[ApplicationState.ACCEPTED, ApplicationState.REVIEW_SCHEDULED],
        target=None,
        permission=_may_propose_review_dates,
        conditions=[_review_date_changeable],
        custom={
            "action": Action.PROPOSE_REVIEW_DATES,
            "parties": (is_applicant, is_review_body),
            "page": "review_date",
            "link": _("协商鉴定评审时间"),
            "primary": False,
        },
    )
    def propose_review_dates(self):
        """协商鉴定评审时间: a proposal by either party; the state does not change. After agreement,
        a proposal to change the date, with its reason, until the agreed day arrives."""

    @transition(
        field=state,
        source=[ApplicationState.ACCEPTED, ApplicationState.REVIEW_SCHEDULED],
        target=ApplicationState.REVIEW_SCHEDULED,
        permission=_may_agree_review_date,
        conditions=[_has_open_proposal, _review_date_changeable],
        custom={
            "action": Action.AGREE_REVIEW_DATE,
            "parties": (is_applicant, is_review_body),
            "page": "review_date",
            # The guide's name of the applicant's button, whichever review-date action is open.
            "link": _("协商鉴定评审时间"),
        },
    )
    def agree_review_date(self):
        """The other party confirms a proposed date (or a proposed change of the agreed one)."""

    @transition(
        field=state,
        source=ApplicationState.REVIEW_SCHEDULED,
        target=None,
        permission=is_review_body,
        conditions=[_no_open_rectification],
        custom={"action": Action.REQUEST_RECTIFICATION, "parties": (is_review_body,)},
    )
    def request_rectification(self):
        """需要整改 (TSG 07-2019 §3.4.2): the items and a deadline within 6 months; the state does not change."""

    @transition(
        field=state,
        source=ApplicationState.REVIEW_SCHEDULED,
        target=None,
        permission=is_applicant,
        conditions=[_rectification_awaiting_report],
        custom={
            "action": Action.SUBMIT_RECTIFICATION_REPORT,
            "parties": (is_applicant,),
            "page": "rectification",
            "link": _("上传整改报告"),
        },
    )
    def submit_rectification_report(self):
        """整改报告: once per request, also after its deadline (the review body judges it)."""

    @transition(
        field=state,
        source=ApplicationState.REVIEW_SCHEDULED,
        target=None,
        permission=is_review_body,
        conditions=[_rectification_reported],
        custom={"action": Action.CONFIRM_RECTIFICATION, "parties": (is_review_body,)},
    )
    def confirm_rectification(self):
        """整改确认: the review body accepts the 整改报告; the review report may follow."""

    @transition(
        field=state,
        source=ApplicationState.REVIEW_SCHEDULED,
        target=ApplicationState.REVIEWED,
        permission=is_review_body,
        conditions=[_no_open_rectification],
        custom={"action": Action.SUBMIT_REVIEW_REPORT, "parties": (is_review_body,)},
    )
    def submit_review_report(self):
        """评审报告 with its conclusion and materials."""

    @transition(
        field=state,
        source=[ApplicationState.REVIEWED, ApplicationState.APPROVED, ApplicationState.DENIED],
        target=None,
        permission=is_applicant,
        conditions=[_no_feedback_yet],
        custom={
            "action": Action.SUBMIT_FEEDBACK,
            "parties": (is_applicant,),
            "page": "feedback",
            "link": _("填写评审反馈表"),
        },
    )
    def submit_feedback(self):
        """评审反馈表: after the report, once; the state does not change."""

    @transition(
        field=state,
        source=ApplicationState.REVIEWED,
        target=ApplicationState.APPROVED,
        permission=is_authority,
        conditions=[_has_report],
        custom={"action": Action.APPROVE, "parties": (is_authority,)},
    )
    def approve(self):
        """准予许可: the licence is issued."""

    @transition(
        field=state,
        source=ApplicationState.REVIEWED,
        target=ApplicationState.DENIED,
        permission=is_authority,
        conditions=[_has_report],
        custom={"action": Action.DENY, "parties": (is_authority,), "serious": True},
    )
    def deny(self):
        """不予许可."""


class ApplicationItem(models.Model):
    """A licence item and level applied for. Names are copied so that an editor renaming or
    removing a level later does not change what was applied for."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    license_item = models.ForeignKey(
        "cms.LicenseItemPage", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("许可项目")
    )
    level = models.ForeignKey(
        "cms.LicenseLevel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("级别")
    )
    category = models.CharField(_("设备类别"), max_length=50)
    item_name = models.CharField(_("许可项目"), max_length=200)
    level_code = models.CharField(_("级别/参数"), max_length=50, blank=True)
    level_description = models.CharField(_("说明"), max_length=255, blank=True)
    approval_level = models.CharField(_("审批层级"), max_length=20)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("申请许可项目")
        verbose_name_plural = _("申请许可项目")

    def __str__(self):
        return f"{self.item_name} {self.level_code}".strip()
