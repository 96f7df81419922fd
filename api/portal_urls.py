from django.urls import path

from . import portal_views

app_name = "api_token"
urlpatterns = [
    path("", portal_views.TokenView.as_view(), name="manage"),
    path("revoke/", portal_views.RevokeView.as_view(), name="revoke"),
]
