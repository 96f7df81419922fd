"""账号信息 pages (我的办事 → 账号信息): an applicant's own details, its mobile and its password.

Only members of an applicant organisation use them; staff and other accounts get a 404, anonymous
visitors the login. Each view reads the request, calls accounts/account_settings.py and renders.
"""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from . import account_settings
from .account_forms import AccountDetailsForm, AccountPasswordForm, MobileChangeForm
from .models import OrganisationKind, SmsPurpose


class ApplicantAccountMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisation = account_settings.applicant_account(request.user)
            if self.organisation is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class AccountView(ApplicantAccountMixin, View):
    """账号信息: the organisation's details and the form for what may change without 变更."""

    template_name = "accounts/account/detail.html"

    def get(self, request):
        return self.render(AccountDetailsForm(self.organisation, request.user))

    def post(self, request):
        form = AccountDetailsForm(self.organisation, request.user, request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            changed = account_settings.update_details(request.user, form.changes(), form.cleaned_data["loaded"])
        except account_settings.StaleAccount:
            # Shown with the latest values above the user's input; saving again is now a choice.
            self.organisation = account_settings.applicant_account(request.user)
            request.user.refresh_from_db(fields=["email"])
            data = form.data.copy()
            data[form.add_prefix("loaded")] = account_settings.fingerprint(self.organisation, request.user)
            form.data = data
            form.add_error(None, account_settings.StaleAccount.message)
            return self.render(form, status=409)
        except account_settings.AccountRefusal as refusal:
            form.add_error(refusal.field, refusal)
            return self.render(form, status=400)
        messages.success(request, _("账号信息已保存。") if changed else _("账号信息没有改动。"))
        return redirect("accounts:account")

    def render(self, form, status=200):
        organisation = self.organisation
        individual = organisation.kind == OrganisationKind.INDIVIDUAL
        context = {
            "form": form,
            "organisation": organisation,
            "individual": individual,
            # The owner sees its own numbers in full (core/masking.py masks them only for others).
            "identity_label": _("身份证号码") if individual else _("统一社会信用代码/组织机构代码"),
            "identity_value": organisation.contact_id_number if individual else organisation.credit_code,
            "region_name": organisation.region.full_name if organisation.region else "",
        }
        return render(self.request, self.template_name, context, status=status)


class MobileView(ApplicantAccountMixin, View):
    """更换手机号: a code to the new number, then the number is the account's."""

    template_name = "accounts/account/mobile.html"

    def get(self, request):
        return self.render(MobileChangeForm(request.user))

    def post(self, request):
        form = MobileChangeForm(request.user, request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            account_settings.change_mobile(request.user, form.cleaned_data["mobile"], form.cleaned_data["sms_code"])
        except account_settings.AccountRefusal as refusal:
            form.add_error(refusal.field, refusal)
            return self.render(form, status=400)
        messages.success(request, _("手机号已更换，今后请使用新手机号接收短信和登录找回密码。"))
        return redirect("accounts:account")

    def render(self, form, status=200):
        context = {"form": form, "sms_purpose": SmsPurpose.CHANGE_MOBILE}
        return render(self.request, self.template_name, context, status=status)


class PasswordView(ApplicantAccountMixin, View):
    """修改密码: the old one first; this session stays logged in, the others end."""

    template_name = "accounts/account/password.html"

    def get(self, request):
        return self.render(AccountPasswordForm(request.user))

    def post(self, request):
        form = AccountPasswordForm(request.user, request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            user = account_settings.change_password(
                request.user, form.cleaned_data["old_password"], form.cleaned_data["new_password1"]
            )
        except account_settings.AccountRefusal as refusal:
            form.add_error(refusal.field, refusal)
            return self.render(form, status=400)
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。其他设备上的登录已失效，请使用新密码登录。"))
        return redirect("accounts:account")

    def render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)
