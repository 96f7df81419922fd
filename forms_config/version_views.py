"""版本 and 确认发布 in the Wagtail admin, on the 申请书表单 snippet (forms_config.versions does the work).

版本 lists every publication of a form with its diff, for whoever may view or change form schemas.
确认发布 stands between 发布 and the publication when live licence items or open drafts use the
form: the edit view has already saved the editor's changes as a revision (a draft), and this page
publishes exactly that revision once the editor confirms, so nothing is posted twice and the page
needs no script. Both go through the snippet's permission policy, like 导出 JSON.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from . import versions
from .models import ApplicationFormSchema

VERSIONS_PERMISSIONS = ["view", "change"]


def may_see_versions(permission_policy, user):
    return permission_policy.user_has_any_permission(user, VERSIONS_PERMISSIONS)


class SchemaAdminView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = ApplicationFormSchema
    index_url_name = None
    edit_url_name = None
    versions_url_name = None
    confirm_publish_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.schema = get_object_or_404(ApplicationFormSchema, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.schema.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": ApplicationFormSchema._meta.verbose_name_plural},
            {"url": reverse(self.edit_url_name, args=(self.schema.pk,)), "label": self.schema.title},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            schema=self.schema, edit_url=reverse(self.edit_url_name, args=(self.schema.pk,)), **kwargs
        )


class VersionsView(SchemaAdminView):
    """Every publication, newest first: date, publisher, applications using it, changes."""

    any_permission_required = VERSIONS_PERMISSIONS
    http_method_names = ["get"]
    template_name = "forms_config/admin/versions.html"
    page_title = _("版本")
    header_icon = "history"

    def get_context_data(self, **kwargs):
        pending = None
        latest = self.schema.latest_revision
        if self.schema.has_unpublished_changes and latest is not None:
            pending = versions.pending_changes(self.schema, latest)
        return super().get_context_data(versions=versions.published_versions(self.schema), pending=pending, **kwargs)


class ConfirmPublishView(SchemaAdminView):
    """GET: what publishing the saved revision affects and changes; POST: publish it."""

    permission_required = "publish"
    http_method_names = ["get", "post"]
    template_name = "forms_config/admin/confirm_publish.html"
    page_title = _("确认发布")
    header_icon = "upload"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.revision = get_object_or_404(self.schema.revisions, pk=kwargs["revision_id"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            impact=versions.publish_impact(self.schema),
            changes=versions.pending_changes(self.schema, self.revision),
            action_url=reverse(self.confirm_publish_url_name, args=(self.schema.pk, self.revision.pk)),
            **kwargs,
        )

    def post(self, request, pk, revision_id):
        # The form's row is locked and its state read again: a double click or a second tab
        # confirming the same revision waits here, then finds it live and publishes nothing twice.
        with transaction.atomic():
            self.schema = ApplicationFormSchema.objects.select_for_update().get(pk=self.schema.pk)
            if self.revision.pk == self.schema.live_revision_id:
                return self._published()
            if self.revision.pk != self.schema.latest_revision_id:
                # Someone saved again in between: publishing this revision would drop their changes.
                messages.error(request, gettext("此后表单又有新的修改，未发布。请检查后重新发布。"))
                return redirect(self.edit_url_name, self.schema.pk)
            for fn in hooks.get_hooks("before_publish"):
                response = fn(request, self.schema)
                if response is not None:
                    return response
            self.revision.publish(user=request.user)
            self.schema.refresh_from_db()
            for fn in hooks.get_hooks("after_publish"):
                response = fn(request, self.schema)
                if response is not None:
                    return response
        return self._published()

    def _published(self):
        messages.success(self.request, gettext("申请书表单“%(title)s”已发布。") % {"title": self.schema.title})
        return redirect(self.index_url_name)
