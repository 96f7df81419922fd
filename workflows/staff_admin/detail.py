"""The detail page of 许可申请办理: the whole application, its documents, the review and the audit
trail, and the actions `workflows.actions.available_actions` offers the user now.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from accounts.models import OutboundMessage
from core.masking import mask_id_number, mask_mobile, redact_text
from forms_config.field_types.formats import IdNumberField, MobileField

from .. import action_registry, actions, deadlines, printing
from ..models import ApplicationEvent, ApplicationItem, Document, ReviewAppointment
from ..models.rectification import rectifications_shown
from .access import StaffApplicationMixin, acts_for_staff_body, staff_queryset
from .action_views import ACTION_VIEWS


def detail_queryset(user):
    return (
        staff_queryset(user)
        .select_related(
            "applicant__region__parent__parent",
            "authority",
            "review_body",
            "schema_version",
            "created_by",
            "correction_notice__issued_by",
            "review_report__submitted_by",
            "review_report__review_body",
            "review_feedback__schema_version",
            "review_feedback__submitted_by",
            "license",
            "previous_license",
        )
        .prefetch_related(
            Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")),
            "attachments",
            Prefetch("documents", queryset=Document.objects.select_related("issued_by")),
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor", "actor_organisation")),
            Prefetch(
                "review_proposals", queryset=ReviewAppointment.objects.select_related("proposed_by", "answered_by")
            ),
            "correction_notice__items",
            "review_report__files",
            "deadline_lapses",
        )
    )


def one_to_one(application, name):
    """The related row of a reverse one-to-one (loaded by select_related), or None."""
    try:
        return getattr(application, name)
    except ObjectDoesNotExist:
        return None


def form_pages(application):
    """Every visible page of the frozen form with its values (workflows.printing, as the printed
    申请书 shows them), each field with the files uploaded into it."""
    files_by_key = {}
    for attachment in application.attachments.all():
        files_by_key.setdefault(attachment.field_key, []).append(attachment)
    return [
        {"page": page, "fields": [{"field": f, "files": files_by_key.get(f.key, [])} for f in page.fields]}
        # Staff see ID numbers and mobiles masked (PIPL art. 51); the printout does the same.
        for page in printing.printed_pages(application, masked=True)
    ]


def attachment_rows(application):
    """申请材料: every uploaded file with the label of the field it belongs to."""
    fields = application.schema_version.parsed.fields_by_key
    return [
        {
            "attachment": attachment,
            "label": fields[attachment.field_key].label if attachment.field_key in fields else "",
        }
        for attachment in application.attachments.all()
    ]


def masked_changes(application, notice):
    """补正改动 as staff see them: 身份证号码 and 手机号 fields masked by type; in any other field
    (a table's joined rows, free text) each such number found in the text is masked. The changes
    store display text, not raw values, so the text is all there is to go on."""
    if notice is None:
        return []
    fields = application.schema_version.parsed.fields_by_key
    result = []
    for change in notice.changes or []:
        spec = fields.get(change.get("key"))
        field_type = spec.field_type if spec else None
        mask = {IdNumberField: mask_id_number, MobileField: mask_mobile}.get(type(field_type), redact_text)
        result.append({**change, "before": mask(change.get("before") or ""), "after": mask(change.get("after") or "")})
    return result


def feedback_pages(feedback):
    if feedback is None:
        return []
    schema = feedback.schema_version.parsed
    data = feedback.data or {}
    return [printing.printed_page(schema, page, data, masked=True) for page in schema.visible_pages(data)]


def deliveries(application, license):
    """通知发送情况: the outbox's e-mails and SMS about the application and its licence (renewal
    reminders), newest first, recipients masked in the template (OutboundMessage.masked_recipient)."""
    return list(OutboundMessage.objects.about(application, license).order_by("-created_at", "-pk"))


# Both derived: the staff actions are those with a view, in the order of their buttons; the serious
# ones are confirmed first (their transitions say "serious").
STAFF_ACTIONS = list(ACTION_VIEWS)
SERIOUS_ACTIONS = action_registry.serious_actions()


def staff_actions(application, user):
    """The staff actions `user` may take now, from workflows.actions; none for a superuser who
    acts for no authority or review body."""
    if not acts_for_staff_body(user):
        return []
    available = set(actions.available_actions(application, user))
    return [action for action in STAFF_ACTIONS if action in available]


class ApplicationDetailView(StaffApplicationMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "workflows/admin/detail.html"

    def get_queryset(self):
        return detail_queryset(self.request.user)

    def get_page_title(self):
        return gettext("许可申请 %(ref)s") % {"ref": self.application}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": gettext("许可申请办理")},
            {"url": "", "label": str(self.application)},
        ]

    @cached_property
    def available(self):
        return [
            {
                "action": action,
                "label": action.label,
                "url": reverse(f"licensing:{action.value}", args=[self.application.pk]),
                "serious": action in SERIOUS_ACTIONS,
            }
            for action in staff_actions(self.application, self.request.user)
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                entry["label"],
                url=entry["url"],
                icon_name="cross" if entry["serious"] else "arrow-right",
                priority=index,
            )
            for index, entry in enumerate(self.available)
        ]

    def get_context_data(self, **kwargs):
        application = self.application
        applicant = application.applicant
        notice = one_to_one(application, "correction_notice")
        report = one_to_one(application, "review_report")
        feedback = one_to_one(application, "review_feedback")
        deadline = deadlines.deadline_of(application)
        license = one_to_one(application, "license")
        return super().get_context_data(
            application=application,
            items=list(application.items.all()),
            applicant=applicant,
            applicant_region=applicant.region.full_name if applicant.region_id else "",
            contact_id_number=mask_id_number(applicant.contact_id_number),
            contact_mobile=mask_mobile(applicant.contact_mobile),
            deadline=deadline,
            overdue_by=-deadline.remaining if deadline and deadline.overdue else 0,
            lapses=list(application.deadline_lapses.all()),
            pages=form_pages(application),
            attachments=attachment_rows(application),
            documents=list(application.documents.all()),
            notice=notice,
            notice_items=list(notice.items.all()) if notice else [],
            notice_changes=masked_changes(application, notice),
            proposals=list(application.review_proposals.all()),
            report=report,
            report_files=list(report.files.all()) if report else [],
            feedback=feedback,
            feedback_pages=feedback_pages(feedback),
            license=license,
            events=list(application.events.all()),
            deliveries=deliveries(application, license),
            available_actions=self.available,
            rectifications=rectifications_shown(application),
            **kwargs,
        )
