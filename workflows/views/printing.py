"""The applicant's PDFs of the 申请书 (workflows.printing): the whole form or one page, draft or
submitted.

Only applicant accounts print here, and guardian lets an applicant see its own organisation's
applications only, so the reader is the owner of the data. Should anyone else ever get here, the
printout is masked and recorded in the audit trail, as the staff printout is.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _

from forms_config.pdf import pdf_bytes_response

from .. import permissions, printing
from ..models import AccessKind, AccessLog
from ._common import application_queryset, is_applicant
from .files import is_owner


def _pdf(request, uuid, build, filename):
    if not is_applicant(request.user):
        raise Http404
    application = permissions.get_application_or_404(request.user, uuid, queryset=application_queryset())
    masked = not is_owner(request.user, application)
    name = filename(application)
    response = pdf_bytes_response(build(application, masked), name)
    if masked:
        AccessLog.objects.record(request, application, AccessKind.PRINTED_APPLICATION, object_name=name, masked=True)
    return response


def _pdf_name(application, page_number=None):
    reference = application.reference or _("草稿")
    if page_number is None:
        return _("许可申请书-%(reference)s.pdf") % {"reference": reference}
    return _("许可申请书-第%(page)s页-%(reference)s.pdf") % {"page": page_number, "reference": reference}


@login_required
def print_page(request, uuid, number):
    def build(application, masked):
        try:
            return printing.print_page(application, number, masked=masked)
        except printing.PageNotPrintable:  # out of range, or hidden by its display condition
            raise Http404 from None

    return _pdf(request, uuid, build, lambda application: _pdf_name(application, number))


@login_required
def print_application(request, uuid):
    def build(application, masked):
        return printing.print_application(application, masked=masked)

    return _pdf(request, uuid, build, _pdf_name)
