"""Who may see what in 许可申请办理: who is staff (accounts/roles.py), the applications guardian lets the user's
organisation view (docs/decisions.md, decision 3: granted on submission to the authority, on acceptance to
the review body), never drafts, the permission policy Wagtail asks, and the lookup every
per-application view starts with.

Nothing here creates, edits or deletes an application, not even for a superuser: the state
machine is the only way an application changes. Anything the user may not see is a 404.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from guardian.shortcuts import get_users_with_perms
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import OrganisationKind
from accounts.roles import STAFF_KINDS, acts_for_staff_body

from .. import permissions
from ..models import Application, ApplicationState


def may_open_queue(user):
    # Superusers may look at everything (support, audits) but take no action: a decision is
    # made by an authority or a review body, and the audit trail names the organisation.
    return user.is_authenticated and user.is_active and (user.is_superuser or acts_for_staff_body(user))


# The column naming the organisation in each staff role. workflows.permissions grants view to
# exactly the application's authority and its review body, so filtering on it selects no other
# rows than guardian does; it lets PostgreSQL walk the (authority, state, due_on) index instead
# of testing every application of a state against the permission table (docs/benchmarks.md).
ROLE_COLUMN = {OrganisationKind.AUTHORITY: "authority", OrganisationKind.REVIEW_BODY: "review_body"}


def staff_queryset(user):
    """The applications the user's organisation may view, as guardian says (no global perms),
    drafts left out: a draft belongs to the applicant alone."""
    queryset = permissions.visible_applications(user).exclude(state=ApplicationState.DRAFT)
    column = ROLE_COLUMN.get(user.organisation.kind) if user.organisation_id else None
    if column and not user.is_superuser:
        queryset = queryset.filter(**{column: user.organisation_id})
    return queryset


class ApplicationPermissionPolicy(BasePermissionPolicy):
    """Only "view" exists: the queue is open to authority and review-body staff (and superusers),
    each application to those guardian grants view on. No add, change or delete for anyone."""

    def user_has_permission(self, user, action):
        return action == "view" and may_open_queue(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and may_open_queue(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(organisation__kind__in=STAFF_KINDS))

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and not instance.is_draft
            and user.has_perm(permissions.VIEW, instance)
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Application.objects.none()
        return staff_queryset(user)

    def users_with_any_permission_for_instance(self, actions, instance):
        if "view" not in actions or instance.is_draft:
            return get_user_model().objects.none()
        holders = get_users_with_perms(
            instance, only_with_perms_in=["view_application"], with_group_users=True, with_superusers=True
        )
        return holders.filter(is_active=True).filter(Q(is_superuser=True) | Q(organisation__kind__in=STAFF_KINDS))


policy = ApplicationPermissionPolicy(Application)
# Registered when this module is first imported (the register_admin_viewset hook imports the
# package, whose viewset module imports this one first), before the viewset asks the registry:
# otherwise Wagtail creates a fallback model-permission policy.
register_permission_policy(Application, policy, exact_class=True)


class StaffApplicationMixin:
    """Looks the URL's application up among those the user may view; anything else is a 404,
    and so is an action the user's organisation plays no part in."""

    model = Application
    index_url_name = None
    detail_url_name = None
    header_icon = "tasks"

    def get_queryset(self):
        return staff_queryset(self.request.user)

    def dispatch(self, request, *args, **kwargs):
        if not may_open_queue(request.user):
            raise Http404
        try:
            self.application = self.get_queryset().get(pk=kwargs["pk"])
        except Application.DoesNotExist:
            raise Http404 from None
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404 from None

    @cached_property
    def detail_url(self):
        return reverse(self.detail_url_name, args=[self.application.pk])

    def application_breadcrumbs(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": gettext("许可申请办理")},
            {"url": self.detail_url, "label": str(self.application)},
        ]
