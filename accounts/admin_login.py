"""The Wagtail admin's own login and logout pages, hardened (site/portal/urls.py puts them first).

Login: the per-IP failed-login limit (accounts/login_limits.py) of the portal's login page.
Logout: Wagtail's LogoutView deletes the session cookie after *any* dispatch, so a GET (405, a
cross-site link or image) left the browser logged out while the server session stayed valid.
Here only a POST (CSRF-checked) reaches it, and Django's logout flushes the server session.
"""

from django.contrib.auth.forms import AuthenticationForm
from wagtail.admin.views import account

from .login_limits import LoginFailureLimitMixin


class AdminLoginView(LoginFailureLimitMixin, account.LoginView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Wagtail's LoginForm redeclares the password field without a label, so the page showed the
        # field's name, "Password", in every language; Django's own label is translated (密码).
        form.fields["password"].label = AuthenticationForm.base_fields["password"].label
        return form


class AdminLogoutView(account.LogoutView):
    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
