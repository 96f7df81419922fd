"""Following the organisation's applications: 许可申请管理 (the list, each row with its running time
limit and the next thing to do) and the progress page of one submitted application.
"""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from .. import permissions, progress
from ._common import ApplicantRequiredMixin


class ApplicationListView(ApplicantRequiredMixin, View):
    """许可申请管理: the organisation's applications, each with its running time limit and the
    next thing to do (guide 1.6, "直接办理")."""

    def get(self, request):
        applications = progress.applicant_list_queryset(
            permissions.visible_applications(request.user).filter(applicant_id=request.user.organisation_id)
        ).order_by("-updated_at")
        today = timezone.localdate()
        rows = [progress.list_row(application, today) for application in applications]
        # The empty list points a first-time applicant at the 操作指南.
        guide_url = None if rows else progress.guide_url(request)
        return render(request, "workflows/application_list.html", {"rows": rows, "guide_url": guide_url})


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
