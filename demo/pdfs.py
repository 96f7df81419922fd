"""Stand-in PDFs for the demo's uploads and review reports."""

import functools
import io

from forms_config.pdf import cjk_font


@functools.cache
def demo_pdf(title, lines=()):
    """A one-page PDF standing in for an uploaded document (质量手册, 评审报告, ...).

    Drawn with reportlab, which xhtml2pdf brings, in the documents' CJK font so it reads as a
    document when opened. `invariant` leaves out the creation date: every run makes the same bytes,
    so each is drawn once (embedding the font's glyphs is the slow part)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font().name
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(title)
    page.setFont(font, 18)
    page.drawString(72, 760, title)
    page.setFont(font, 11)
    for index, line in enumerate(["演示文件，内容仅供试用系统。", *lines]):
        page.drawString(72, 730 - 18 * index, line)
    page.showPage()
    page.save()
    return buffer.getvalue()
