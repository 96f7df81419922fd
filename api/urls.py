from django.urls import path, re_path

from . import exceptions, views

app_name = "api"
urlpatterns = [
    path("v1/applications/", views.ApplicationListView.as_view(), name="application_list"),
    path("v1/applications/<str:reference>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("v1/licences/verify/", views.LicenceVerifyView.as_view(), name="licence_verify"),
    path("v1/documents/verify/", views.DocumentVerifyView.as_view(), name="document_verify"),
    path("v1/schema/", views.SchemaView.as_view(), name="schema"),
    # Last: any other address under /api/ answers a JSON 404, not the CMS's HTML page.
    re_path(r"^.*$", exceptions.not_found, name="not_found"),
]
