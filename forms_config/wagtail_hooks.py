from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import ApplicationFormSchema


class ApplicationFormSchemaViewSet(SnippetViewSet):
    model = ApplicationFormSchema
    icon = "form"
    menu_label = _("申请书表单")
    menu_name = "application_forms"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "live", "updated_at"]
    search_fields = ["title"]


register_snippet(ApplicationFormSchemaViewSet)


@hooks.register("construct_main_menu")
def hide_streamforms_menu(request, menu_items):
    # We use wagtailstreamforms' field blocks, not its stand-alone Form model: its menu would
    # lead editors to forms that no application uses.
    menu_items[:] = [item for item in menu_items if item.name != "streamforms"]
