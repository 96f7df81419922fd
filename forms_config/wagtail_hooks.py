from django.contrib.admin.utils import quote
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet

from .models import ApplicationFormSchema
from .transfer_views import ExportSchemaView, ImportSchemaView, may_export
from .version_views import ConfirmPublishView, VersionsView, may_see_versions
from .versions import publish_impact


def export_button(view, instance, button_class=Button):
    return button_class(
        _("导出 JSON"),
        url=reverse(view.export_url_name, args=(quote(instance.pk),)),
        icon_name="download",
        priority=40,
    )


def versions_button(view, instance, button_class=Button):
    return button_class(
        _("版本"),
        url=reverse(view.versions_url_name, args=(quote(instance.pk),)),
        icon_name="history",
        priority=45,
    )


class ApplicationFormSchemaIndexView(IndexView):
    export_url_name = None
    import_url_name = None
    versions_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.user_has_permission("add"):
            buttons.append(HeaderButton(_("导入表单"), url=reverse(self.import_url_name), icon_name="upload"))
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if may_export(self.permission_policy, self.request.user):
            buttons.append(export_button(self, instance))
        if may_see_versions(self.permission_policy, self.request.user):
            buttons.append(versions_button(self, instance))
        return buttons


class ApplicationFormSchemaEditView(EditView):
    export_url_name = None
    versions_url_name = None
    confirm_publish_url_name = None

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if may_export(self.permission_policy, self.request.user):
            buttons.append(export_button(self, self.object))
        if may_see_versions(self.permission_policy, self.request.user):
            buttons.append(versions_button(self, self.object))
        return buttons

    def publish_action(self):
        # A form live licence items or open drafts use is published only after 确认发布
        # (forms_config.version_views): the changes are already saved as self.new_revision, which
        # that page publishes. The revert view is built from this class, so it asks too.
        if publish_impact(self.object).needs_confirmation:
            if self.expects_json_response:
                return self.json_error_response(
                    "confirmation_required", gettext("发布前须确认，请在编辑页面点击“发布”。")
                )
            return redirect(self.confirm_publish_url_name, self.object.pk, self.new_revision.pk)
        return super().publish_action()


def _live(schema):
    # Wagtail's default cell prints the boolean itself (True/False).
    return _("是") if schema.live else _("否")


class ApplicationFormSchemaViewSet(SnippetViewSet):
    model = ApplicationFormSchema
    icon = "form"
    menu_label = _("申请书表单")
    menu_name = "application_forms"
    menu_order = 210
    add_to_admin_menu = True
    list_display = [
        "title",
        Column(
            "live", label=ApplicationFormSchema._meta.get_field("live").verbose_name, accessor=_live, sort_key="live"
        ),
        "updated_at",
    ]
    search_fields = ["title"]
    index_view_class = ApplicationFormSchemaIndexView
    edit_view_class = ApplicationFormSchemaEditView

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            export_url_name=self.get_url_name("export"),
            import_url_name=self.get_url_name("import"),
            versions_url_name=self.get_url_name("versions"),
            confirm_publish_url_name=self.get_url_name("confirm_publish"),
            **kwargs,
        )

    def get_urlpatterns(self):
        # 导出 JSON / 导入表单 (forms_config.transfer): moving a form to another site or copying it.
        return super().get_urlpatterns() + [
            path("export/<int:pk>/", self.construct_view(ExportSchemaView), name="export"),
            path("import/", self.construct_view(ImportSchemaView), name="import"),
            # 版本 and 确认发布 (forms_config.versions): the publications of a form and their diffs.
            path("versions/<int:pk>/", self.construct_view(VersionsView), name="versions"),
            path(
                "publish/<int:pk>/<int:revision_id>/",
                self.construct_view(ConfirmPublishView),
                name="confirm_publish",
            ),
        ]


register_snippet(ApplicationFormSchemaViewSet)


@hooks.register("construct_main_menu")
def hide_streamforms_menu(request, menu_items):
    # We use wagtailstreamforms' field blocks, not its stand-alone Form model: its menu would
    # lead editors to forms that no application uses. Matched by its address: its name is made from
    # its label, which is translated (表单, locale/upstream).
    index = reverse("wagtailstreamforms_form_modeladmin_index")
    menu_items[:] = [item for item in menu_items if item.url != index]
