"""`unread_notifications` for the portal header: the applicant's unread 站内消息, in one query."""

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Organisation

from .models import Notification


def _unread(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def unread_notifications(request):
    """The count for an applicant, None for everybody else (the header then shows no link).

    Staff read their messages in the admin. Whether the user is an applicant needs the
    organisation: if the view loaded it already, one count; if not, the organisation comes with
    the count in one query and is kept on the user, so the template's own `user.organisation`
    costs nothing afterwards."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff or user.organisation_id is None:
        return {"unread_notifications": None}
    field = get_user_model()._meta.get_field("organisation")
    if field.is_cached(user):
        if not user.organisation.is_applicant:
            return {"unread_notifications": None}
        return {"unread_notifications": _unread(user).count()}
    count = _unread(user).order_by().values("recipient").annotate(n=Count("pk")).values("n")
    organisation = (
        Organisation.objects.annotate(unread=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))
        .filter(pk=user.organisation_id)
        .first()
    )
    field.set_cached_value(user, organisation)
    if organisation is None or not organisation.is_applicant:
        return {"unread_notifications": None}
    return {"unread_notifications": organisation.unread}
