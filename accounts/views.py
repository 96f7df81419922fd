"""Views of the public portal's account pages. Each reads the request, calls a service, renders."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView

from core import ratelimit

from . import duplicates, services
from .forms import (
    EnterpriseRegistrationForm,
    IndividualRegistrationForm,
    InstitutionRegistrationForm,
    LoginForm,
    PasswordResetBySmsForm,
    RegionCompletionForm,
    SmsRequestForm,
)
from .login_limits import LoginFailureLimitMixin
from .models import OrganisationKind, Region
from .sms import SmsError

# The per-IP budget of answers saying a username, mobile or ID number is already registered.
ENUMERATION = "enumeration"

REGISTRATION_FORMS = {
    "individual": (IndividualRegistrationForm, _("个人注册")),
    "enterprise": (EnterpriseRegistrationForm, _("企业注册")),
    "institution": (InstitutionRegistrationForm, _("机构注册")),
}


class RegisterChooseView(TemplateView):
    template_name = "accounts/register_choose.html"


class UserTypeGuideView(TemplateView):
    template_name = "accounts/user_type_guide.html"


class RegisterView(FormView):
    template_name = "accounts/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("my_services")
        self.kind = kwargs["kind"]
        self.form_class, self.title = REGISTRATION_FORMS[self.kind]
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(kind=self.kind, title=self.title, **kwargs)

    def post(self, request, *args, **kwargs):
        # Refuse early, before the form is validated, so a throttled client burns no SMS code tries.
        ip = ratelimit.client_ip(request)
        exceeded = ratelimit.peek("register", ip, ratelimit.registration_limits())
        if exceeded:
            return self._throttled(self.get_form(), exceeded)
        # A client out of "already registered" answers is told nothing more until its window ends.
        exceeded = ratelimit.peek(ENUMERATION, ip, ratelimit.enumeration_limits())
        if exceeded:
            return self._throttled(self.get_form(), exceeded, ratelimit.enumeration_message(exceeded))
        if request.FILES:
            # Every upload is checked by content and may be stashed: counted whether the form succeeds or not.
            exceeded = ratelimit.hit("register_upload", ip, ratelimit.registration_upload_limits())
            if exceeded:
                return self._throttled(self.get_form(), exceeded, ratelimit.registration_upload_message(exceeded))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # peek() above is only a fast path: hit() counts atomically, so parallel posts cannot all pass.
        ip = ratelimit.client_ip(self.request)
        exceeded = ratelimit.hit("register", ip, ratelimit.registration_limits())
        if exceeded:
            return self._throttled(form, exceeded)
        try:
            services.register_applicant(form.kind, form.cleaned_data)
        except services.DuplicateRegistration as duplicate:
            ratelimit.release("register", ip, ratelimit.registration_limits())
            # The same message on the same field as the form's own check would have given.
            for field, message in duplicate.errors.items():
                form.add_error(field if field in form.fields else None, ValidationError(message, code=duplicates.CODE))
            if not duplicate.errors:
                form.add_error(None, _("用户名、手机号或统一社会信用代码刚刚已被注册，请检查后重试。"))
            return self.form_invalid(form)
        self.request.session["registered_kind"] = self.kind
        return redirect("accounts:register_done")

    def form_invalid(self, form):
        if duplicates.reported(form):
            # Each "already registered" answer is counted per IP: nobody walks through the ID numbers.
            exceeded = ratelimit.hit(ENUMERATION, ratelimit.client_ip(self.request), ratelimit.enumeration_limits())
            if exceeded:
                return self._throttled(form, exceeded, ratelimit.enumeration_message(exceeded))
        if hasattr(form, "keep_business_licence"):
            form.keep_business_licence(ratelimit.client_ip(self.request))
        return super().form_invalid(form)

    def _throttled(self, form, exceeded, message=None):
        if form.is_bound and form._errors is None:
            # Not validated (the early refusal): validating would spend an SMS code try. An empty
            # error dict lets the bound form show what was typed plus the one message below.
            form._errors = ErrorDict()
            form.cleaned_data = {}
        elif hasattr(form, "keep_business_licence"):
            form.keep_business_licence(ratelimit.client_ip(self.request))
        if message is not None:
            # Another limit's message replaces the form's errors: over the enumeration budget they
            # would still tell which value is taken.
            form._errors = ErrorDict()
        form.add_error(None, message or ratelimit.registration_message(exceeded))
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(exceeded.retry_after)
        return response


class RegisterDoneView(TemplateView):
    template_name = "accounts/register_done.html"

    def get_context_data(self, **kwargs):
        kind = self.request.session.get("registered_kind")
        return super().get_context_data(pending=kind == OrganisationKind.INSTITUTION, **kwargs)


class LoginView(LoginFailureLimitMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        # Staff (authorities, review bodies, editors) work in the Wagtail admin (docs/decisions.md, decision 4).
        if user.is_staff or user.is_superuser:
            return reverse("wagtailadmin_home")
        return reverse("my_services")

    def get_success_url(self):
        url = super().get_success_url()
        if services.region_missing(self.request.user):
            # An account registered without 所在地 gives it first (it decides the 审批机关).
            return f"{reverse('accounts:complete_region')}?{urlencode({'next': url})}"
        return url


class CompleteRegionView(LoginRequiredMixin, FormView):
    """完善所在地: an applicant whose organisation has no region gives it before applying."""

    template_name = "accounts/complete_region.html"
    form_class = RegionCompletionForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        organisation = request.user.organisation if request.user.organisation_id else None
        if organisation is None or not organisation.is_applicant:
            raise Http404
        if organisation.region_id:
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def next_url(self):
        url = self.request.POST.get("next") or self.request.GET.get("next")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return reverse("my_services")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url(), **kwargs)

    def form_valid(self, form):
        try:
            services.complete_region(
                self.request.user.organisation,
                form.cleaned_data["region"],
                form.cleaned_data["address"],
                by=self.request.user,
            )
        except services.RegionAlreadySet as already:
            messages.info(self.request, already.message)
        else:
            messages.success(self.request, _("所在地已保存，现在可以办理许可申请。"))
        return redirect(self.next_url())


class LogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


class PasswordResetView(FormView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetBySmsForm

    def form_valid(self, form):
        services.reset_password(form.user, form.cleaned_data["mobile"], form.cleaned_data["password1"])
        messages.success(self.request, _("密码已重置，请使用新密码登录。"))
        return redirect("accounts:login")


@require_POST
def send_sms_code(request):
    """获取验证码: JSON for the button's countdown."""
    form = SmsRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "message": str(_("请输入正确的11位手机号码。"))}, status=400)
    # Per-IP limits come before the per-phone ones: rotating phone numbers must not get around them.
    ip = ratelimit.client_ip(request)
    register = form.cleaned_data["purpose"] in services.NEW_NUMBER_PURPOSES
    # A register code is refused for a registered phone, which tells that it is registered: once the
    # network's budget of such answers is used up, every register code is refused, or the refusals would tell.
    exceeded = register and ratelimit.peek(ENUMERATION, ip, ratelimit.enumeration_limits())
    if exceeded:
        return _sms_throttled(ratelimit.enumeration_message(exceeded), exceeded)
    exceeded = ratelimit.hit("sms", ip, ratelimit.sms_limits())
    if exceeded:
        return _sms_throttled(ratelimit.sms_message(exceeded), exceeded)
    try:
        wait = services.request_sms_code(form.cleaned_data["mobile"], form.cleaned_data["purpose"])
    except SmsError as error:
        # Nothing was sent: the refusal must not use up the network's allowance.
        ratelimit.release("sms", ip, ratelimit.sms_limits())
        if error.code == "registered":
            exceeded = ratelimit.hit(ENUMERATION, ip, ratelimit.enumeration_limits())
            if exceeded:
                return _sms_throttled(ratelimit.enumeration_message(exceeded), exceeded)
        status = {"registered": 400, "delivery": 503}.get(error.code, 429)
        return JsonResponse({"ok": False, "message": error.message, "retry_after": error.retry_after}, status=status)
    return JsonResponse({"ok": True, "message": str(_("验证码已发送，请查收短信。")), "retry_after": wait})


def _sms_throttled(message, exceeded):
    # No retry_after in the body: the button would count down for up to a day; the message says when.
    return JsonResponse(
        {"ok": False, "message": message, "retry_after": None},
        status=429,
        headers={"Retry-After": str(exceeded.retry_after)},
    )


@require_GET
@cache_control(max_age=86400, public=True)
def region_children(request, code):
    """The cascade's next list: cities of a province or counties of a city."""
    regions = Region.objects.filter(parent_id=code).values_list("code", "name")
    return JsonResponse({"regions": [{"code": c, "name": n} for c, n in regions]})
