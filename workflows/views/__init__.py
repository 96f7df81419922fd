"""The applicant's side of 许可申请 (guide 1.5 and 1.6): choose items, fill the pages, check, submit,
then follow the progress and act: 补齐补正, documents, 协商鉴定评审时间, 评审反馈表, 撤回, 站内消息.

Views read the request, call one service (workflows.services, .actions, .correction, .feedback)
and render. One module per job: drafts (choose, fill, autosave, check and submit, delete),
printing, progress (list and detail), correction, review_date, feedback and withdraw (the
actions after submission), files (downloads), notifications, licences (我的许可证, starting
换证/增项/变更); _common and _action_view hold what they share. Every view is importable from
here, as workflows.urls uses them.
"""

from ._action_view import ApplicantActionView
from ._common import ApplicantRequiredMixin
from .correction import CorrectionView
from .drafts import CheckView, ChooseItemsView, DeleteDraftView, FormPageView, autosave, saved_token
from .feedback import FeedbackView
from .files import download_attachment, download_document
from .licences import AddItemsView, LicenceDetailView, LicenceListView, StartFollowUpView
from .notifications import NOTIFICATIONS_PER_PAGE, NotificationListView, notifications_read_all, open_notification
from .printing import items_table, print_application, print_page
from .progress import ApplicationDetailView, ApplicationListView
from .rectification import RectificationView
from .review_date import ReviewDateView
from .withdraw import WithdrawView

__all__ = [
    "NOTIFICATIONS_PER_PAGE",
    "AddItemsView",
    "ApplicantActionView",
    "ApplicantRequiredMixin",
    "ApplicationDetailView",
    "ApplicationListView",
    "CheckView",
    "ChooseItemsView",
    "CorrectionView",
    "DeleteDraftView",
    "FeedbackView",
    "FormPageView",
    "LicenceDetailView",
    "LicenceListView",
    "NotificationListView",
    "RectificationView",
    "ReviewDateView",
    "StartFollowUpView",
    "WithdrawView",
    "autosave",
    "download_attachment",
    "download_document",
    "notifications_read_all",
    "open_notification",
    "print_application",
    "print_page",
    "items_table",
    "saved_token",
]
