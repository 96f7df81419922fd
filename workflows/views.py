"""The applicant's side of 许可申请 (guide 1.5 and 1.6): choose items, fill the pages, check, submit,
then follow the progress and act: 补齐补正, documents, 协商鉴定评审时间, 评审反馈表, 撤回, 站内消息.

Views read the request, call one service (workflows.services, .actions, .correction, .feedback)
and render. Every application is looked up through workflows.permissions, which answers 404 for
anything the user's organisation may not see; the draft pages additionally need the change
permission and a draft state. An action the user's organisation plays no part in is a 404 too;
one the state does not allow (ActionRefused) shows its message with 409, bad input 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from forms_config.pdf import pdf_bytes_response
from forms_config.schema import FIELD_PREFIX

from . import actions, correction, feedback, permissions, printing, progress, services
from .applicant_forms import AgreeReviewDateForm, ProposeReviewDatesForm, WithdrawForm
from .authority import provincial_authority
from .forms import CatalogueSearchForm
from .models import (
    Action,
    Application,
    ApplicationItem,
    ApplicationState,
    CorrectionTarget,
    Document,
    Notification,
    ProposalSide,
)


def _is_applicant(user):
    return user.is_authenticated and user.organisation_id is not None and user.organisation.is_applicant


class ApplicantRequiredMixin(LoginRequiredMixin):
    """Only applicant accounts fill applications; staff work in the Wagtail admin."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _is_applicant(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _application_queryset():
    return Application.objects.select_related("schema_version", "authority", "applicant").prefetch_related(
        Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk"))
    )


def _changeable_or_404(user, uuid):
    """An application the user's organisation may change (its state is each view's business)."""
    return permissions.get_application_or_404(user, uuid, permissions.CHANGE, _application_queryset())


class ApplicationListView(ApplicantRequiredMixin, View):
    """许可申请管理: the organisation's applications, each with its running time limit and the
    next thing to do (guide 1.6, "直接办理")."""

    def get(self, request):
        applications = progress.applicant_list_queryset(
            permissions.visible_applications(request.user).filter(applicant_id=request.user.organisation_id)
        ).order_by("-updated_at")
        today = timezone.localdate()
        rows = []
        for application in applications:
            action = progress.next_action(application)
            rows.append(
                {
                    "application": application,
                    "next": action,
                    "overdue": application.due_on is not None and today > application.due_on,
                    # An approved application still owing its feedback offers the licence beside it.
                    "license": progress.license_document(application)
                    if application.state == ApplicationState.APPROVED and action.key != "license"
                    else None,
                }
            )
        return render(request, "workflows/application_list.html", {"rows": rows})


class ChooseItemsView(ApplicantRequiredMixin, View):
    """选取许可项目: search the catalogue, tick levels, start a draft."""

    template_name = "workflows/choose_items.html"

    def get(self, request, error=None, selected=()):
        search = CatalogueSearchForm(request.GET or None)
        items = list(search.items())
        context = {
            "search": search,
            "items": items,
            "error": error,
            "selected": {str(s) for s in selected},
            "province_authority": provincial_authority(request.user.organisation),
        }
        return render(request, self.template_name, context, status=400 if error else 200)

    def post(self, request):
        level_ids = [v for v in request.POST.getlist("level") if v.isdigit()]
        try:
            application = services.start_application(request.user, level_ids)
        except ValidationError as error:
            return self.get(request, error=" ".join(error.messages), selected=level_ids)
        messages.success(
            request,
            _("已创建申请书草稿，审批机关：%(authority)s。填写内容会自动保存。") % {"authority": application.authority},
        )
        return redirect("applications:page", application.uuid, 1)


class FormPageView(ApplicantRequiredMixin, View):
    """One page of the 申请书: the page list, the fields, 上一页/下一页, 保存, 打印当前页."""

    template_name = "workflows/form_page.html"

    def setup_page(self, request, uuid, number):
        application = _changeable_or_404(request.user, uuid)
        if not application.is_draft:
            raise Http404
        schema = application.schema_version.parsed
        if not 1 <= number <= len(schema.pages):
            raise Http404
        return application, schema, schema.page(number)

    def get(self, request, uuid, number):
        application, schema, page = self.setup_page(request, uuid, number)
        if not schema.page_visible(page, application.data):
            return redirect(_next_page_url(application, schema, number))
        form = schema.page_form(page, application.data)
        show_errors = "errors" in request.GET
        if show_errors:
            form.is_valid()
        return self.render(request, application, schema, page, form, show_errors)

    def post(self, request, uuid, number):
        application, schema, page = self.setup_page(request, uuid, number)
        form = schema.page_form(page, application.data)
        values = form.raw_from_post(request.POST, request.FILES)
        upload_errors = {}
        for spec in page.fields:
            if spec.accepts_uploads:
                name = form.add_prefix(spec.key)
                errors = services.attach_files(
                    application,
                    spec,
                    request.FILES.getlist(name),
                    request.POST.getlist(f"{name}__remove"),
                    request.user,
                )
                if errors:
                    upload_errors[spec.key] = errors
        services.save_values(application, values, current_page=number)
        form = schema.page_form(page, application.data)

        action = request.POST.get("action", "save")
        goto = request.POST.get("goto", "")
        if goto.isdigit() and 1 <= int(goto) <= len(schema.pages):
            return redirect("applications:page", application.uuid, int(goto))
        if action == "prev":
            return redirect(_previous_page_url(application, schema, number))
        if action == "print":
            return redirect("applications:print_page", application.uuid, number)
        if action == "check":
            return redirect("applications:check", application.uuid)
        if action == "next":
            if form.is_valid() and not upload_errors:
                return redirect(_next_page_url(application, schema, number))
            return self.render(request, application, schema, page, form, True, upload_errors, status=400)
        if upload_errors:
            return self.render(request, application, schema, page, form, False, upload_errors, status=400)
        messages.success(request, _("已保存。"))
        return redirect("applications:page", application.uuid, number)

    def render(self, request, application, schema, page, form, show_errors, upload_errors=None, status=200):
        upload_errors = upload_errors or {}
        fields = [
            {
                "bound": form[key],
                "spec": spec,
                "hidden": key in form.hidden_keys,
                "errors": (list(form.errors.get(key, [])) if show_errors else []) + upload_errors.get(key, []),
                "files": application.data.get(key) or [] if spec.accepts_uploads else [],
            }
            for key, spec in form.specs.items()
        ]
        visible = schema.visible_pages(application.data)
        numbers = [p.number for p in visible]
        position = numbers.index(page.number) if page.number in numbers else 0
        context = {
            "application": application,
            "schema": schema,
            "page": page,
            "form": form,
            "fields": fields,
            "has_errors": any(f["errors"] for f in fields),
            "pages": visible,
            "is_first": position == 0,
            "is_last": position == len(numbers) - 1,
            "items": application.items.all(),
            "saved_at": application.updated_at,
            "saved_token": saved_token(application),
        }
        return render(request, self.template_name, context, status=status)


def saved_token(application):
    """Identifies the server's last save of a draft for the browser-side backup (see application_form.js)."""
    stamp = application.updated_at
    return f"{int(stamp.timestamp())}.{stamp.microsecond:06d}"


def _next_page_url(application, schema, number):
    page = schema.next_visible_page(number, application.data)
    if page is None:  # the last page: on to the check page
        return reverse("applications:check", args=[application.uuid])
    return reverse("applications:page", args=[application.uuid, page.number])


def _previous_page_url(application, schema, number):
    page = schema.previous_visible_page(number, application.data)
    return reverse("applications:page", args=[application.uuid, page.number if page else number])


@require_POST
def autosave(request, uuid, number):
    """自动保存: the page's typed values (not uploads), every few seconds while the applicant types.

    Answers JSON, and 401 when the session has expired, so the page can keep the values in the
    browser and ask the applicant to log in again instead of following a redirect."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "error": _("登录已过期，请重新登录。")}, status=401)
    if not _is_applicant(request.user):
        raise Http404
    application = _changeable_or_404(request.user, uuid)
    if not application.is_draft:
        return JsonResponse({"ok": False, "error": _("该申请已提交，不能再修改。")}, status=409)
    schema = application.schema_version.parsed
    if not 1 <= number <= len(schema.pages):
        raise Http404
    form = schema.page_form(schema.page(number), application.data)
    services.save_values(application, form.raw_from_post(request.POST, request.FILES))
    saved_at = timezone.localtime(application.updated_at)
    return JsonResponse(
        {
            "ok": True,
            "saved_at": saved_at.isoformat(),
            "saved_token": saved_token(application),
            "message": _("已自动保存（%(time)s）") % {"time": saved_at.strftime("%H:%M:%S")},
        }
    )


class CheckView(ApplicantRequiredMixin, View):
    """核对: every missing or invalid value with a link to it, then 提交."""

    template_name = "workflows/check.html"

    def get(self, request, uuid):
        application = _changeable_or_404(request.user, uuid)
        if not application.is_draft:
            return redirect("applications:detail", application.uuid)
        return self.render(request, application)

    def render(self, request, application, status=200, error=None):
        problems = application.schema_version.parsed.problems(application.data)
        rows = [
            {
                "page": page,
                "label": spec.label,
                "messages": list(errors),
                "url": reverse("applications:page", args=[application.uuid, page.number])
                + f"?errors#field-f-{spec.key}",
            }
            for page, spec, errors in problems
        ]
        context = {"application": application, "problems": rows, "error": error, "items": application.items.all()}
        return render(request, self.template_name, context, status=status)

    def post(self, request, uuid):
        application = _changeable_or_404(request.user, uuid)
        if not application.is_draft:
            return redirect("applications:detail", application.uuid)
        try:
            application = services.submit_application(application, request.user)
        except services.IncompleteApplication as error:
            return self.render(request, application, status=400, error=error.messages[0])
        except ValidationError as error:
            return self.render(request, application, status=400, error=" ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("提交成功，申请编号：%(reference)s。") % {"reference": application.reference})
        return redirect("applications:detail", application.uuid)


class ApplicationDetailView(ApplicantRequiredMixin, View):
    """The progress of a submitted application: stages, time limit, every step with its
    documents, the review body and date, and the actions open to the applicant now."""

    def get(self, request, uuid):
        application = permissions.get_application_or_404(request.user, uuid, queryset=progress.detail_queryset())
        if application.is_draft:
            return redirect(application.get_absolute_url())
        events = progress.timeline(application)
        context = {
            "application": application,
            "items": application.items.all(),
            "events": events,
            "stages": progress.stages(application, events),
            "countdown": progress.countdown(application),
            "documents": list(application.documents.order_by("issued_at", "pk")),
            "proposals": list(application.review_proposals.all()),
            "notice": getattr(application, "correction_notice", None),
            "license": getattr(application, "license", None),
            "actions": progress.applicant_actions(application, request.user),
        }
        return render(request, "workflows/application_detail.html", context)


class DeleteDraftView(ApplicantRequiredMixin, View):
    template_name = "workflows/delete_draft.html"

    def get(self, request, uuid):
        application = _changeable_or_404(request.user, uuid)
        if not application.is_draft:
            raise Http404
        return render(request, self.template_name, {"application": application, "items": application.items.all()})

    def post(self, request, uuid):
        application = _changeable_or_404(request.user, uuid)
        if not application.is_draft:
            raise Http404
        services.delete_draft(application)
        messages.success(request, _("草稿已删除。"))
        return redirect("applications:list")


def _pdf(request, uuid, build, filename):
    if not _is_applicant(request.user):
        raise Http404
    application = permissions.get_application_or_404(request.user, uuid, queryset=_application_queryset())
    return pdf_bytes_response(build(application), filename(application))


def _pdf_name(application, page_number=None):
    reference = application.reference or _("草稿")
    if page_number is None:
        return _("许可申请书-%(reference)s.pdf") % {"reference": reference}
    return _("许可申请书-第%(page)s页-%(reference)s.pdf") % {"page": page_number, "reference": reference}


@login_required
def print_page(request, uuid, number):
    def build(application):
        try:
            return printing.print_page(application, number)
        except printing.PageNotPrintable:  # out of range, or hidden by its display condition
            raise Http404 from None

    return _pdf(request, uuid, build, lambda application: _pdf_name(application, number))


@login_required
def print_application(request, uuid):
    return _pdf(request, uuid, printing.print_application, _pdf_name)


@login_required
def download_attachment(request, uuid, file_uuid):
    application = permissions.get_application_or_404(request.user, uuid)
    attachment = application.attachments.filter(uuid=file_uuid).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- documents ---------------------------------------------------------------------------------


@login_required
def download_document(request, document_uuid):
    """An issued document (受理决定书, 许可证, ...) exactly as stored when it was issued."""
    document = Document.objects.select_related("application").filter(uuid=document_uuid).first()
    if document is None or not request.user.has_perm(permissions.VIEW, document.application):
        raise Http404
    return pdf_bytes_response(document.read(), document.filename, inline="download" not in request.GET)


# --- the applicant's actions after submission --------------------------------------------------


class ApplicantActionView(ApplicantRequiredMixin, View):
    """GET shows an action's page, POST performs it through workflows.actions (or a service
    that ends in it). `action` is the transition the page is for: the page is refused with the
    action's own message when the state does not allow it."""

    action = None
    template_name = None

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            # The user's organisation plays no part in this action: nothing to learn here.
            raise Http404 from None

    def get_application(self, uuid):
        return permissions.get_application_or_404(
            self.request.user, uuid, permissions.CHANGE, progress.detail_queryset()
        )

    def refusal(self, application):
        """The ActionRefused that the action would raise now, or None."""
        try:
            actions.check_only(application, self.request.user, self.action)
        except actions.ActionRefused as error:
            return error
        return None

    def get_context(self, application, **kwargs):
        return {}

    def render(self, application, status=200, error=None, refused=None, **kwargs):
        context = {
            "application": application,
            "items": application.items.all(),
            "error": error,
            "refused": " ".join(refused.messages) if refused is not None else None,
        }
        if refused is None:
            context.update(self.get_context(application, **kwargs))
        return render(self.request, self.template_name, context, status=status)

    def refused(self, application, error):
        return self.render(application, status=409, refused=error)

    def failed(self, application, error, **kwargs):
        """A refusal of the action (409) or of what was typed (400), re-rendered with its message."""
        if isinstance(error, actions.ActionRefused):
            return self.refused(application, error)
        return self.render(application, status=400, error=" ".join(error.messages), **kwargs)

    def done(self, application, message):
        messages.success(self.request, message)
        return redirect("applications:detail", application.uuid)


class CorrectionView(ApplicantActionView):
    """补齐补正: the 补正告知书 and a form in which only what it flags can be changed."""

    action = Action.RESUBMIT
    template_name = "workflows/correction.html"

    def get(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        return self.render(application)

    def post(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        schema = application.schema_version.parsed
        keys = correction.editable_keys(application)
        values, upload_errors = {}, {}
        try:
            # The pages the form showed (as get_context renders them): a field it did not show
            # was not posted, and reading it from the POST would blank it.
            for page in schema.visible_pages(application.data):
                specs = [spec for spec in page.fields if spec.key in keys]
                if not specs:
                    continue
                form = schema.page_form(page, application.data)
                values.update(form.raw_from_post(request.POST, request.FILES))
                for spec in specs:
                    if spec.accepts_uploads:
                        name = form.add_prefix(spec.key)
                        errors = correction.attach_correction_files(
                            application,
                            spec,
                            request.FILES.getlist(name),
                            request.POST.getlist(f"{name}__remove"),
                            request.user,
                        )
                        if errors:
                            upload_errors[spec.key] = errors
            correction.save_correction(application, values)
        except actions.ActionRefused as error:
            return self.refused(application, error)
        if upload_errors:
            return self.render(application, status=400, upload_errors=upload_errors)
        if request.POST.get("action") != "resubmit":
            messages.success(request, _("已保存。确认无误后请点击“提交补正”。"))
            return redirect("applications:correction", application.uuid)
        try:
            correction.resubmit(application, request.user)
        except correction.CorrectionIncomplete:
            return self.render(application, status=400, error=_("补正内容还有未填写或填写有误的地方，请修改后再提交。"))
        except ValidationError as error:
            return self.failed(application, error)
        return self.done(application, _("补正材料已提交，请等待审批机关办理。"))

    def get_context(self, application, upload_errors=None):
        upload_errors = upload_errors or {}
        schema = application.schema_version.parsed
        data = application.data
        keys = correction.editable_keys(application)
        problems = {spec.key: list(errors) for _page, spec, errors in correction.problems(application, keys)}
        sections = []
        for page in schema.visible_pages(data):
            form = schema.page_form(page, data)
            fields = []
            for spec in page.fields:
                editable = spec.key in keys
                if not editable and not schema.field_visible(spec, data):
                    continue
                fields.append(
                    {
                        "editable": editable,
                        "bound": form[spec.key],
                        "spec": spec,
                        "hidden": spec.key in form.hidden_keys,
                        "errors": problems.get(spec.key, []) + upload_errors.get(spec.key, []),
                        "files": (data.get(spec.key) or []) if spec.accepts_uploads else [],
                        "display": spec.display(data.get(spec.key)),
                    }
                )
            sections.append({"page": page, "fields": fields, "editable": any(f["editable"] for f in fields)})
        notice = application.correction_notice
        items = [
            {
                "item": item,
                "page": schema.page(item.page_number) if 1 <= item.page_number <= len(schema.pages) else None,
                "anchor": f"page-{item.page_number}"
                if item.target == CorrectionTarget.PAGE
                else f"field-{FIELD_PREFIX}-{item.key}",
            }
            for item in notice.items.all()
        ]
        notice_document = application.documents.filter(event__transition=Action.REQUEST_CORRECTION).first()
        return {
            "notice": notice,
            "notice_items": items,
            "notice_document": notice_document,
            "sections": sections,
            "has_errors": any(f["errors"] for s in sections for f in s["fields"]),
            "changes": correction.changes(application, keys),
        }


class ReviewDateView(ApplicantActionView):
    """协商鉴定评审时间: confirm one of the review body's dates, or propose others."""

    action = Action.PROPOSE_REVIEW_DATES
    template_name = "workflows/review_date.html"

    def get(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        return self.render(application)

    def refused(self, application, refused):
        # After agreement the proposals are still worth seeing: show them with the refusal.
        context = {
            "application": application,
            "items": application.items.all(),
            "refused": " ".join(refused.messages),
            "proposals": list(application.review_proposals.all()),
        }
        return render(self.request, self.template_name, context, status=409)

    def post(self, request, uuid):
        application = self.get_application(uuid)
        if request.POST.get("action") == "agree":
            return self.agree(application)
        return self.propose(application)

    def agree(self, application):
        user = self.request.user
        try:
            actions.check_only(application, user, Action.AGREE_REVIEW_DATE)
        except actions.ActionRefused as error:
            return self.refused(application, error)
        form = AgreeReviewDateForm(application.open_proposal(), self.request.POST)
        if not form.is_valid():
            return self.render(application, status=400, agree_form=form)
        day = form.cleaned_data["date"]
        try:
            actions.agree_review_date(application, user, day)
        except ValidationError as error:
            return self.failed(application, error, agree_form=form)
        return self.done(application, _("鉴定评审日期已确定：%(day)s。") % {"day": f"{day:%Y-%m-%d}"})

    def propose(self, application):
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        form = ProposeReviewDatesForm(self.request.POST)
        if not form.is_valid():
            return self.render(application, status=400, propose_form=form)
        try:
            actions.propose_review_dates(application, self.request.user, form.dates, form.cleaned_data["comment"])
        except ValidationError as error:
            return self.failed(application, error, propose_form=form)
        return self.done(application, _("已向鉴定评审机构提议鉴定评审日期，请等待对方确认。"))

    def get_context(self, application, agree_form=None, propose_form=None):
        proposal = application.open_proposal()
        from_review_body = proposal is not None and proposal.side == ProposalSide.REVIEW_BODY
        return {
            "proposals": list(application.review_proposals.all()),
            "open_proposal": proposal,
            "agree_form": agree_form or (AgreeReviewDateForm(proposal) if from_review_body else None),
            "propose_form": propose_form or ProposeReviewDatesForm(),
            "today": timezone.localdate(),
        }


class FeedbackView(ApplicantActionView):
    """评审反馈表: the configured feedback form on one screen."""

    action = Action.SUBMIT_FEEDBACK
    template_name = "workflows/feedback.html"

    def get(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        try:
            version = feedback.feedback_version(request)
        except ValidationError as error:
            return self.render(application, not_configured=" ".join(error.messages))
        return self.render(application, version=version, data=feedback.initial(version, request.user))

    def post(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        try:
            version = feedback.feedback_version(request)
        except ValidationError as error:
            return self.render(application, status=409, not_configured=" ".join(error.messages))
        data = feedback.values_from_post(version, request.POST, request.FILES)
        try:
            feedback.submit(application, request.user, version, data)
        except feedback.FeedbackIncomplete:
            return self.render(
                application,
                status=400,
                error=_("评审反馈表还有未填写或填写有误的内容，请修改后再提交。"),
                version=version,
                data=data,
                show_errors=True,
            )
        except ValidationError as error:
            return self.failed(application, error, version=version, data=data)
        return self.done(application, _("评审反馈表已提交。"))

    def get_context(self, application, version=None, data=None, show_errors=False, not_configured=None):
        if version is None:
            return {"not_configured": not_configured}
        sections = []
        for page, form in feedback.page_forms(version, data):
            if show_errors:
                form.is_valid()
            fields = [
                {
                    "bound": form[key],
                    "spec": spec,
                    "hidden": key in form.hidden_keys,
                    "errors": list(form.errors.get(key, [])) if show_errors else [],
                    "files": [],
                }
                for key, spec in form.specs.items()
                if not spec.accepts_uploads
            ]
            sections.append({"page": page, "fields": fields})
        return {
            "form_title": version.definition.get("title", ""),
            "sections": sections,
            "has_errors": any(f["errors"] for s in sections for f in s["fields"]),
        }


class WithdrawView(ApplicantActionView):
    """撤回申请, with an optional reason, while the authority has not accepted it yet."""

    action = Action.WITHDRAW
    template_name = "workflows/withdraw.html"

    def get(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        return self.render(application)

    def post(self, request, uuid):
        application = self.get_application(uuid)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render(application, status=400, form=form)
        try:
            actions.withdraw(application, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            return self.failed(application, error, form=form)
        return self.done(application, _("申请已撤回。"))

    def get_context(self, application, form=None):
        return {"form": form or WithdrawForm()}


# --- 站内消息 ----------------------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 20


class NotificationListView(LoginRequiredMixin, View):
    """The user's messages, newest first; unread ones stand out until opened."""

    def get(self, request):
        page = Paginator(Notification.objects.filter(recipient=request.user), NOTIFICATIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        has_unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).exists()
        context = {"page": page, "notifications": page.object_list, "has_unread": has_unread}
        return render(request, "workflows/notifications.html", context)


@login_required
@require_POST
def notifications_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("已全部标为已读。"))
    return redirect("applications:notifications")


@login_required
def open_notification(request, pk):
    """Mark one message read and follow its link (only to this site)."""
    notification = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect("applications:notifications")
    return redirect(target)
