from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse

from . import policy

# What an unverified staff session may still reach: the two pages of the second factor, the way
# out, and what the admin's login page itself loads.
EXEMPT_VIEWS = {
    "staff_2fa:verify",
    "staff_2fa:enrol",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "accounts:logout",
    "set_language",
}


class StaffTwoFactorMiddleware:
    """Sends a session of a user who can reach the admin, and has not yet passed the second factor,
    to the verification page (or to enrolment while the user has no confirmed TOTP device).

    Goes after django_otp's OTPMiddleware, which provides `request.user.is_verified()`. Covers every
    /admin/ URL, and every other URL too once the login marked the session as a staff one: a staff
    member's object permissions also open portal pages (an application's detail, its files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.redirect_for(request) or self.get_response(request)

    def redirect_for(self, request):
        if not policy.required():
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        in_admin = request.path_info.startswith(reverse("wagtailadmin_home"))
        if not (request.session.get(policy.SESSION_FLAG) or (in_admin and policy.can_access_admin(user))):
            return None
        if policy.is_verified_session(request):
            return None
        try:
            if resolve(request.path_info).view_name in EXEMPT_VIEWS:
                return None
        except Resolver404:
            pass
        target = "staff_2fa:verify" if policy.confirmed_device(user) else "staff_2fa:enrol"
        return redirect_to_login(request.get_full_path(), reverse(target))
