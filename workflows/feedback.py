"""评审反馈表: the applicant's feedback on the review, a form editors build like the 申请书.

The form is the ApplicationFormSchema chosen in 办理设置 (WorkflowSettings.feedback_form). It is
frozen into a FormSchemaVersion when used, so the stored answers always go with the exact form
they answered, and rendered on one screen with the draft pages' field templates. File fields are
left out: the feedback is stored as JSON on ReviewFeedback and has no place for uploads.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from forms_config.models import FormSchemaVersion
from forms_config.prefill import initial_data

from . import actions
from .models import Action, WorkflowSettings


class FeedbackNotConfigured(ValidationError):
    """No (published) feedback form is set in 办理设置."""


class FeedbackIncomplete(ValidationError):
    """Missing or invalid answers; `problems` is a list of (page, field spec, messages)."""

    def __init__(self, problems):
        super().__init__(
            [
                _("%(label)s：%(message)s") % {"label": spec.label, "message": " ".join(messages)}
                for _page, spec, messages in problems
            ],
            code="incomplete",
        )
        self.problems = problems


def feedback_version(request=None):
    """The frozen version of the configured feedback form."""
    schema = WorkflowSettings.load(request).feedback_form
    if schema is None or not schema.live:
        raise FeedbackNotConfigured(_("评审反馈表尚未配置，请联系审批机关。"), code="not_configured")
    return FormSchemaVersion.objects.freeze(schema)


def initial(version, user):
    """Answers to start with: the applicant's account values the form asks to prefill."""
    return initial_data(version.parsed, user)


def _answerable(spec):
    return not spec.accepts_uploads


def page_forms(version, data):
    """(page, form) for every page shown with the answers in `data`."""
    schema = version.parsed
    return [(page, schema.page_form(page, data)) for page in schema.visible_pages(data)]


def values_from_post(version, post, files):
    """The raw answers of every page from one POST (the pages' field names never collide)."""
    schema = version.parsed
    values = {}
    for page in schema.pages:
        values.update(schema.page_form(page, {}).raw_from_post(post, files))
    return {key: value for key, value in values.items() if _answerable(schema.fields_by_key[key])}


def problems(version, data):
    return [(page, spec, messages) for page, spec, messages in version.parsed.problems(data) if _answerable(spec)]


def submit(application, user, version, data):
    """Check the answers against the form, then submit_feedback (which issues the 评审反馈表 PDF)."""
    actions.check_only(application, user, Action.SUBMIT_FEEDBACK)
    found = problems(version, data)
    if found:
        raise FeedbackIncomplete(found)
    return actions.submit_feedback(application, user, version, data)
