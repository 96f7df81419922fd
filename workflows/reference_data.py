"""The workflow part of the portal's reference data: which form applicants fill as the 评审反馈表
(WorkflowSettings.feedback_form), set by `manage.py setup_portal` only while it is unset."""

from .models import WorkflowSettings


def set_feedback_form(form):
    """Name `form` in the workflow settings unless a form is named there already (the editors'
    choice once made). Returns whether it was set."""
    settings_row = WorkflowSettings.load()
    if settings_row.feedback_form_id is not None:
        return False
    settings_row.feedback_form = form
    settings_row.save(update_fields=["feedback_form"])
    return True
