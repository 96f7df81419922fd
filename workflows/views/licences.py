"""我的许可证: the licences the applicant's organisation holds, and starting a renewal (换证),
added items (增项) or a change of name or address (变更) on one of them (workflows.licensing).

A licence is seen by the members of its holder organisation only; anything else is a 404. The
rules (renewal window, one open follow-up, a valid licence) are licensing's: the buttons show
its reasons, and the start views call `services.start_follow_up`, which checks them again.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from .. import licensing, services
from ..authority import provincial_authority
from ..forms import CatalogueSearchForm
from ..models import Application, ApplicationKind, Document, DocumentKind, License
from ._common import ApplicantRequiredMixin

FOLLOW_UP_URLS = {
    ApplicationKind.RENEWAL: "applications:licence_renew",
    ApplicationKind.ADD_ITEMS: "applications:licence_add_items",
    ApplicationKind.CHANGE: "applications:licence_change",
}


def held_licences(user):
    """The licences of the user's organisation: the only ones a user may see."""
    return License.objects.filter(holder_id=user.organisation_id).select_related("authority", "superseded_by")


def licence_or_404(user, pk):
    try:
        return held_licences(user).select_related("application").get(pk=pk)
    except License.DoesNotExist:
        raise Http404 from None


def _open_follow_ups():
    return Prefetch(
        "follow_ups",
        queryset=Application.objects.exclude(state__in=licensing.CLOSED_STATES).order_by("-created_at", "-pk"),
        to_attr="open_follow_ups",
    )


class LicenceListView(ApplicantRequiredMixin, View):
    """我的许可证: every licence, newest first, with its status and renewal window."""

    def get(self, request):
        today = timezone.localdate()
        licences = held_licences(request.user).prefetch_related(_open_follow_ups()).order_by("-issued_on", "-pk")
        rows = [
            {
                "licence": licence,
                "status": licence.status(today),
                "opens_on": licensing.renewal_opens_on(licence),
                "deadline": licensing.renewal_deadline(licence),
                "pending": licence.open_follow_ups[0] if licence.open_follow_ups else None,
            }
            for licence in licences
        ]
        return render(request, "workflows/licences/licence_list.html", {"rows": rows})


class LicenceDetailView(ApplicantRequiredMixin, View):
    """One licence: what it says, its PDF, the applications that followed it and the buttons to
    start one more, each disabled with licensing's reason when it may not be started today."""

    def get(self, request, pk):
        licence = licence_or_404(request.user, pk)
        today = timezone.localdate()
        follow_ups = list(licence.follow_ups.select_related("license").order_by("-created_at", "-pk"))
        document = (
            Document.objects.filter(application_id=licence.application_id, kind=DocumentKind.LICENSE)
            .order_by("issued_at", "pk")
            .last()
        )
        context = {
            "licence": licence,
            "status": licence.status(today),
            "opens_on": licensing.renewal_opens_on(licence),
            "deadline": licensing.renewal_deadline(licence),
            "document": document,
            "previous": licence.application.previous_license,
            "follow_ups": follow_ups,
            "buttons": [
                {"kind": kind, "label": kind.label, "refusal": refusal, "url_name": FOLLOW_UP_URLS[kind]}
                for kind, refusal in licensing.available_follow_ups(licence, today)
            ],
        }
        return render(request, "workflows/licences/licence_detail.html", context)


def _start(request, licence, kind, level_ids=()):
    """Start the follow-up; the draft's first page, or None with the refusal as a message."""
    try:
        application = services.start_follow_up(request.user, licence, kind, level_ids)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("已创建%(kind)s申请草稿，内容已按原许可证及其申请带入，请核对修改。审批机关：%(authority)s。")
        % {"kind": application.get_kind_display(), "authority": application.authority},
    )
    return redirect("applications:page", application.uuid, 1)


class StartFollowUpView(ApplicantRequiredMixin, View):
    """换证 / 变更: POST only, from the licence page's button."""

    kind = None
    requires_region = True

    def post(self, request, pk):
        licence = licence_or_404(request.user, pk)
        try:
            return _start(request, licence, self.kind)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:licence", licence.pk)


class AddItemsView(ApplicantRequiredMixin, View):
    """增项: choose the levels to add (the catalogue of 选取许可项目, the licence's own levels
    shown as held), then start the draft."""

    template_name = "workflows/licences/add_items.html"
    requires_region = True

    def get(self, request, pk, error=None, selected=()):
        licence = licence_or_404(request.user, pk)
        return self.render(request, licence, error, selected)

    def render(self, request, licence, error=None, selected=()):
        refusal = licensing.follow_up_refusal(licence, ApplicationKind.ADD_ITEMS)
        search = CatalogueSearchForm(request.GET or None)
        context = {
            "licence": licence,
            "refusal": refusal,
            "search": search,
            "items": list(search.items()) if refusal is None else [],
            "held": set(licensing.licensed_level_ids(licence)),
            "error": error,
            "selected": {str(s) for s in selected},
            "province_authority": provincial_authority(request.user.organisation),
        }
        return render(request, self.template_name, context, status=400 if error else 200)

    def post(self, request, pk):
        licence = licence_or_404(request.user, pk)
        level_ids = [v for v in request.POST.getlist("level") if v.isdigit()]
        try:
            return _start(request, licence, ApplicationKind.ADD_ITEMS, level_ids)
        except ValidationError as error:
            return self.render(request, licence, error=" ".join(error.messages), selected=level_ids)
