"""评审反馈表: the applicant fills in the configured feedback form (workflows.feedback)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import feedback
from ..models import Action
from ._action_view import ApplicantActionView


class FeedbackView(ApplicantActionView):
    """评审反馈表: the configured feedback form on one screen."""

    action = Action.SUBMIT_FEEDBACK
    template_name = "workflows/feedback.html"

    def show(self, application):
        request = self.request
        try:
            version = feedback.feedback_version(request)
        except ValidationError as error:
            return self.render(application, not_configured=" ".join(error.messages))
        return self.render(application, version=version, data=feedback.initial(version, request.user))

    def perform(self, application):
        request = self.request
        try:
            version = feedback.feedback_version(request)
        except ValidationError as error:
            return self.render(application, status=409, not_configured=" ".join(error.messages))
        data = feedback.values_from_post(version, request.POST, request.FILES)
        try:
            feedback.submit(application, request.user, version, data)
        except feedback.FeedbackIncomplete:
            return self.render(
                application,
                status=400,
                error=_("评审反馈表还有未填写或填写有误的内容，请修改后再提交。"),
                version=version,
                data=data,
                show_errors=True,
            )
        except ValidationError as error:
            return self.failed(application, error, version=version, data=data)
        return self.done(application, _("评审反馈表已提交。"))

    def get_context(self, application, version=None, data=None, show_errors=False, not_configured=None):
        if version is None:
            return {"not_configured": not_configured}
        sections = []
        for page, form in feedback.page_forms(version, data):
            if show_errors:
                form.is_valid()
            fields = [
                {
                    "bound": form[key],
                    "spec": spec,
                    "hidden": key in form.hidden_keys,
                    "errors": list(form.errors.get(key, [])) if show_errors else [],
                    "files": [],
                }
                for key, spec in form.specs.items()
                if not spec.accepts_uploads
            ]
            sections.append({"page": page, "fields": fields})
        return {
            "form_title": version.definition.get("title", ""),
            "sections": sections,
            "has_errors": any(f["errors"] for s in sections for f in s["fields"]),
        }
