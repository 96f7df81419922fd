"""许可申请办理: the staff screens for applications in the Wagtail admin (DESIGN.md decision 4).

Authority staff (审批机关) and review-body staff (鉴定评审机构) share one ViewSet:
- the queue (index) lists exactly the applications guardian lets the user's organisation view
  (DESIGN.md decision 3: granted on submission to the authority, on acceptance to the review
  body), never drafts, with filters, search and CSV/XLSX export;
- the detail page shows the whole application, its documents, the review and the audit trail,
  and the actions `workflows.actions.available_actions` offers the user now;
- one view per staff action: GET shows its form, POST calls exactly one function of
  workflows.actions. Business rules stay there; these views only translate its answers:
  PermissionDenied → 404, ActionRefused (state conflicts) → a message on the detail page,
  other ValidationErrors → the form again with the message.

Nothing here creates, edits or deletes an application, not even for a superuser: the state
machine is the only way an application changes. Anything the user may not see is a 404.
"""

from collections import OrderedDict

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import F, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from guardian.shortcuts import get_objects_for_user, get_users_with_perms
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.masking import mask_id_number, mask_mobile
from accounts.models import OrganisationKind, ReviewBody
from forms_config.pdf import pdf_bytes_response

from . import actions, deadlines, permissions, printing, staff_forms
from .models import (
    Action,
    Application,
    ApplicationEvent,
    ApplicationItem,
    ApplicationState,
    Document,
    ReviewAppointment,
)

STAFF_KINDS = frozenset({OrganisationKind.AUTHORITY, OrganisationKind.REVIEW_BODY})


# --- who is staff ------------------------------------------------------------------------------


def acts_for_staff_body(user):
    """Whether the user acts for an authority or a review body (and so may take staff actions)."""
    if not (user.is_authenticated and user.is_active) or user.organisation_id is None:
        return False
    return user.organisation.kind in STAFF_KINDS


def may_open_queue(user):
    # Superusers may look at everything (support, audits) but take no action: a decision is
    # made by an authority or a review body, and the audit trail names the organisation.
    return user.is_authenticated and user.is_active and (user.is_superuser or acts_for_staff_body(user))


def staff_queryset(user):
    """The applications the user's organisation may view, as guardian says (no global perms),
    drafts left out: a draft belongs to the applicant alone."""
    return get_objects_for_user(user, permissions.VIEW, klass=Application, accept_global_perms=False).exclude(
        state=ApplicationState.DRAFT
    )


class ApplicationPermissionPolicy(BasePermissionPolicy):
    """Only "view" exists: the queue is open to authority and review-body staff (and superusers),
    each application to those guardian grants view on. No add, change or delete for anyone."""

    def user_has_permission(self, user, action):
        return action == "view" and may_open_queue(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and may_open_queue(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(organisation__kind__in=STAFF_KINDS))

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and not instance.is_draft
            and user.has_perm(permissions.VIEW, instance)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Application.objects.none()
        return staff_queryset(user)

    def users_with_any_permission_for_instance(self, actions, instance):
        if "view" not in actions or instance.is_draft:
            return get_user_model().objects.none()
        holders = get_users_with_perms(
            instance, only_with_perms_in=["view_application"], with_group_users=True, with_superusers=True
        )
        return holders.filter(is_active=True).filter(Q(is_superuser=True) | Q(organisation__kind__in=STAFF_KINDS))


policy = ApplicationPermissionPolicy(Application)
# Registered when this module is first imported (by the register_admin_viewset hook), before the
# viewset asks the registry: otherwise Wagtail creates a fallback model-permission policy.
register_permission_policy(Application, policy, exact_class=True)


# --- the queue ---------------------------------------------------------------------------------


def items_text(application):
    return gettext("、").join(str(item) for item in application.items.all())


def local_datetime(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def review_body_name(application):
    return application.review_body.name if application.review_body_id else ""


def overdue_text(application):
    return gettext("是") if deadlines.is_overdue(application) else gettext("否")


class DeadlineColumn(Column):
    """办理期限: the due date, and a red 已超期 tag once it has passed."""

    cell_template_name = "workflows/admin/deadline_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["overdue"] = deadlines.is_overdue(instance)
        return context


def _yes_no():
    return [("yes", _("已超期")), ("no", _("未超期"))]


class ApplicationFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[choice for choice in ApplicationState.choices if choice[0] != ApplicationState.DRAFT],
        empty_label=_("全部"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("超期"), choices=_yes_no, empty_label=_("全部"), method="filter_overdue"
    )
    submitted_at = django_filters.DateFromToRangeFilter(label=_("提交时间"), widget=DateRangePickerWidget)
    review_body = django_filters.ModelChoiceFilter(
        label=_("鉴定评审机构"), queryset=ReviewBody.objects.order_by("name"), empty_label=_("全部")
    )

    class Meta:
        model = Application
        fields = ["state"]

    def filter_overdue(self, queryset, name, value):
        # The same rule as deadlines.is_overdue, as a plain date comparison on the stored due date.
        today = timezone.localdate()
        if value == "yes":
            return queryset.filter(due_on__lt=today)
        if value == "no":
            return queryset.filter(Q(due_on__isnull=True) | Q(due_on__gte=today))
        return queryset


# Columns of the CSV/XLSX export: heading and value of each.
EXPORT_COLUMNS = OrderedDict(
    [
        ("reference", (_("申请编号"), lambda a: a.reference)),
        ("applicant", (_("申请单位"), lambda a: a.applicant.name)),
        ("items", (_("许可项目"), items_text)),
        ("authority", (_("审批机关"), lambda a: a.authority.name)),
        ("review_body", (_("鉴定评审机构"), review_body_name)),
        ("state", (_("状态"), lambda a: a.get_state_display())),
        ("submitted_at", (_("提交时间"), lambda a: local_datetime(a.submitted_at))),
        ("due_on", (_("办理期限"), lambda a: a.due_on)),
        ("overdue", (_("已超期"), overdue_text)),
    ]
)

# Orderings on columns that may be empty: empty last in both directions, on every database.
NULLABLE_ORDERINGS = {"due_on", "submitted_at", "review_body__name"}


class ApplicationIndexView(generic.IndexView):
    page_title = _("许可申请办理")

    def get_base_queryset(self):
        return (
            staff_queryset(self.request.user)
            .select_related("applicant", "authority", "review_body")
            .prefetch_related(Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")))
        )

    def order_queryset(self, queryset):
        ordering = self.ordering if isinstance(self.ordering, str) else None
        field = ordering.lstrip("-") if ordering else None
        if field in NULLABLE_ORDERINGS:
            expression = F(field).desc(nulls_last=True) if ordering.startswith("-") else F(field).asc(nulls_last=True)
            return queryset.order_by(expression, "pk")
        return super().order_queryset(queryset)

    def get_list_more_buttons(self, instance):
        # The reference links to the detail page; there is nothing to edit, copy or delete.
        return []

    def to_row_dict(self, item):
        return OrderedDict((field, EXPORT_COLUMNS[field][1](item)) for field in self.list_export)


# --- the detail page and downloads -------------------------------------------------------------


class StaffApplicationMixin:
    """Looks the URL's application up among those the user may view; anything else is a 404,
    and so is an action the user's organisation plays no part in."""

    model = Application
    index_url_name = None
    detail_url_name = None
    header_icon = "tasks"

    def get_queryset(self):
        return staff_queryset(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not may_open_queue(request.user):
            raise Http404
        try:
            self.application = self.get_queryset().get(pk=kwargs["pk"])
        except Application.DoesNotExist:
            raise Http404 from None
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    @cached_property
    def detail_url(self):
        return reverse(self.detail_url_name, args=[self.application.pk])

    def application_breadcrumbs(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": gettext("许可申请办理")},
            {"url": self.detail_url, "label": str(self.application)},
        ]


def detail_queryset(user):
    return (
        staff_queryset(user)
        .select_related(
            "applicant__region__parent__parent",
            "authority",
            "review_body",
            "schema_version",
            "created_by",
            "correction_notice__issued_by",
            "review_report__submitted_by",
            "review_report__review_body",
            "review_feedback__schema_version",
            "review_feedback__submitted_by",
            "license",
        )
        .prefetch_related(
            Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")),
            "attachments",
            Prefetch("documents", queryset=Document.objects.select_related("issued_by")),
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor", "actor_organisation")),
            Prefetch(
                "review_proposals", queryset=ReviewAppointment.objects.select_related("proposed_by", "answered_by")
            ),
            "correction_notice__items",
            "review_report__files",
        )
    )


def one_to_one(application, name):
    """The related row of a reverse one-to-one (loaded by select_related), or None."""
    try:
        return getattr(application, name)
    except ObjectDoesNotExist:
        return None


def form_pages(application):
    """Every visible page of the frozen form with its values (workflows.printing, as the printed
    申请书 shows them), each field with the files uploaded into it."""
    files_by_key = {}
    for attachment in application.attachments.all():
        files_by_key.setdefault(attachment.field_key, []).append(attachment)
    return [
        {"page": page, "fields": [{"field": f, "files": files_by_key.get(f.key, [])} for f in page.fields]}
        for page in printing.printed_pages(application)
    ]


def attachment_rows(application):
    """申请材料: every uploaded file with the label of the field it belongs to."""
    fields = application.schema_version.parsed.fields_by_key
    return [
        {
            "attachment": attachment,
            "label": fields[attachment.field_key].label if attachment.field_key in fields else "",
        }
        for attachment in application.attachments.all()
    ]


def feedback_pages(feedback):
    if feedback is None:
        return []
    schema = feedback.schema_version.parsed
    data = feedback.data or {}
    return [printing.printed_page(schema, page, data) for page in schema.visible_pages(data)]


# The staff actions, in the order their buttons appear, and the URL name of each one's view.
STAFF_ACTIONS = [
    Action.ACCEPT,
    Action.REQUEST_CORRECTION,
    Action.REFUSE_ACCEPTANCE,
    Action.PROPOSE_REVIEW_DATES,
    Action.AGREE_REVIEW_DATE,
    Action.SUBMIT_REVIEW_REPORT,
    Action.APPROVE,
    Action.DENY,
]
SERIOUS_ACTIONS = {Action.REFUSE_ACCEPTANCE, Action.DENY}


def staff_actions(application, user):
    """The staff actions `user` may take now, from workflows.actions; none for a superuser who
    acts for no authority or review body."""
    if not acts_for_staff_body(user):
        return []
    available = set(actions.available_actions(application, user))
    return [action for action in STAFF_ACTIONS if action in available]


class ApplicationDetailView(StaffApplicationMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "workflows/admin/detail.html"

    def get_queryset(self):
        return detail_queryset(self.request.user)

    def get_page_title(self):
        return gettext("许可申请 %(ref)s") % {"ref": self.application}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": gettext("许可申请办理")},
            {"url": "", "label": str(self.application)},
        ]

    @cached_property
    def available(self):
        return [
            {
                "action": action,
                "label": action.label,
                "url": reverse(f"licensing:{action.value}", args=[self.application.pk]),
                "serious": action in SERIOUS_ACTIONS,
            }
            for action in staff_actions(self.application, self.request.user)
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                entry["label"],
                url=entry["url"],
                icon_name="cross" if entry["serious"] else "arrow-right",
                priority=index,
            )
            for index, entry in enumerate(self.available)
        ]

    def get_context_data(self, **kwargs):
        application = self.application
        applicant = application.applicant
        notice = one_to_one(application, "correction_notice")
        report = one_to_one(application, "review_report")
        feedback = one_to_one(application, "review_feedback")
        deadline = deadlines.deadline_of(application)
        return super().get_context_data(
            application=application,
            items=list(application.items.all()),
            applicant=applicant,
            applicant_region=applicant.region.full_name if applicant.region_id else "",
            contact_id_number=mask_id_number(applicant.contact_id_number),
            contact_mobile=mask_mobile(applicant.contact_mobile),
            deadline=deadline,
            overdue_by=-deadline.remaining if deadline and deadline.overdue else 0,
            pages=form_pages(application),
            attachments=attachment_rows(application),
            documents=list(application.documents.all()),
            notice=notice,
            notice_items=list(notice.items.all()) if notice else [],
            proposals=list(application.review_proposals.all()),
            report=report,
            report_files=list(report.files.all()) if report else [],
            feedback=feedback,
            feedback_pages=feedback_pages(feedback),
            license=one_to_one(application, "license"),
            events=list(application.events.all()),
            available_actions=self.available,
            **kwargs,
        )


def private_file_response(field_file, filename, content_type):
    """A stored private file as a download: never sniffed, never cached (personal data)."""
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AttachmentDownloadView(StaffApplicationMixin, View):
    def get(self, request, pk, file_uuid):
        attachment = self.application.attachments.filter(uuid=file_uuid).first()
        if attachment is None:
            raise Http404
        return private_file_response(attachment.file, attachment.original_name, attachment.content_type)


class DocumentDownloadView(StaffApplicationMixin, View):
    def get(self, request, pk, document_uuid):
        document = self.application.documents.filter(uuid=document_uuid).first()
        if document is None:
            raise Http404
        return private_file_response(document.file, document.filename, "application/pdf")


class ReviewFileDownloadView(StaffApplicationMixin, View):
    def get(self, request, pk, file_uuid):
        report = one_to_one(self.application, "review_report")
        review_file = report.files.filter(uuid=file_uuid).first() if report else None
        if review_file is None:
            raise Http404
        return private_file_response(review_file.file, review_file.original_name, review_file.content_type)


class PrintApplicationView(StaffApplicationMixin, View):
    """The whole 许可申请书 as PDF, as the applicant prints it."""

    def get(self, request, pk):
        filename = gettext("许可申请书-%(reference)s.pdf") % {"reference": self.application.reference}
        return pdf_bytes_response(printing.print_application(self.application), filename)


# --- the actions -------------------------------------------------------------------------------


class ActionView(StaffApplicationMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: the action's form; POST: the one function of workflows.actions behind it."""

    action = None
    form_class = None
    template_name = "workflows/admin/action_form.html"
    intro_template_name = None  # what the officer should see above the form, if anything
    submit_label = None

    def get_queryset(self):
        return staff_queryset(self.request.user).select_related(
            "applicant", "authority", "review_body", "schema_version", "correction_notice", "review_report"
        )

    def dispatch(self, request, *args, **kwargs):
        # Only an authority's or a review body's staff act (not a superuser acting for nobody).
        if not acts_for_staff_body(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.action.label

    def get_page_subtitle(self):
        return str(self.application)

    def get_breadcrumbs_items(self):
        return self.application_breadcrumbs() + [{"url": "", "label": self.action.label}]

    def get_form_kwargs(self):
        return {}

    def get_form(self, data=None, files=None):
        return self.form_class(data, files, **self.get_form_kwargs())

    def perform(self, form):
        """Call the action; return the success message."""
        raise NotImplementedError

    def refused(self, error):
        # A state conflict (acted on by someone else, or not possible any more): nothing the
        # form could fix, so back to the application with the action's own explanation.
        messages.error(self.request, " ".join(error.messages))
        return redirect(self.detail_url)

    def get(self, request, pk):
        try:
            actions.check_only(self.application, request.user, self.action)
        except actions.ActionRefused as error:
            return self.refused(error)
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, pk):
        try:
            actions.check_only(self.application, request.user, self.action)
        except actions.ActionRefused as error:
            return self.refused(error)
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                message = self.perform(form)
            except actions.ActionRefused as error:
                return self.refused(error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, message)
                return redirect(self.detail_url)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, form, **kwargs):
        return super().get_context_data(
            form=form,
            media=form.media,
            application=self.application,
            items=list(self.application.items.order_by("sort_order", "pk")),
            action_url=self.request.path,
            detail_url=self.detail_url,
            intro_template_name=self.intro_template_name,
            submit_button_label=self.submit_label or self.action.label,
            submit_button_active_label=gettext("正在提交…"),
            serious=self.action in SERIOUS_ACTIONS,
            **kwargs,
        )


class AcceptView(ActionView):
    action = Action.ACCEPT
    form_class = staff_forms.AcceptForm
    intro_template_name = "workflows/admin/_accept_intro.html"

    def get_context_data(self, form, **kwargs):
        bodies = [
            {"body": body, "mobile": mask_mobile(body.contact_mobile)} for body in form.fields["review_body"].queryset
        ]
        return super().get_context_data(form, review_bodies=bodies, **kwargs)

    def perform(self, form):
        body = form.cleaned_data["review_body"]
        actions.accept(self.application, self.request.user, body, form.cleaned_data["comment"])
        return gettext("已受理，受理决定书已签发。受委托的鉴定评审机构：%(body)s。") % {"body": body.name}


class RequestCorrectionView(ActionView):
    action = Action.REQUEST_CORRECTION
    form_class = staff_forms.CorrectionForm
    template_name = "workflows/admin/correction_form.html"
    submit_label = _("发出补正告知书")

    def get_form_kwargs(self):
        return {"application": self.application}

    def perform(self, form):
        actions.request_correction(self.application, self.request.user, form.items, form.cleaned_data["comment"])
        return gettext("补正告知书已签发，共 %(n)s 项，已通知申请单位。") % {"n": len(form.items)}


class RefuseAcceptanceView(ActionView):
    action = Action.REFUSE_ACCEPTANCE
    form_class = staff_forms.RefuseAcceptanceForm

    def perform(self, form):
        actions.refuse_acceptance(self.application, self.request.user, form.cleaned_data["reasons"])
        return gettext("已作出不予受理决定，不予受理决定书已签发。")


class ApproveView(ActionView):
    action = Action.APPROVE
    form_class = staff_forms.ApproveForm
    intro_template_name = "workflows/admin/_decision_intro.html"

    def perform(self, form):
        license = actions.approve(self.application, self.request.user, form.cleaned_data["comment"])
        return gettext("已准予许可，许可证编号 %(number)s，有效期至 %(until)s。") % {
            "number": license.number,
            "until": f"{license.valid_until:%Y-%m-%d}",
        }


class DenyView(ActionView):
    action = Action.DENY
    form_class = staff_forms.DenyForm
    intro_template_name = "workflows/admin/_decision_intro.html"

    def perform(self, form):
        actions.deny(self.application, self.request.user, form.cleaned_data["reasons"])
        return gettext("已作出不予许可决定，不予许可决定书已签发。")


class ProposeReviewDatesView(ActionView):
    action = Action.PROPOSE_REVIEW_DATES
    form_class = staff_forms.ProposeReviewDatesForm
    intro_template_name = "workflows/admin/_proposals_intro.html"

    def get_context_data(self, form, **kwargs):
        return super().get_context_data(form, proposals=list(self.application.review_proposals.all()), **kwargs)

    def perform(self, form):
        proposal = actions.propose_review_dates(
            self.application, self.request.user, form.dates, form.cleaned_data["comment"]
        )
        return gettext("已向申请单位提议鉴定评审日期：%(dates)s，等待申请单位确认。") % {
            "dates": gettext("、").join(proposal.dates)
        }


class AgreeReviewDateView(ActionView):
    action = Action.AGREE_REVIEW_DATE
    form_class = staff_forms.AgreeReviewDateForm
    intro_template_name = "workflows/admin/_proposals_intro.html"

    def get_form_kwargs(self):
        return {"proposal": self.application.open_proposal()}

    def get_context_data(self, form, **kwargs):
        return super().get_context_data(form, proposals=list(self.application.review_proposals.all()), **kwargs)

    def perform(self, form):
        day = form.cleaned_data["day"]
        actions.agree_review_date(self.application, self.request.user, day)
        return gettext("已确认鉴定评审日期：%(day)s。") % {"day": f"{day:%Y-%m-%d}"}


class SubmitReviewReportView(ActionView):
    action = Action.SUBMIT_REVIEW_REPORT
    form_class = staff_forms.ReviewReportForm

    def perform(self, form):
        data = form.cleaned_data
        actions.submit_review_report(
            self.application,
            self.request.user,
            reviewed_from=data["reviewed_from"],
            reviewed_to=data["reviewed_to"],
            conclusion=data["conclusion"],
            summary=data["summary"],
            report_file=data["report_file"],
            materials=data["materials"],
        )
        return gettext("评审报告已提交，已通知审批机关和申请单位。")


ACTION_VIEWS = {
    Action.ACCEPT: AcceptView,
    Action.REQUEST_CORRECTION: RequestCorrectionView,
    Action.REFUSE_ACCEPTANCE: RefuseAcceptanceView,
    Action.PROPOSE_REVIEW_DATES: ProposeReviewDatesView,
    Action.AGREE_REVIEW_DATE: AgreeReviewDateView,
    Action.SUBMIT_REVIEW_REPORT: SubmitReviewReportView,
    Action.APPROVE: ApproveView,
    Action.DENY: DenyView,
}


# --- the viewset -------------------------------------------------------------------------------


class ApplicationAdminURLFinder(ModelAdminURLFinder):
    """Logs and notifications link an application to its detail page (there is no edit page)."""

    edit_url_name = "licensing:detail"

    def get_edit_url(self, instance):
        if self.user and not policy.user_has_permission_for_instance(self.user, "view", instance):
            return None
        return self.construct_edit_url(instance)


class ApplicationViewSet(ModelViewSet):
    model = Application
    name = "licensing"  # workflows.notifications.staff_url reverses "licensing:detail"
    url_prefix = "licensing"
    icon = "tasks"
    menu_label = _("许可申请办理")
    menu_order = 50
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ApplicationIndexView
    filterset_class = ApplicationFilterSet
    search_backend_name = None  # plain icontains: applications are not in the search index
    search_fields = ["reference", "applicant__name"]
    ordering = "due_on"  # the most urgent first; finished ones (no running limit) last
    list_per_page = 50
    list_display = [
        "reference",
        Column("applicant", label=_("申请单位"), accessor="applicant.name", sort_key="applicant__name"),
        Column("items", label=_("许可项目"), accessor=items_text),
        Column("authority", label=_("审批机关"), accessor="authority.name"),
        Column("review_body", label=_("鉴定评审机构"), accessor=review_body_name, sort_key="review_body__name"),
        StatusTagColumn(
            "state",
            label=_("状态"),
            accessor="get_state_display",
            sort_key="state",
            primary=lambda application: application.due_on is not None,
        ),
        Column(
            "submitted_at",
            label=_("提交时间"),
            accessor=lambda application: local_datetime(application.submitted_at),
            sort_key="submitted_at",
        ),
        DeadlineColumn("due_on", label=_("办理期限"), sort_key="due_on"),
    ]
    list_export = list(EXPORT_COLUMNS)
    export_headings = {field: label for field, (label, _value) in EXPORT_COLUMNS.items()}
    export_filename = "licensing-applications"
    url_finder_class = ApplicationAdminURLFinder

    def get_permissions_to_register(self):
        # Who sees what is decided by guardian object permissions on organisation groups, not by
        # model permissions a group editor could tick: offer none.
        return Permission.objects.none()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            # No generic add/edit/delete/history views exist; the title links to the detail page.
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            inspect_url_name=self.get_url_name("detail"),
            detail_url_name=self.get_url_name("detail"),
            **kwargs,
        )

    def get_urlpatterns(self):
        urlpatterns = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.construct_view(ApplicationDetailView), name="detail"),
            path("<int:pk>/print/", self.construct_view(PrintApplicationView), name="print"),
            path(
                "<int:pk>/attachments/<uuid:file_uuid>/",
                self.construct_view(AttachmentDownloadView),
                name="attachment",
            ),
            path(
                "<int:pk>/documents/<uuid:document_uuid>/",
                self.construct_view(DocumentDownloadView),
                name="document",
            ),
            path(
                "<int:pk>/review-files/<uuid:file_uuid>/",
                self.construct_view(ReviewFileDownloadView),
                name="review_file",
            ),
        ]
        for action, view_class in ACTION_VIEWS.items():
            urlpatterns.append(
                path(f"<int:pk>/{action.value.replace('_', '-')}/", self.construct_view(view_class), name=action.value)
            )
        return urlpatterns
