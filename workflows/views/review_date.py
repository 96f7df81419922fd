"""协商鉴定评审时间: the applicant confirms one of the review body's dates or proposes others; after
agreement, until the agreed day, either side may propose to change it (with a reason)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import actions
from ..applicant_forms import AgreeReviewDateForm, ProposeReviewDatesForm
from ..models import Action, ApplicationState, ProposalSide
from ._action_view import ApplicantActionView


class ReviewDateView(ApplicantActionView):
    """协商鉴定评审时间: confirm one of the review body's dates, or propose others."""

    action = Action.PROPOSE_REVIEW_DATES
    template_name = "workflows/review_date.html"

    def refused(self, application, refused):
        # After agreement the proposals are still worth seeing: show them with the refusal.
        context = {
            "application": application,
            "items": application.items.all(),
            "refused": " ".join(refused.messages),
            "proposals": list(application.review_proposals.all()),
        }
        return render(self.request, self.template_name, context, status=409)

    def posted_action(self):
        # One page, two actions: confirming a date the review body proposed, or proposing others.
        return Action.AGREE_REVIEW_DATE if self.agreeing() else Action.PROPOSE_REVIEW_DATES

    def agreeing(self):
        return self.request.POST.get("action") == "agree"

    def perform(self, application):
        return self.agree(application) if self.agreeing() else self.propose(application)

    def agree(self, application):
        user = self.request.user
        form = AgreeReviewDateForm(application.open_proposal(), self.request.POST)
        if not form.is_valid():
            return self.render(application, status=400, agree_form=form)
        day = form.cleaned_data["date"]
        try:
            actions.agree_review_date(application, user, day)
        except ValidationError as error:
            return self.failed(application, error, agree_form=form)
        return self.done(application, _("鉴定评审日期已确定：%(day)s。") % {"day": f"{day:%Y-%m-%d}"})

    def propose(self, application):
        form = ProposeReviewDatesForm(self.request.POST, changing=changing(application))
        if not form.is_valid():
            return self.render(application, status=400, propose_form=form)
        try:
            actions.propose_review_dates(application, self.request.user, form.dates, form.cleaned_data["comment"])
        except ValidationError as error:
            return self.failed(application, error, propose_form=form)
        return self.done(application, _("已向鉴定评审机构提议鉴定评审日期，请等待对方确认。"))

    def get_context(self, application, agree_form=None, propose_form=None):
        proposal = application.open_proposal()
        from_review_body = proposal is not None and proposal.side == ProposalSide.REVIEW_BODY
        return {
            "proposals": list(application.review_proposals.all()),
            "open_proposal": proposal,
            "agree_form": agree_form or (AgreeReviewDateForm(proposal) if from_review_body else None),
            "propose_form": propose_form or ProposeReviewDatesForm(changing=changing(application)),
            "changing": changing(application),
            "today": timezone.localdate(),
        }


def changing(application):
    """A proposal now changes an agreed date (and needs its reason)."""
    return application.state == ApplicationState.REVIEW_SCHEDULED
