"""Who may see and act on an application: django-guardian permissions on organisation groups.

Permissions go to an organisation's group, never to a person (DESIGN.md decision 3):
- the applicant organisation gets view + change when the draft is created;
- the authority gets view + process_application on submission (process is taken back when the
  applicant withdraws; view stays, for the record);
- the entrusted review body gets view + review_application on acceptance (review is taken back
  once the authority has decided).
Lookups that fail for any reason answer 404, so nobody learns that someone else's application
exists.
"""

from django.http import Http404
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from .models import Application

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
    return get_objects_for_user(user, perm, klass=Application, accept_global_perms=False)


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
