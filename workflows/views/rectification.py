"""整改报告: the applicant sees what the review body asked it to rectify and uploads its report."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import actions
from ..applicant_forms import RectificationReportForm
from ..models import Action
from ..models.rectification import open_rectification
from ._action_view import ApplicantActionView


class RectificationView(ApplicantActionView):
    """上传整改报告 for the open rectification request (one file, checked by its content)."""

    action = Action.SUBMIT_RECTIFICATION_REPORT
    template_name = "workflows/rectification.html"

    def perform(self, application):
        form = RectificationReportForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.render(application, status=400, form=form)
        try:
            actions.submit_rectification_report(application, self.request.user, form.cleaned_data["report"])
        except ValidationError as error:
            return self.failed(application, error, form=form)
        return self.done(application, _("整改报告已提交，请等待鉴定评审机构确认。"))

    def get_context(self, application, form=None):
        current = open_rectification(application)
        return {"form": form or RectificationReportForm(), "open_rectifications": [current] if current else []}
