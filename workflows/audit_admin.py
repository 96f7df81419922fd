"""审计记录 in the Wagtail admin: read-only reports of the transitions (ApplicationEvent) and of the
downloads (AccessLog), with filters and CSV/XLSX export for an auditor.

Open to superusers and to users holding `workflows.view_audit` (查看审计记录, offered in the group
editor). There are no add, edit or delete views, and the models refuse updates and deletes
themselves; `manage.py export_audit` gives the same rows from the command line.
"""

from collections import OrderedDict

import django_filters
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup

from accounts.models import Organisation, OrganisationKind
from accounts.spreadsheets import SafeSpreadsheetExportMixin

from .models import AccessKind, AccessLog, Action, ApplicationEvent
from .models.audit import DOWNLOAD_HEADINGS, TRANSITION_HEADINGS, download_row, transition_row

AUDIT_PERMISSION = "workflows.view_audit"


def may_view_audit(user):
    return user.is_active and (user.is_superuser or user.has_perm(AUDIT_PERMISSION))


class AuditMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_audit(request.user)


class AuditReportView(SafeSpreadsheetExportMixin, ReportView):
    """Rows as the auditor's export has them (workflows.models.audit); nothing here writes. Reasons
    and names typed by applicants are exported as text, never as formulas (accounts/spreadsheets.py)."""

    header_icon = "history"
    row_function = None
    headings = {}

    def dispatch(self, request, *args, **kwargs):
        if not may_view_audit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def list_export(self):
        return list(self.headings)

    @property
    def export_headings(self):
        return self.headings

    def row(self, instance):
        # Once per instance, whichever column asks first.
        if not hasattr(instance, "_audit_row"):
            instance._audit_row = self.row_function(instance)
        return instance._audit_row

    @property
    def columns(self):
        return [
            Column(key, label=label, accessor=lambda instance, key=key: self.row(instance)[key])
            for key, label in self.headings.items()
        ]

    def to_row_dict(self, item):
        return OrderedDict(self.row_function(item))

    def get_filename(self):
        return self.export_filename


def _staff_bodies(request):
    # Authorities and review bodies only: a list of every applicant would be thousands long, and an
    # applicant's own actions are found by 申请编号.
    return Organisation.objects.filter(kind__in=[OrganisationKind.AUTHORITY, OrganisationKind.REVIEW_BODY]).order_by(
        "kind", "name"
    )


class TransitionFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("时间"), widget=DateRangePickerWidget)
    transition = django_filters.ChoiceFilter(label=_("操作"), choices=Action.choices, empty_label=_("全部"))
    actor_organisation = django_filters.ModelChoiceFilter(
        label=_("操作单位"), queryset=_staff_bodies, empty_label=_("全部")
    )
    reference = django_filters.CharFilter(
        label=_("申请编号"), field_name="application__reference", lookup_expr="icontains"
    )

    class Meta:
        model = ApplicationEvent
        fields = []


class DownloadFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(label=_("时间"), widget=DateRangePickerWidget)
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=AccessKind.choices, empty_label=_("全部"))
    organisation = django_filters.ModelChoiceFilter(label=_("下载单位"), queryset=_staff_bodies, empty_label=_("全部"))
    reference = django_filters.CharFilter(
        label=_("申请编号"), field_name="application_reference", lookup_expr="icontains"
    )
    user = django_filters.CharFilter(label=_("下载人用户名"), field_name="user__username", lookup_expr="icontains")

    class Meta:
        model = AccessLog
        fields = []


class TransitionReportView(AuditReportView):
    page_title = _("审计记录：办理记录")
    filterset_class = TransitionFilterSet
    headings = TRANSITION_HEADINGS
    row_function = staticmethod(transition_row)
    export_filename = "audit-transitions"

    def get_queryset(self):
        return ApplicationEvent.objects.select_related("application", "actor", "actor_organisation").order_by(
            "-created_at", "-pk"
        )


class DownloadReportView(AuditReportView):
    page_title = _("审计记录：下载记录")
    filterset_class = DownloadFilterSet
    headings = DOWNLOAD_HEADINGS
    row_function = staticmethod(download_row)
    export_filename = "audit-downloads"

    def get_queryset(self):
        return AccessLog.objects.select_related("user", "organisation").order_by("-created_at", "-pk")


class AuditReportViewSet(ViewSet):
    view_class = None
    menu_item_class = AuditMenuItem

    def get_urlpatterns(self):
        view = self.view_class
        kwargs = {"index_url_name": self.get_url_name("index"), "index_results_url_name": self.get_url_name("results")}
        return [
            path("", view.as_view(**kwargs), name="index"),
            path("results/", view.as_view(results_only=True, **kwargs), name="results"),
        ]


class TransitionAuditViewSet(AuditReportViewSet):
    name = "audit_transitions"
    url_prefix = "audit/transitions"
    icon = "history"
    menu_label = _("办理记录")
    view_class = TransitionReportView


class DownloadAuditViewSet(AuditReportViewSet):
    name = "audit_downloads"
    url_prefix = "audit/downloads"
    icon = "download"
    menu_label = _("下载记录")
    view_class = DownloadReportView

    def on_register(self):
        super().on_register()
        # 查看审计记录 in the group editor, so an auditor's group can be given it without superuser.
        from wagtail import hooks

        hooks.register(
            "register_permissions",
            lambda: Permission.objects.filter(content_type__app_label="workflows", codename="view_audit"),
        )


class AuditViewSetGroup(ViewSetGroup):
    menu_label = _("审计记录")
    menu_icon = "history"
    menu_order = 900
    items = (TransitionAuditViewSet, DownloadAuditViewSet)
