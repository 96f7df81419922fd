from django.urls import path

from . import views
from .models import ApplicationKind

app_name = "applications"
urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="list"),
    path("new/", views.ChooseItemsView.as_view(), name="new"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/", views.open_notification, name="notification"),
    path("documents/<uuid:document_uuid>/", views.download_document, name="document"),
    path("licences/", views.LicenceListView.as_view(), name="licences"),
    path("licences/<int:pk>/", views.LicenceDetailView.as_view(), name="licence"),
    path(
        "licences/<int:pk>/renew/", views.StartFollowUpView.as_view(kind=ApplicationKind.RENEWAL), name="licence_renew"
    ),
    path("licences/<int:pk>/add-items/", views.AddItemsView.as_view(), name="licence_add_items"),
    path(
        "licences/<int:pk>/change/", views.StartFollowUpView.as_view(kind=ApplicationKind.CHANGE), name="licence_change"
    ),
    path("<uuid:uuid>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("<uuid:uuid>/pages/<int:number>/", views.FormPageView.as_view(), name="page"),
    path("<uuid:uuid>/pages/<int:number>/autosave/", views.autosave, name="autosave"),
    path("<uuid:uuid>/pages/<int:number>/print/", views.print_page, name="print_page"),
    path("<uuid:uuid>/print/", views.print_application, name="print"),
    path("<uuid:uuid>/items-table.pdf", views.items_table, name="items_table"),
    path("<uuid:uuid>/check/", views.CheckView.as_view(), name="check"),
    path("<uuid:uuid>/delete/", views.DeleteDraftView.as_view(), name="delete"),
    path("<uuid:uuid>/files/<uuid:file_uuid>/", views.download_attachment, name="attachment"),
    path("<uuid:uuid>/correction/", views.CorrectionView.as_view(), name="correction"),
    path("<uuid:uuid>/review-date/", views.ReviewDateView.as_view(), name="review_date"),
    path("<uuid:uuid>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("<uuid:uuid>/rectification/", views.RectificationView.as_view(), name="rectification"),
    path("<uuid:uuid>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
]
