"""One view per staff action: GET shows its form, POST calls exactly one function of
workflows.actions. Business rules stay there; these views only translate its answers:
PermissionDenied → 404, ActionRefused (state conflicts) → a message on the detail page,
other ValidationErrors → the form again with the message.
"""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.masking import mask_mobile

from .. import action_registry, actions, staff_forms, verification
from ..models import Action, ApplicationState
from ..models.rectification import rectifications_of
from .access import StaffApplicationMixin, acts_for_staff_body, staff_queryset


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
            serious=action_registry.declaration(self.action).serious,
            # Decisions with a "我已确认…" box also get the admin's confirm dialog.
            confirm_message=(
                gettext("确定要%(action)s吗？此操作不能撤回。") % {"action": self.submit_label or self.action.label}
                if "confirmed" in form.fields
                else ""
            ),
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

    def get_form_kwargs(self):
        return {"application": self.application}

    def perform(self, form):
        data = form.cleaned_data
        license = actions.approve(
            self.application,
            self.request.user,
            data["comment"],
            against_report_confirmed=data.get("against_report_confirmed", False),
            against_report_reason=data.get("against_report_reason", ""),
            base_url=verification.public_base_url(self.request),
        )
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

    def get_form_kwargs(self):
        return {"changing": self.application.state == ApplicationState.REVIEW_SCHEDULED}

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


class RequestRectificationView(ActionView):
    action = Action.REQUEST_RECTIFICATION
    form_class = staff_forms.RectificationRequestForm
    intro_template_name = "workflows/admin/_rectification_intro.html"

    def get_context_data(self, form, **kwargs):
        return super().get_context_data(form, rectifications=rectifications_of(self.application), **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        rectification = actions.request_rectification(
            self.application, self.request.user, data["items"], data["deadline"], data["comment"]
        )
        return gettext("已通知申请单位整改（共 %(n)s 项），整改期限 %(deadline)s。") % {
            "n": len(rectification.items),
            "deadline": f"{rectification.deadline:%Y-%m-%d}",
        }


class ConfirmRectificationView(ActionView):
    action = Action.CONFIRM_RECTIFICATION
    form_class = staff_forms.RectificationConfirmForm
    intro_template_name = "workflows/admin/_rectification_intro.html"

    def get_context_data(self, form, **kwargs):
        return super().get_context_data(form, rectifications=rectifications_of(self.application), **kwargs)

    def perform(self, form):
        actions.confirm_rectification(self.application, self.request.user, form.cleaned_data["comment"])
        return gettext("已确认整改，现在可以提交评审报告。")


def views_by_action(*view_classes):
    """{action: view class}, in the order given, from each view's own `action`."""
    views = {}
    for view_class in view_classes:
        if view_class.action in views:
            raise ImproperlyConfigured(f"{view_class.__name__}: {view_class.action} has a view already")
        views[view_class.action] = view_class
    return views


# The staff actions, in the order of their buttons on the detail page; the viewset routes each at
# <pk>/<action>/ under the URL name licensing:<action>.
ACTION_VIEWS = views_by_action(
    AcceptView,
    RequestCorrectionView,
    RefuseAcceptanceView,
    ProposeReviewDatesView,
    AgreeReviewDateView,
    RequestRectificationView,
    ConfirmRectificationView,
    SubmitReviewReportView,
    ApproveView,
    DenyView,
)
