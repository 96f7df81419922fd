"""Filling in a 申请书 (guide 1.5): choose the items, fill the pages (with autosave), check, submit,
or delete the draft.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from .. import check_page, services
from ..authority import routing_for
from ..forms import CatalogueSearchForm
from ._common import ApplicantRequiredMixin, changeable_or_404, file_changes, is_applicant


class ChooseItemsView(ApplicantRequiredMixin, View):
    """选取许可项目: search the catalogue, tick levels, see who decides each, start the drafts
    (one per 审批机关 when national and provincial levels are ticked together)."""

    template_name = "workflows/choose_items.html"
    requires_region = True

    def get(self, request, error=None, selected=(), selection=None):
        search = CatalogueSearchForm(request.GET or None)
        items = list(search.items())
        routing = routing_for(request.user.organisation)
        context = {
            "search": search,
            "items": items,
            "error": error,
            "selected": {str(s) for s in selected},
            "routing": routing,
            "province_authority": routing.provincial,
            "national_authority": routing.national,
            "account_url": reverse("accounts:account"),
            # The token of this form: a second submission of it returns the drafts the first made.
            "selection": selection or uuid.uuid4(),
        }
        return render(request, self.template_name, context, status=400 if error else 200)

    def post(self, request):
        level_ids = [v for v in request.POST.getlist("level") if v.isdigit()]
        selection = services.selection_token(request.POST.get("selection"))
        try:
            applications = services.start_applications(request.user, level_ids, selection)
        except ValidationError as error:
            return self.get(request, error=" ".join(error.messages), selected=level_ids, selection=selection)
        first = applications[0]
        if len(applications) == 1:
            messages.success(
                request,
                _("已创建申请书草稿，审批机关：%(authority)s。填写内容会自动保存。") % {"authority": first.authority},
            )
        else:
            messages.success(
                request,
                _(
                    "所选许可项目由不同的审批机关审批，已按审批机关分别创建%(count)s份申请书草稿：%(drafts)s。"
                    "现在填写的是第一份，其余草稿可在“许可申请管理”中继续填写。填写内容会自动保存。"
                )
                % {"count": len(applications), "drafts": "；".join(_draft_summary(a) for a in applications)},
            )
        if not first.is_draft:  # the same form submitted again after its draft was submitted
            return redirect(first.get_absolute_url())
        return redirect("applications:page", first.uuid, 1)


def _draft_summary(application):
    items = "、".join(f"{item.item_name} {item.level_code}" for item in application.items.all())
    return _("%(items)s（审批机关：%(authority)s）") % {"items": items, "authority": application.authority.name}


class FormPageView(ApplicantRequiredMixin, View):
    """One page of the 申请书: the page list, the fields, 上一页/下一页, 保存, 打印当前页."""

    template_name = "workflows/form_page.html"

    def setup_page(self, request, uuid, number):
        application = changeable_or_404(request.user, uuid)
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
        try:
            upload_errors = services.save_page(
                application,
                request.user,
                form.raw_from_post(request.POST, request.FILES),
                file_changes(request, form, page.fields),
                current_page=number,
            )
        except services.NotDraft as error:  # submitted (or withdrawn) since the page was read
            return _not_a_draft(request, application, error)
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


def _not_a_draft(request, application, error):
    messages.error(request, " ".join(error.messages))
    return redirect("applications:detail", application.uuid)


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
    if not is_applicant(request.user):
        raise Http404
    application = changeable_or_404(request.user, uuid)
    if not application.is_draft:
        return JsonResponse({"ok": False, "error": _("该申请已提交，不能再修改。")}, status=409)
    schema = application.schema_version.parsed
    if not 1 <= number <= len(schema.pages):
        raise Http404
    form = schema.page_form(schema.page(number), application.data)
    try:
        services.save_values(application, form.raw_from_post(request.POST, request.FILES))
    except services.NotDraft as error:  # submitted since the check above (another tab)
        return JsonResponse({"ok": False, "error": " ".join(error.messages)}, status=409)
    saved_at = timezone.localtime(application.updated_at)
    return JsonResponse(
        {
            "ok": True,
            "saved_at": saved_at.isoformat(),
            # The server's clock, not the browser's: an old machine's clock may be far off.
            "saved_time": saved_at.strftime("%H:%M"),
            "saved_token": saved_token(application),
            "message": _("已保存 %(time)s") % {"time": saved_at.strftime("%H:%M")},
        }
    )


class CheckView(ApplicantRequiredMixin, View):
    """核对并提交: every visible page's values read-only with a 修改 link to the page, every missing
    or invalid value with a link to it, then 提交."""

    template_name = "workflows/check.html"

    def get(self, request, uuid):
        application = changeable_or_404(request.user, uuid)
        if not application.is_draft:
            return redirect("applications:detail", application.uuid)
        return self.render(request, application)

    def render(self, request, application, status=200, error=None):
        problems = services.application_problems(application)
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
        context = {
            "application": application,
            "pages": check_page.check_pages(application),
            "problems": rows,
            "error": error,
            "items": application.items.all(),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request, uuid):
        application = changeable_or_404(request.user, uuid)
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


class DeleteDraftView(ApplicantRequiredMixin, View):
    template_name = "workflows/delete_draft.html"

    def get(self, request, uuid):
        application = changeable_or_404(request.user, uuid)
        if not application.is_draft:
            raise Http404
        return render(request, self.template_name, {"application": application, "items": application.items.all()})

    def post(self, request, uuid):
        application = changeable_or_404(request.user, uuid)
        if not application.is_draft:
            raise Http404
        try:
            services.delete_draft(application)
        except services.NotDraft as error:  # submitted since the page was read: nothing is deleted
            return _not_a_draft(request, application, error)
        messages.success(request, _("草稿已删除。"))
        return redirect("applications:list")
