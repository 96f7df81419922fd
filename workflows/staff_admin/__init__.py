"""许可申请办理: the staff screens for applications in the Wagtail admin (docs/decisions.md, decision 4).

Authority staff (审批机关) and review-body staff (鉴定评审机构) share one ViewSet (viewset):
- access: who is staff, the permission policy and guardian's queryset behind every screen;
- queue: the index of exactly the applications the user's organisation may view, never drafts,
  with filters, search and CSV/XLSX export;
- detail: the whole application, its documents, the review and the audit trail, and the actions
  `workflows.actions.available_actions` offers the user now;
- downloads: files, documents, review files and the printed 申请书;
- action_views: one view per staff action, each calling exactly one function of workflows.actions.

Every public name is importable from here (the register_admin_viewset hook uses ApplicationViewSet).
"""

from .access import (
    STAFF_KINDS,
    ApplicationPermissionPolicy,
    StaffApplicationMixin,
    acts_for_staff_body,
    may_open_queue,
    policy,
    staff_queryset,
)
from .action_views import (
    ACTION_VIEWS,
    AcceptView,
    ActionView,
    AgreeReviewDateView,
    ApproveView,
    ConfirmRectificationView,
    DenyView,
    ProposeReviewDatesView,
    RefuseAcceptanceView,
    RequestCorrectionView,
    RequestRectificationView,
    SubmitReviewReportView,
)
from .detail import (
    SERIOUS_ACTIONS,
    STAFF_ACTIONS,
    ApplicationDetailView,
    attachment_rows,
    detail_queryset,
    feedback_pages,
    form_pages,
    one_to_one,
    staff_actions,
)
from .downloads import (
    AttachmentDownloadView,
    DocumentDownloadView,
    PrintApplicationView,
    RectificationReportDownloadView,
    ReviewFileDownloadView,
    private_file_response,
)
from .queue import (
    EXPORT_COLUMNS,
    NULLABLE_ORDERINGS,
    ApplicationFilterSet,
    ApplicationIndexView,
    DeadlineColumn,
    items_text,
    local_datetime,
    overdue_text,
    review_body_name,
)
from .viewset import ApplicationAdminURLFinder, ApplicationViewSet

__all__ = [
    "ACTION_VIEWS",
    "EXPORT_COLUMNS",
    "NULLABLE_ORDERINGS",
    "SERIOUS_ACTIONS",
    "STAFF_ACTIONS",
    "STAFF_KINDS",
    "AcceptView",
    "ActionView",
    "AgreeReviewDateView",
    "ApplicationAdminURLFinder",
    "ApplicationDetailView",
    "ApplicationFilterSet",
    "ApplicationIndexView",
    "ApplicationPermissionPolicy",
    "ApplicationViewSet",
    "ApproveView",
    "AttachmentDownloadView",
    "ConfirmRectificationView",
    "DeadlineColumn",
    "DenyView",
    "DocumentDownloadView",
    "PrintApplicationView",
    "ProposeReviewDatesView",
    "RefuseAcceptanceView",
    "RequestCorrectionView",
    "RequestRectificationView",
    "RectificationReportDownloadView",
    "ReviewFileDownloadView",
    "StaffApplicationMixin",
    "SubmitReviewReportView",
    "acts_for_staff_body",
    "attachment_rows",
    "detail_queryset",
    "feedback_pages",
    "form_pages",
    "items_text",
    "local_datetime",
    "may_open_queue",
    "one_to_one",
    "overdue_text",
    "policy",
    "private_file_response",
    "review_body_name",
    "staff_actions",
    "staff_queryset",
]
