"""导出 JSON / 导入表单 in the Wagtail admin, on the 申请书表单 snippet (forms_config.transfer does the work).

Export is a plain GET download, for whoever may view or change form schemas; import is an upload
form for whoever may add them. Both go through the snippet's permission policy, so a user without
the permission gets Wagtail's own answer (back to the dashboard with a message).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from . import transfer
from .models import ApplicationFormSchema

EXPORT_PERMISSIONS = ["view", "change"]


def may_export(permission_policy, user):
    return permission_policy.user_has_any_permission(user, EXPORT_PERMISSIONS)


class ImportSchemaForm(forms.Form):
    file = forms.FileField(
        label=_("表单文件"),
        # Lazy as a whole: `gettext_lazy(...) % {...}` would fix the language at import time.
        help_text=lazy(
            lambda: (
                gettext("由本系统“导出 JSON”得到的 .json 文件，不超过 %(size)d KB。")
                % {"size": transfer.MAX_IMPORT_BYTES // 1024}
            ),
            str,
        )(),
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )
    name = forms.CharField(
        label=_("新表单名称"),
        required=False,
        max_length=transfer.TITLE_MAX_LENGTH,
        help_text=_("留空则为“原名称（导入）”；与已有表单同名时自动加上序号。导入的表单是草稿，检查后再发布。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before reading: the size is known from the upload handler.
        if upload.size > transfer.MAX_IMPORT_BYTES:
            raise ValidationError(transfer.too_big_message())
        return upload


class ExportSchemaView(PermissionCheckedMixin, View):
    """The form's latest content as `<slug>.json`."""

    http_method_names = ["get"]
    model = ApplicationFormSchema
    any_permission_required = EXPORT_PERMISSIONS

    def get(self, request, pk):
        schema = get_object_or_404(ApplicationFormSchema, pk=pk)
        response = HttpResponse(
            transfer.dumps(transfer.export_schema(schema)).encode("utf-8"),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(True, transfer.export_filename(schema))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class ImportSchemaView(PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """GET: the upload form; POST: import and go to the new form's edit page, or the form with why not."""

    model = ApplicationFormSchema
    permission_required = "add"
    template_name = "forms_config/admin/import_form.html"
    page_title = _("导入表单")
    header_icon = "upload"
    index_url_name = None
    edit_url_name = None
    import_url_name = None

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": ApplicationFormSchema._meta.verbose_name_plural},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse(self.import_url_name),
            index_url=reverse(self.index_url_name),
            submit_button_label=gettext("导入"),
            submit_button_active_label=gettext("正在导入…"),
        )
        return context

    def get(self, request):
        return self.render_to_response(self.get_context_data(form=ImportSchemaForm()))

    def post(self, request):
        form = ImportSchemaForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                data = transfer.load_json(form.cleaned_data["file"].read(transfer.MAX_IMPORT_BYTES + 1))
                schema = transfer.import_schema(data, name=form.cleaned_data["name"], user=request.user)
            except transfer.SchemaImportError as error:
                form.add_error("file", error.messages)
            else:
                messages.success(
                    request,
                    gettext("已导入申请书表单“%(title)s”。它是草稿，检查无误后请发布。") % {"title": schema.title},
                )
                return redirect(self.edit_url_name, schema.pk)
        messages.error(request, gettext("未能导入表单，请按提示修改后重试。"))
        return self.render_to_response(self.get_context_data(form=form))
