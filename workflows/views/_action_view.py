"""The base of the applicant's pages for an action after submission (workflows.actions).

An action the user's organisation plays no part in is a 404; one the state does not allow
(ActionRefused) shows its message with 409, bad input 400. The refusal is checked here, once for
every page, before a subclass reads anything from the request (as the staff ActionView does in
workflows/staff_admin/action_views.py); the action itself checks again under its row lock.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from .. import actions, permissions, progress
from ._common import ApplicantRequiredMixin


class ApplicantActionView(ApplicantRequiredMixin, View):
    """GET shows an action's page (`show`), POST performs it (`perform`) through workflows.actions
    (or a service that ends in it). `action` is the transition the page is for: the page is
    refused with the action's own message when the state does not allow it."""

    action = None
    template_name = None

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            # The user's organisation plays no part in this action: nothing to learn here.
            raise Http404 from None

    def get(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application)
        if refused is not None:
            return self.refused(application, refused)
        return self.show(application)

    def post(self, request, uuid):
        application = self.get_application(uuid)
        refused = self.refusal(application, self.posted_action())
        if refused is not None:
            return self.refused(application, refused)
        try:
            return self.perform(application)
        except actions.ActionRefused as error:
            # Refused under the row lock: someone acted in between the check above and the action.
            return self.refused(application, error)

    def show(self, application):
        return self.render(application)

    def perform(self, application):
        """Read the POST, call the action; the response (self.done, or the form again)."""
        raise NotImplementedError

    def posted_action(self):
        """The action a POST performs: `action`, unless the page offers more than one."""
        return self.action

    def get_application(self, uuid):
        return permissions.get_application_or_404(
            self.request.user, uuid, permissions.CHANGE, progress.detail_queryset()
        )

    def refusal(self, application, action=None):
        """The ActionRefused that the action would raise now, or None."""
        try:
            actions.check_only(application, self.request.user, action or self.action)
        except actions.ActionRefused as error:
            return error
        return None

    def get_context(self, application, **kwargs):
        return {}

    def render(self, application, status=200, error=None, refused=None, **kwargs):
        context = {
            "application": application,
            "items": application.items.all(),
            "error": error,
            "refused": " ".join(refused.messages) if refused is not None else None,
        }
        if refused is None:
            context.update(self.get_context(application, **kwargs))
        return render(self.request, self.template_name, context, status=status)

    def refused(self, application, error):
        return self.render(application, status=409, refused=error)

    def failed(self, application, error, **kwargs):
        """A refusal of the action (409) or of what was typed (400), re-rendered with its message."""
        if isinstance(error, actions.ActionRefused):
            return self.refused(application, error)
        return self.render(application, status=400, error=" ".join(error.messages), **kwargs)

    def done(self, application, message):
        messages.success(self.request, message)
        return redirect("applications:detail", application.uuid)
