"""Downloads for the applicant: the files uploaded into an application and the documents issued
on it, each behind the view permission (anything else is a 404).

A download by anyone outside the applicant organisation (staff who hold the view permission and
follow a portal link) is recorded in the audit trail like the admin's downloads are.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from core.storage import private_file_response
from forms_config.pdf import pdf_bytes_response

from .. import permissions
from ..models import AccessKind, AccessLog, Document


def is_owner(user, application):
    """Whether the user belongs to the organisation the application's personal data belongs to."""
    return user.organisation_id is not None and user.organisation_id == application.applicant_id


@login_required
def download_attachment(request, uuid, file_uuid):
    application = permissions.get_application_or_404(request.user, uuid)
    attachment = application.attachments.filter(uuid=file_uuid).first()
    if attachment is None:
        raise Http404
    response = private_file_response(attachment.file, attachment.original_name, attachment.content_type)
    if not is_owner(request.user, application):
        AccessLog.objects.record(
            request,
            application,
            AccessKind.ATTACHMENT,
            object_uuid=attachment.uuid,
            object_name=attachment.original_name,
        )
    return response


@login_required
def download_document(request, document_uuid):
    """An issued document (受理决定书, 许可证, ...) exactly as stored when it was issued."""
    document = Document.objects.select_related("application").filter(uuid=document_uuid).first()
    if document is None or not request.user.has_perm(permissions.VIEW, document.application):
        raise Http404
    response = pdf_bytes_response(document.read(), document.filename, inline="download" not in request.GET)
    if not is_owner(request.user, document.application):
        AccessLog.objects.record(
            request, document.application, AccessKind.DOCUMENT, object_uuid=document.uuid, object_name=document.filename
        )
    return response
