"""撤回申请: the applicant withdraws an application the authority has not accepted yet."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import actions
from ..applicant_forms import WithdrawForm
from ..models import Action
from ._action_view import ApplicantActionView


class WithdrawView(ApplicantActionView):
    """撤回申请, with an optional reason, while the authority has not accepted it yet."""

    action = Action.WITHDRAW
    template_name = "workflows/withdraw.html"

    def perform(self, application):
        request = self.request
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render(application, status=400, form=form)
        try:
            actions.withdraw(application, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            return self.failed(application, error, form=form)
        return self.done(application, _("申请已撤回。"))

    def get_context(self, application, form=None):
        return {"form": form or WithdrawForm()}
