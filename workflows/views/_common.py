"""What the applicant's views share: who counts as an applicant, how an application is looked up
and how a page's file fields are read from a POST.

Every application is looked up through workflows.permissions, which answers 404 for anything the
user's organisation may not see; the draft pages additionally need the change permission and a
draft state.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.services import region_missing

from .. import permissions
from ..models import Application, ApplicationItem


def is_applicant(user):
    return user.is_authenticated and user.organisation_id is not None and user.organisation.is_applicant


class ApplicantRequiredMixin(LoginRequiredMixin):
    """Only applicant accounts fill applications; staff work in the Wagtail admin.

    A view that starts an application sets `requires_region`: an account without 所在地 (it decides
    the 审批机关) is sent to 完善所在地 first and comes back afterwards."""

    requires_region = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_applicant(request.user):
            raise Http404
        if self.requires_region and region_missing(request.user):
            messages.info(request, _("请先完善所在地，再办理许可申请。"))
            # Back to this page afterwards; a POST-only start (换证, 变更) back to 我的办事.
            back = request.get_full_path() if request.method == "GET" else reverse("my_services")
            return redirect(f"{reverse('accounts:complete_region')}?{urlencode({'next': back})}")
        return super().dispatch(request, *args, **kwargs)


def application_queryset():
    return Application.objects.select_related(
        "schema_version", "authority", "applicant", "previous_license"
    ).prefetch_related(Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")))


def changeable_or_404(user, uuid):
    """An application the user's organisation may change (its state is each view's business)."""
    return permissions.get_application_or_404(user, uuid, permissions.CHANGE, application_queryset())


def file_changes(request, form, specs):
    """What the POST asks of each file field among `specs`, as services.save_page takes it:
    (spec, uploaded files, ids of the files to remove)."""
    return [
        (
            spec,
            request.FILES.getlist(form.add_prefix(spec.key)),
            request.POST.getlist(f"{form.add_prefix(spec.key)}__remove"),
        )
        for spec in specs
        if spec.accepts_uploads
    ]
