"""The enrolment and verification pages of the staff second factor (see policy.py for who)."""

import logging

import django_otp
import qrcode
import qrcode.image.svg
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from . import policy
from .forms import TokenForm

logger = logging.getLogger(__name__)


def qr_code_svg(text):
    """The QR code as inline SVG markup: drawn on the server, no image service, no data: URL for a
    content security policy to allow."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - our own markup, no user input


@method_decorator(never_cache, name="dispatch")
class _SecondFactorView(FormView):
    form_class = TokenForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        # Applicants have no second factor: the pages do not exist for them.
        if not policy.can_access_admin(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def next_url(self):
        url = self.request.POST.get(REDIRECT_FIELD_NAME) or self.request.GET.get(REDIRECT_FIELD_NAME)
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return url
        return reverse("wagtailadmin_home")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "device": self.device}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": self.next_url()}

    def form_invalid(self, form):
        logger.warning("Staff second factor refused for user %s", self.request.user.pk)
        return super().form_invalid(form)


class VerifyView(_SecondFactorView):
    template_name = "accounts/otp/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and policy.is_verified_session(request):
            return HttpResponseRedirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.device = policy.confirmed_device(request.user)
        if self.device is None:
            return redirect_to_login(self.next_url(), reverse("staff_2fa:enrol"))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.device = policy.confirmed_device(request.user)
        if self.device is None:
            return redirect_to_login(self.next_url(), reverse("staff_2fa:enrol"))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        django_otp.login(self.request, self.device)
        return HttpResponseRedirect(self.next_url())


class EnrolView(_SecondFactorView):
    """First login of a staff member: scan the QR code (or type the secret), confirm with a code.
    Only while the user has no confirmed device: a second device would let anyone holding the
    password alone replace the phone."""

    template_name = "accounts/otp/enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and policy.confirmed_device(request.user) is not None:
            return redirect_to_login(self.next_url(), reverse("staff_2fa:verify"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.device = policy.enrolment_device(self.request.user)
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "qr_code": qr_code_svg(self.device.config_url),
            "secret": policy.base32_secret(self.device),
        }

    def form_valid(self, form):
        policy.confirm(self.device)
        django_otp.login(self.request, self.device)
        logger.info("Staff user %s enrolled a TOTP device", self.request.user.pk)
        return redirect(self.next_url())
