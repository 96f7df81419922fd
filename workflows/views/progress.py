"""Following the organisation's applications: 许可申请管理 (the list, each row with its running time
limit and the next thing to do) and the progress page of one submitted application.
"""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from .. import permissions, progress
from ..applicant_forms import ApplicationListFilterForm
from ..models.rectification import rectifications_shown
from ._common import ApplicantRequiredMixin

APPLICATIONS_PER_PAGE = 20


class ApplicationListView(ApplicantRequiredMixin, View):
    """许可申请管理: the organisation's applications, each with its running time limit and the
    next thing to do (guide 1.6, "直接办理"), searched by 申请编号, 许可项目, 状态 and 提交日期
    (a GET form: the criteria stay in the address, and the page links keep them)."""

    def get(self, request):
        search = ApplicationListFilterForm(request.GET)
        applications = progress.applicant_list_queryset(
            search.filter(
                permissions.visible_applications(request.user).filter(applicant_id=request.user.organisation_id)
            )
        ).order_by("-updated_at", "-pk")
        page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        rows = [progress.list_row(application, today) for application in page.object_list]
        # The empty list points a first-time applicant at the 操作指南.
        guide_url = None if rows or search.active else progress.guide_url(request)
        context = {"rows": rows, "page": page, "search": search, "guide_url": guide_url}
        return render(request, "workflows/application_list.html", context)


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
            "rectifications": rectifications_shown(application),
        }
        return render(request, "workflows/application_detail.html", context)
