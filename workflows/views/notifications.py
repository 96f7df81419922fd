"""站内消息: the user's in-app messages (workflows.notifications writes them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from ..models import Notification

NOTIFICATIONS_PER_PAGE = 20


class NotificationListView(LoginRequiredMixin, View):
    """The user's messages, newest first; unread ones stand out until opened."""

    def get(self, request):
        page = Paginator(Notification.objects.filter(recipient=request.user), NOTIFICATIONS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        has_unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True).exists()
        context = {"page": page, "notifications": page.object_list, "has_unread": has_unread}
        return render(request, "workflows/notifications.html", context)


@login_required
@require_POST
def notifications_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("已全部标为已读。"))
    return redirect("applications:notifications")


@login_required
def open_notification(request, pk):
    """Mark one message read and follow its link (only to this site)."""
    notification = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect("applications:notifications")
    return redirect(target)
