"""The applicant's PDFs of the 申请书 (workflows.printing): the whole form or one page, draft or
submitted.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _

from forms_config.pdf import pdf_bytes_response

from .. import permissions, printing
from ._common import application_queryset, is_applicant


def _pdf(request, uuid, build, filename):
    if not is_applicant(request.user):
        raise Http404
    application = permissions.get_application_or_404(request.user, uuid, queryset=application_queryset())
    return pdf_bytes_response(build(application), filename(application))


def _pdf_name(application, page_number=None):
    reference = application.reference or _("草稿")
    if page_number is None:
        return _("许可申请书-%(reference)s.pdf") % {"reference": reference}
    return _("许可申请书-第%(page)s页-%(reference)s.pdf") % {"page": page_number, "reference": reference}


@login_required
def print_page(request, uuid, number):
    def build(application):
        try:
            return printing.print_page(application, number)
        except printing.PageNotPrintable:  # out of range, or hidden by its display condition
            raise Http404 from None

    return _pdf(request, uuid, build, lambda application: _pdf_name(application, number))


@login_required
def print_application(request, uuid):
    return _pdf(request, uuid, printing.print_application, _pdf_name)
