"""补齐补正: the applicant answers a 补正告知书 and resubmits (workflows.correction)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from forms_config.schema import FIELD_PREFIX

from .. import correction
from ..models import Action, CorrectionTarget
from ._action_view import ApplicantActionView
from ._common import file_changes


class CorrectionView(ApplicantActionView):
    """补齐补正: the 补正告知书 and a form in which only what it flags can be changed."""

    action = Action.RESUBMIT
    template_name = "workflows/correction.html"

    def perform(self, application):
        request = self.request
        schema = application.schema_version.parsed
        keys = correction.editable_keys(application)
        values, changes = {}, []
        # The pages the form showed (as get_context renders them): a field it did not show was not
        # posted, and reading it from the POST would blank it.
        for page in schema.visible_pages(application.data):
            specs = [spec for spec in page.fields if spec.key in keys]
            if not specs:
                continue
            form = schema.page_form(page, application.data)
            values.update(form.raw_from_post(request.POST, request.FILES))
            changes += file_changes(request, form, specs)
        upload_errors = correction.save_page(application, request.user, values, changes)
        if upload_errors:
            return self.render(application, status=400, upload_errors=upload_errors)
        if request.POST.get("action") != "resubmit":
            messages.success(request, _("已保存。确认无误后请点击“提交补正”。"))
            return redirect("applications:correction", application.uuid)
        try:
            correction.resubmit(application, request.user)
        except correction.CorrectionIncomplete:
            return self.render(application, status=400, error=_("补正内容还有未填写或填写有误的地方，请修改后再提交。"))
        except ValidationError as error:
            return self.failed(application, error)
        return self.done(application, _("补正材料已提交，请等待审批机关办理。"))

    def get_context(self, application, upload_errors=None):
        upload_errors = upload_errors or {}
        schema = application.schema_version.parsed
        data = application.data
        keys = correction.editable_keys(application)
        problems = {spec.key: list(errors) for _page, spec, errors in correction.problems(application, keys)}
        sections = []
        for page in schema.visible_pages(data):
            form = schema.page_form(page, data)
            fields = []
            for spec in page.fields:
                editable = spec.key in keys
                if not editable and not schema.field_visible(spec, data):
                    continue
                fields.append(
                    {
                        "editable": editable,
                        "bound": form[spec.key],
                        "spec": spec,
                        "hidden": spec.key in form.hidden_keys,
                        "errors": problems.get(spec.key, []) + upload_errors.get(spec.key, []),
                        "files": (data.get(spec.key) or []) if spec.accepts_uploads else [],
                        "display": spec.display(data.get(spec.key)),
                    }
                )
            sections.append({"page": page, "fields": fields, "editable": any(f["editable"] for f in fields)})
        notice = application.correction_notice
        items = [
            {
                "item": item,
                "page": schema.page(item.page_number) if 1 <= item.page_number <= len(schema.pages) else None,
                "anchor": f"page-{item.page_number}"
                if item.target == CorrectionTarget.PAGE
                else f"field-{FIELD_PREFIX}-{item.key}",
            }
            for item in notice.items.all()
        ]
        notice_document = application.documents.filter(event__transition=Action.REQUEST_CORRECTION).first()
        return {
            "notice": notice,
            "notice_items": items,
            "notice_document": notice_document,
            "sections": sections,
            "has_errors": any(f["errors"] for s in sections for f in s["fields"]),
            "changes": correction.changes(application, keys),
        }
