"""Who may see and act on an application: django-guardian permissions on organisation groups.

Permissions go to an organisation's group, never to a person (docs/decisions.md, decision 3):
- the applicant organisation gets view + change when the draft is created;
- the authority gets view + process_application on submission (process is taken back when the
  applicant withdraws; view stays, for the record);
- the entrusted review body gets view + review_application on acceptance (review is taken back
  once the authority has decided).
Lookups that fail for any reason answer 404, so nobody learns that someone else's application
exists.
"""

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from .models import Application, ApplicationGroupObjectPermission, ApplicationUserObjectPermission

VIEW = "workflows.view_application"
CHANGE = "workflows.change_application"
PROCESS = "workflows.process_application"
REVIEW = "workflows.review_application"


def grant_applicant(application):
    group = application.applicant.group
    assign_perm("view_application", group, application)
    assign_perm("change_application", group, application)


def grant_authority(application):
    group = application.authority.group
    assign_perm("view_application", group, application)
    assign_perm("process_application", group, application)


def revoke_authority(application):
    remove_perm("process_application", application.authority.group, application)


def grant_review_body(application):
    group = application.review_body.group
    assign_perm("view_application", group, application)
    assign_perm("review_application", group, application)


def revoke_review_body(application):
    if application.review_body_id:
        remove_perm("review_application", application.review_body.group, application)


def visible_applications(user, perm=VIEW):
    """The applications on which the user, or a group of theirs, holds `perm` in guardian's tables
    (object permissions only, like get_objects_for_user(..., accept_global_perms=False); a
    superuser sees all, as guardian's default).

    Asked row by row with EXISTS on the direct foreign-key permission tables: guardian's own
    get_objects_for_user first collects every id the groups may see (an authority's whole
    history, tens of thousands at national scale) and then filters the page's rows against that
    set, so a queue page got slower with every year of data (docs/benchmarks.md)."""
    if not (user.is_authenticated and user.is_active):
        return Application.objects.none()
    if user.is_superuser:
        return Application.objects.all()
    app_label, codename = perm.split(".")
    permission = Subquery(
        Permission.objects.filter(
            codename=codename, content_type__app_label=app_label, content_type__model="application"
        ).values("pk")[:1]
    )
    by_group = ApplicationGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), permission=permission, group__in=user.groups.values("pk")
    )
    by_user = ApplicationUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), permission=permission, user=user
    )
    return Application.objects.filter(Exists(by_group) | Exists(by_user))


def get_application_or_404(user, uuid, perm=VIEW, queryset=None):
    if not user.is_authenticated:
        raise Http404
    queryset = queryset if queryset is not None else Application.objects.all()
    try:
        application = queryset.get(uuid=uuid)
    except (Application.DoesNotExist, ValueError):
        raise Http404 from None
    if not user.has_perm(perm, application):
        raise Http404
    return application
