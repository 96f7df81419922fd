"""The ModelViewSet of 许可申请办理: menu entry, queue settings and the URLs of the detail,
download and action views (there are no add, edit or delete views).

The imports below import .access, which registers the permission policy: that has to happen
before ApplicationViewSet is built, or Wagtail would create a fallback model-permission policy.
"""

from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.ui.tables import StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import Application
from .access import policy
from .action_views import ACTION_VIEWS
from .detail import ApplicationDetailView
from .downloads import (
    AttachmentDownloadView,
    DocumentDownloadView,
    PrintApplicationView,
    RectificationReportDownloadView,
    ReviewFileDownloadView,
)
from .queue import (
    EXPORT_COLUMNS,
    ApplicationFilterSet,
    ApplicationIndexView,
    DeadlineColumn,
    TextColumn,
    items_text,
    local_datetime,
    review_body_name,
)


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
        TextColumn("applicant", label=_("申请单位"), accessor="applicant.name", sort_key="applicant__name"),
        TextColumn("items", label=_("许可项目"), accessor=items_text),
        TextColumn("authority", label=_("审批机关"), accessor="authority.name"),
        TextColumn("review_body", label=_("鉴定评审机构"), accessor=review_body_name, sort_key="review_body__name"),
        StatusTagColumn(
            "state",
            label=_("状态"),
            accessor="get_state_display",
            sort_key="state",
            primary=lambda application: application.due_on is not None,
        ),
        TextColumn(
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
            path(
                "<int:pk>/rectification-reports/<uuid:file_uuid>/",
                self.construct_view(RectificationReportDownloadView),
                name="rectification_report",
            ),
        ]
        for action, view_class in ACTION_VIEWS.items():
            urlpatterns.append(
                path(f"<int:pk>/{action.value.replace('_', '-')}/", self.construct_view(view_class), name=action.value)
            )
        return urlpatterns
