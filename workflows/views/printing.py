"""The applicant's PDFs of the 申请书 (workflows.printing): the whole form or one page, draft or
submitted; and the 许可项目表 of the application's chosen items, to print, sign and upload
(TSG 07-2019 §3.2.1; its upload field offers the link, forms_config/field_types/files.py).

Only applicant accounts print here, and guardian lets an applicant see its own organisation's
applications only, so the reader is the owner of the data. Should anyone else ever get here, the
printout is masked and recorded in the audit trail, as the staff printout is.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _

from forms_config.pdf import pdf_bytes_response, render_pdf

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


ITEMS_TABLE_TEMPLATE = "pdf/items_table.html"


def _items_table_name(application):
    return _("许可项目表-%(reference)s.pdf") % {"reference": application.reference or _("草稿")}


@login_required
def items_table(request, uuid):
    """许可项目表: the application's items and levels with lines to sign, as a PDF."""

    def build(application, masked):
        context = {
            **printing.application_context(application),
            "kind": application.get_kind_display(),
            "previous_license": application.previous_license,
        }
        return render_pdf(ITEMS_TABLE_TEMPLATE, context)

    return _pdf(request, uuid, build, _items_table_name)
