"""接口令牌 in the portal (我的办事 → 接口令牌): an applicant organisation's members make, see and
revoke the organisation's one API token. Staff, review bodies and authorities have no such page
(404, like every page that is not theirs). Logic lives in api.tokens; these views read the request,
call it and render."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from . import tokens
from .forms import RevokeForm, TokenForm
from .models import ApiToken

logger = logging.getLogger(__name__)
HISTORY_ROWS = 10


def applicant_organisation(user):
    organisation = user.organisation if user.organisation_id else None
    if user.is_staff or organisation is None or not organisation.is_applicant:
        raise Http404
    return organisation


@method_decorator([login_required, never_cache], name="dispatch")
class TokenView(View):
    template_name = "api/token.html"

    def dispatch(self, request, *args, **kwargs):
        self.organisation = applicant_organisation(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        active = tokens.active_token(self.organisation)
        return self.render(TokenForm(replacing=active is not None), active)

    def post(self, request):
        active = tokens.active_token(self.organisation)
        form = TokenForm(request.POST, replacing=active is not None)
        if not form.is_valid():
            return self.render(form, active, status=400)
        token, secret = tokens.issue_token(
            self.organisation, request.user, form.cleaned_data["name"], form.cleaned_data["scopes"]
        )
        # Rendered, not redirected: the secret exists only in this response (never_cache keeps it
        # out of any cache) and is not stored anywhere to show it again.
        return self.render(TokenForm(replacing=True), token, secret=secret)

    def render(self, form, active, secret=None, status=200):
        history = ApiToken.objects.filter(organisation=self.organisation, revoked_at__isnull=False).select_related(
            "created_by", "revoked_by"
        )[:HISTORY_ROWS]
        context = {"form": form, "active": active, "secret": secret, "history": history}
        return render(self.request, self.template_name, context, status=status)


@method_decorator([login_required, never_cache], name="dispatch")
class RevokeView(View):
    template_name = "api/token_revoke.html"

    def dispatch(self, request, *args, **kwargs):
        organisation = applicant_organisation(request.user)
        self.active = tokens.active_token(organisation)
        if self.active is None:
            messages.info(request, _("本单位当前没有有效的接口令牌。"))
            return redirect("api_token:manage")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"active": self.active, "form": RevokeForm()})

    def post(self, request):
        tokens.revoke_token(self.active, request.user)
        messages.success(request, _("接口令牌已撤销，使用它的系统将无法再访问接口。"))
        return redirect("api_token:manage")
