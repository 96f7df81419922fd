"""Per-client-IP limit on failed logins, beside django-axes' per username+IP lockout.

django-axes locks a username+IP pair after AXES_FAILURE_LIMIT failures, so one password tried on
many usernames (password spraying) never trips it. Here every failed login of a client address is
counted, whatever the username (Django's `user_login_failed` signal: the portal's and the admin's
login page alike, and a locked pair's tries too), and once the address is over its limit both login
pages refuse it with 429 before any password is checked, until the window ends.

The counters are core/ratelimit.py's (clock hour and local day, shared through Redis). A whole
office behind one NAT address shares them: the defaults (settings LOGIN_FAILURE_*_LIMIT_PER_IP)
leave room for many people mistyping; 0 switches a window off. Successful logins are not counted.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.forms.utils import ErrorDict
from django.utils.translation import gettext as _

from core import ratelimit

SCOPE = "login_failure"


def limits():
    return [
        (ratelimit.HOUR, settings.LOGIN_FAILURE_HOURLY_LIMIT_PER_IP),
        (ratelimit.DAY, settings.LOGIN_FAILURE_DAILY_LIMIT_PER_IP),
    ]


@receiver(user_login_failed, dispatch_uid="accounts.login_limits.count_failure")
def count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        ratelimit.hit(SCOPE, ratelimit.client_ip(request), limits())


def exceeded(request):
    """The window this address has used up, or None while it may still try."""
    return ratelimit.peek(SCOPE, ratelimit.client_ip(request), limits())


def message(over):
    if over.period == ratelimit.DAY:
        return _("您所在网络今日登录失败次数已达上限，请明天再试。")
    return _("您所在网络登录失败次数过多，请%(minutes)d分钟后再试。") % {"minutes": over.minutes}


class LoginFailureLimitMixin:
    """For a Django LoginView: a POST from an address over its limit gets the login page again with
    the reason, status 429, and its password is never checked (so a right one proves nothing)."""

    def post(self, request, *args, **kwargs):
        over = exceeded(request)
        if over is None:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        # Not validated: validating would authenticate. An empty error dict lets the bound form show
        # the username typed plus the one message.
        form._errors = ErrorDict()
        form.cleaned_data = {}
        form.add_error(None, message(over))
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(over.retry_after)
        return response
