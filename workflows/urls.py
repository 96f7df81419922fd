from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="list"),
    path("new/", views.ChooseItemsView.as_view(), name="new"),
    path("<uuid:uuid>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("<uuid:uuid>/pages/<int:number>/", views.FormPageView.as_view(), name="page"),
    path("<uuid:uuid>/pages/<int:number>/autosave/", views.autosave, name="autosave"),
    path("<uuid:uuid>/pages/<int:number>/print/", views.print_page, name="print_page"),
    path("<uuid:uuid>/print/", views.print_application, name="print"),
    path("<uuid:uuid>/check/", views.CheckView.as_view(), name="check"),
    path("<uuid:uuid>/delete/", views.DeleteDraftView.as_view(), name="delete"),
    path("<uuid:uuid>/files/<uuid:file_uuid>/", views.download_attachment, name="attachment"),
]
