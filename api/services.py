"""What the JSON API shows of an organisation's applications (申请进度查询).

Only submitted applications (with a 申请编号): a draft has no reference and is nobody's business
outside the portal. No person appears: no names, mobiles or ID numbers, only the organisation's own
facts — items, state, the authority, dates, the licence number and the stage of the process that
the portal's progress page shows (workflows.progress).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch

from workflows import progress
from workflows.models import Action, Application, ApplicationEvent, ApplicationItem, ApplicationState


def applications_of(organisation):
    return (
        Application.objects.filter(applicant=organisation, reference__isnull=False)
        .exclude(state=ApplicationState.DRAFT)
        .select_related("authority", "license")
        .prefetch_related(
            Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")),
            # Where a withdrawn application stopped (progress.stages reads the withdrawal event).
            Prefetch(
                "events",
                queryset=ApplicationEvent.objects.filter(transition=Action.WITHDRAW).order_by("created_at", "pk"),
                to_attr="withdrawal_events",
            ),
        )
    )


def current_stage(application):
    events = getattr(application, "withdrawal_events", None)
    stages = progress.stages(application, events)
    stage = next(stage for stage in stages if stage.status == "current")
    return {"key": stage.key, "label": str(stage.label), "outcome": stage.outcome}


def licence_number(application):
    if application.state != ApplicationState.APPROVED:
        return None
    try:
        return application.license.number
    except ObjectDoesNotExist:
        return None
