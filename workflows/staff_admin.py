"""PLACEHOLDER (being replaced): the staff screens for applications in the Wagtail admin."""

from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Application


class ApplicationViewSet(ModelViewSet):
    model = Application
    name = "licensing"
    icon = "form"
    inspect_view_enabled = True
    add_to_admin_menu = True
    list_display = ["reference", "state"]
    form_fields = ["current_page"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("<str:pk>/detail/", self.inspect_view, name="detail")]
