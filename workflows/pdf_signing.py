"""Signing an issued PDF as PAdES with pyHanko (issue 20; docs/domain.md, "Documents issued").

`sign_pdf` adds one incremental update to the bytes xhtml2pdf rendered: a signature field and a
CMS signature (PAdES baseline B-B, or B-T with an RFC 3161 timestamp when a timestamper is
given), with the signer's certificate chain embedded, so any PDF reader can check it offline.

The visible block. The decision letters and the licence reserve a seal area in their templates
(templates/pdf/documents/_document.html and license.html: a box filled with the near-white
SEAL_AREA_COLOUR, invisible on paper). The signature field is placed exactly over that box and
its appearance shows the authority's name and the signing time in Chinese. The appearance is
drawn by reportlab with the CJK font forms_config/pdf.py already registered (pyHanko's own text
stamps need HarfBuzz, which is not installed) and imported as a form XObject. A document without
a seal area (the 评审反馈表) gets an invisible signature.
"""

import asyncio
import concurrent.futures
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.stamp import StaticStampStyle

from forms_config.pdf import cjk_font

FIELD_NAME = "AuthoritySignature"

# The fill colour of the seal area in the templates (#fffffe), as reportlab writes it into the
# page's content stream, and the rectangle drawn with it: `x y cm` sets the block's origin, then
# `x y w h re f*` the box relative to it.
SEAL_AREA_COLOUR = b"1 1 .996078 rg"
_SEAL_AREA = re.compile(
    rb"1 0 0 1 (-?[\d.]+) (-?[\d.]+) cm\s+q\s+"
    + re.escape(SEAL_AREA_COLOUR)
    + rb"\s+n (-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re f\*"
)

# Room for the CMS container: the signature, a certificate chain of two or three certificates and
# a timestamp token with the TSA's chain fit with room to spare. Giving it saves pyHanko a dummy
# signature to estimate the size (a second private-key operation, slow on a token).
BYTES_RESERVED = 32 * 1024

SEAL_RED = (0.78, 0.05, 0.05)


@dataclass(frozen=True)
class SealArea:
    page: int  # index
    box: tuple  # x1, y1, x2, y2 in PDF user space


def find_seal_area(reader):
    """Where the template reserved the seal: the last page that has the marked box, or None."""
    pages = reader.root["/Pages"]
    count = int(pages["/Count"])
    for index in range(count - 1, -1, -1):
        page_ref, _ = reader.find_page_for_modification(index)
        page = page_ref.get_object()
        match = _SEAL_AREA.search(_page_content(page))
        if match:
            origin_x, origin_y, x, y, width, height = (float(value) for value in match.groups())
            x1, y1 = origin_x + x, origin_y + y
            return SealArea(page=index, box=(x1, y1, x1 + width, y1 + height))
    return None


def _page_content(page):
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    if isinstance(contents, generic.ArrayObject):
        return b"\n".join(part.get_object().data for part in contents)
    return contents.data


def local_time(signed_at):
    return timezone.localtime(signed_at) if timezone.is_aware(signed_at) else signed_at


def seal_lines(signer_name, signed_at):
    """The text of the visible block, in the portal's language (an issued document is Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        when = local_time(signed_at)
        time_text = f"{when.year}年{when.month}月{when.day}日 {when:%H:%M:%S}"
        return (
            gettext("电子签章"),
            signer_name,
            gettext("签章时间：%(time)s") % {"time": time_text},
        )


def seal_appearance(signer_name, signed_at, width, height):
    """A one-page PDF of `width` × `height` points: the visible block, drawn by reportlab."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = cjk_font().name
    label, name, time_text = seal_lines(signer_name, signed_at)
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    drawing.setTitle(label)
    drawing.setStrokeColorRGB(*SEAL_RED)
    drawing.setFillColorRGB(*SEAL_RED)
    drawing.setLineWidth(1.2)
    drawing.roundRect(1, 1, width - 2, height - 2, 4)
    padding = 6
    usable = width - 2 * padding

    def fitted(text, size):
        # Shrink a long name to the box rather than letting it run over the border.
        measured = stringWidth(text, font, size)
        return size if measured <= usable else max(5.0, size * usable / measured)

    name_size = fitted(name, 12)
    small = fitted(time_text, 8)
    drawing.setFont(font, min(small, 8))
    drawing.drawCentredString(width / 2, height - padding - 8, label)
    drawing.setFont(font, name_size)
    drawing.drawCentredString(width / 2, height / 2 - name_size / 3, name)
    drawing.setFont(font, small)
    drawing.drawCentredString(width / 2, padding + 1, time_text)
    drawing.showPage()
    drawing.save()
    return buffer.getvalue()


class _ImportedPdfBytes(PdfContent):
    """The first page of a PDF held in memory as a form XObject (pyHanko's ImportedPdfPage reads
    a file by name)."""

    def __init__(self, data):
        self.data = data
        super().__init__()

    def render(self):
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
        self.resources.xobject["/Seal"] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return b"/Seal Do"


def sign_pdf(pdf_bytes, signer, *, signer_name, signed_at=None, timestamper=None):
    """`pdf_bytes` signed by `signer` (a pyHanko Signer whose cert_registry holds the chain): the
    original bytes followed by one incremental update. Raises pyHanko's errors as they come."""
    signed_at = signed_at or timezone.now()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    area = find_seal_area(writer.prev)
    stamp_style = None
    if area is None:
        field_spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=-1, box=None)
    else:
        x1, y1, x2, y2 = area.box
        field_spec = fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=area.page, box=area.box)
        appearance = seal_appearance(signer_name, signed_at, x2 - x1, y2 - y1)
        stamp_style = StaticStampStyle(
            background=_ImportedPdfBytes(appearance),
            border_width=0,
            # The block is drawn at the field's size: no margin (pyHanko's default is 5 pt), no scaling.
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins.uniform(0),
            ),
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        name=signer_name,
        subfilter=SigSeedSubFilter.PADES,
        embed_validation_info=False,
        use_pades_lta=False,
        md_algorithm="sha256",
    )
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, timestamper=timestamper, stamp_style=stamp_style, new_field_spec=field_spec
    )
    output = io.BytesIO()
    run_coroutine(_sign(pdf_signer, writer, signed_at, output))
    return output.getvalue()


def run_coroutine(coroutine):
    """Run pyHanko's coroutine to its end from synchronous code. Where an event loop already runs
    in this thread (an async server, Playwright's sync API in the browser tests), asyncio.run
    refuses, so the coroutine gets a thread of its own: signing touches no database."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _sign(pdf_signer, writer, signed_at, output):
    """PdfSigner.async_sign_pdf's steps, with the session's time set to `signed_at` so the
    signature dictionary's /M and the visible block show the same moment (pyHanko takes the
    clock's time itself otherwise), and the room for the signature given rather than estimated."""
    session = pdf_signer.init_signing_session(writer)
    session.system_time = signed_at
    validation_info = await session.perform_presign_validation(writer)
    tbs_document = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=BYTES_RESERVED)
    prepared, result = tbs_document.digest_tbs_document(in_place=False, output=output)
    post_signing = await tbs_document.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=session.system_time),
    )
    await post_signing.post_signature_processing(result)
    return result


def timestamper_from_settings():
    """An RFC 3161 client for settings.SIGNING_TSA_URL, or None when it is not set (the default)."""
    url = getattr(settings, "SIGNING_TSA_URL", "") or ""
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=getattr(settings, "SIGNING_TSA_TIMEOUT", 10))
