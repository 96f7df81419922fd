"""Downloads from the detail page: the applicant's files, the issued documents, the review files
and the printed 申请书, each through the per-application lookup.

Every download is recorded in the audit trail (workflows.models.AccessLog: who, for which
organisation, when, what, from which address) before the file goes out, and the printed 申请书
shows ID numbers and mobiles masked: staff are not their owners.
"""

from django.http import Http404
from django.utils.translation import gettext
from django.views.generic import View

from core.storage import private_file_response
from forms_config.pdf import pdf_bytes_response

from .. import printing
from ..models import AccessKind, AccessLog
from .access import StaffApplicationMixin
from .detail import one_to_one


class AttachmentDownloadView(StaffApplicationMixin, View):
    def get(self, request, pk, file_uuid):
        attachment = self.application.attachments.filter(uuid=file_uuid).first()
        if attachment is None:
            raise Http404
        response = private_file_response(attachment.file, attachment.original_name, attachment.content_type)
        AccessLog.objects.record(
            request,
            self.application,
            AccessKind.ATTACHMENT,
            object_uuid=attachment.uuid,
            object_name=attachment.original_name,
        )
        return response


class DocumentDownloadView(StaffApplicationMixin, View):
    def get(self, request, pk, document_uuid):
        document = self.application.documents.filter(uuid=document_uuid).first()
        if document is None:
            raise Http404
        response = private_file_response(document.file, document.filename, "application/pdf")
        AccessLog.objects.record(
            request, self.application, AccessKind.DOCUMENT, object_uuid=document.uuid, object_name=document.filename
        )
        return response


class ReviewFileDownloadView(StaffApplicationMixin, View):
    def get(self, request, pk, file_uuid):
        report = one_to_one(self.application, "review_report")
        review_file = report.files.filter(uuid=file_uuid).first() if report else None
        if review_file is None:
            raise Http404
        response = private_file_response(review_file.file, review_file.original_name, review_file.content_type)
        AccessLog.objects.record(
            request,
            self.application,
            AccessKind.REVIEW_FILE,
            object_uuid=review_file.uuid,
            object_name=review_file.original_name,
        )
        return response


class RectificationReportDownloadView(StaffApplicationMixin, View):
    """The applicant's 整改报告 (workflows.models.RectificationRequest), recorded as a review file."""

    def get(self, request, pk, file_uuid):
        rectification = self.application.rectifications.filter(uuid=file_uuid).exclude(report="").first()
        if rectification is None:
            raise Http404
        response = private_file_response(
            rectification.report, rectification.report_name, rectification.report_content_type
        )
        AccessLog.objects.record(
            request,
            self.application,
            AccessKind.REVIEW_FILE,
            object_uuid=rectification.uuid,
            object_name=rectification.report_name,
        )
        return response


class PrintApplicationView(StaffApplicationMixin, View):
    """The whole 许可申请书 as PDF, as the applicant prints it, with ID numbers and mobiles masked."""

    def get(self, request, pk):
        filename = gettext("许可申请书-%(reference)s.pdf") % {"reference": self.application.reference}
        response = pdf_bytes_response(printing.print_application(self.application, masked=True), filename)
        AccessLog.objects.record(
            request, self.application, AccessKind.PRINTED_APPLICATION, object_name=filename, masked=True
        )
        return response
