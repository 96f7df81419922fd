"""The one PDF path (docs/decisions.md, decision 5): a template under templates/pdf/ rendered by xhtml2pdf.

Every printable document goes through `render_pdf` / `pdf_response`, so the CJK font, the page
layout (templates/pdf/base.html) and the resource rules are decided once, here.

The font: reportlab embeds only a TrueType font it was given (its built-in STSong-Light is a
reference the reader must resolve, which most viewers and printers do not), so a CJK TrueType
font is registered with reportlab on first use and mapped to the CSS family `cjk` that
templates/pdf/base.html uses. Only the glyphs a document uses end up in the file.

Resources: the HTML is ours, but the values in it are the applicant's. A document therefore
fetches nothing from the network and reads only static files: the link callback maps
/static/... to a file and refuses everything else, and a resource policy confines the reads the
callback never sees (xhtml2pdf fetches fonts and backgrounds without asking it).
"""

import hashlib
import io
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# The CSS font-family templates use; whichever font file is configured is registered under it.
CSS_FAMILY = "cjk"

# Debian paths of CJK fonts reportlab can embed, best first. Noto Sans CJK (fonts-noto-cjk) is
# deliberately absent: its .ttc has PostScript (CFF) outlines, which reportlab cannot embed.
DEFAULT_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
)

INSTALL_HINT = "apt-get install fonts-wqy-microhei or set PDF_CJK_FONT to a TrueType CJK font file"


class PdfRenderError(Exception):
    """xhtml2pdf could not render the document completely; no PDF is returned."""


class PdfResourceRefused(PdfRenderError):
    """The document asked for a resource other than a static file."""


# ----- the font -----


@dataclass(frozen=True)
class CjkFont:
    path: str
    name: str  # reportlab's name for it


_font_lock = threading.Lock()
_registered = {}  # PDF_CJK_FONT as set -> CjkFont


def configured_font_path():
    """The font file to use: PDF_CJK_FONT when set, else the first default that exists.

    Raises ImproperlyConfigured when there is none. Only looks at the file system, so it is
    cheap enough for a system check."""
    setting = getattr(settings, "PDF_CJK_FONT", "") or ""
    if setting:
        path = Path(setting)
        if not path.is_file():
            raise ImproperlyConfigured(f"PDF_CJK_FONT={setting!r} is not a font file: {INSTALL_HINT}.")
        return str(path)
    for candidate in DEFAULT_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    raise ImproperlyConfigured(
        f"No CJK font for PDF documents (looked for {', '.join(DEFAULT_FONT_CANDIDATES)}): {INSTALL_HINT}."
    )


def font_problem(path):
    """Why reportlab cannot embed the font at `path`, judged from its header; None if it looks fine.

    The system check uses this instead of loading the font, which takes a quarter of a second."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
            if head[:4] == b"ttcf":
                offset = int.from_bytes(head[12:16], "big")
                handle.seek(offset)
                head = handle.read(4)
    except OSError as exc:
        return f"{path} cannot be read ({exc})"
    if head[:4] == b"OTTO":
        return f"{path} has PostScript (CFF) outlines, which reportlab cannot embed"
    if head[:4] not in (b"\x00\x01\x00\x00", b"true"):
        return f"{path} is not a TrueType font"
    return None


def cjk_font():
    """The registered CJK font, registering it on first use.

    Keyed by the setting, so a changed PDF_CJK_FONT (override_settings in a test) is looked up
    and checked again rather than answered from what an earlier value registered."""
    from xhtml2pdf.default import DEFAULT_FONT

    setting = getattr(settings, "PDF_CJK_FONT", "") or ""
    font = _registered.get(setting)
    if font is None:
        with _font_lock:
            font = _registered.get(setting)
            if font is None:
                font = _register(configured_font_path())
                _registered[setting] = font
    # Every time, not only when registering: the setting may have changed back to a font
    # registered earlier, and xhtml2pdf copies this map into each new document.
    DEFAULT_FONT[CSS_FAMILY] = font.name
    return font


def warm_up():
    """Load now what the first PDF of a process would otherwise load while its reader waits:
    xhtml2pdf and reportlab, the CJK font (parsing a multi-megabyte .ttc) and reportlab's
    first-document state. Called once per process at start-up (`FormsConfigConfig.ready` when
    PDF_WARM_UP is on: each gunicorn worker, the Celery worker, runserver), so the first PDF after
    a start is no slower than the next. Never raises: a process without the font starts anyway,
    logs why, and the system check (forms_config.W001/W002) says how to fix it."""
    try:
        from xhtml2pdf import pisa

        font = cjk_font()
        # Nothing to fetch and no template: safe before the first request, with no database. Two
        # Han characters (by code point: no text to translate) so the font's subsetting runs too.
        sample = chr(0x8BB8) + chr(0x53EF)
        pisa.CreatePDF(f'<p style="font-family: {CSS_FAMILY}">{sample}</p>', dest=io.BytesIO(), encoding="utf-8")
    except ImproperlyConfigured as exc:
        logger.warning("PDF font not loaded at start-up: %s", exc)
        return None
    return font


def _register(path):
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    problem = font_problem(path)
    if problem:
        raise ImproperlyConfigured(f"{problem}: {INSTALL_HINT}.")
    # One reportlab name per file: reportlab keeps a registered name for the life of the process.
    # S324: a font registration name, not security.
    name = "CJK-" + hashlib.sha1(path.encode()).hexdigest()[:10]  # noqa: S324
    if name not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        except TTFError as exc:
            raise ImproperlyConfigured(f"{path} cannot be used as the PDF font ({exc}): {INSTALL_HINT}.") from exc
    # There is no bold or italic face: <b>, <th> and <em> draw with the same one rather than
    # falling back to Helvetica, which has no Chinese glyphs.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return CjkFont(path=path, name=name)


# ----- resources -----


def _static_roots():
    roots = [Path(settings.STATIC_ROOT)] if getattr(settings, "STATIC_ROOT", None) else []
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, (list, tuple)) else entry))
    return [root.resolve() for root in roots]


def link_callback(uri, rel=None):
    """The file of a /static/... URL; anything else (http, file paths, media) is refused.

    `data:` URIs are part of the document and need no fetching."""
    if uri.startswith("data:"):
        return uri
    # By prefix, so that what {% static %} writes works whether STATIC_URL is a path or a URL.
    static_url = settings.STATIC_URL or "/static/"
    if not uri.startswith(static_url):
        raise PdfResourceRefused(f"A PDF document may use static files only, not {uri[:120]!r}.")
    relative = unquote(urlsplit(uri[len(static_url) :]).path)
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:  # a path climbing out of a static directory
        found = None
    if not found and getattr(settings, "STATIC_ROOT", None):
        candidate = Path(settings.STATIC_ROOT) / relative
        found = str(candidate) if candidate.is_file() else None
    if not found:
        raise PdfResourceRefused(f"The static file {uri[:120]!r} does not exist.")
    resolved = Path(found).resolve()
    if not any(resolved.is_relative_to(root) for root in _static_roots()):
        raise PdfResourceRefused(f"{uri[:120]!r} resolves outside the static directories.")
    return str(resolved)


def _resource_policy():
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    # base_dir=None: a document has no directory of its own to read from, only the static ones.
    # The font needs no root: reportlab reads it, not xhtml2pdf's fetcher.
    return ResourceAccessPolicy.server(None, allow_remote=False, extra_roots=tuple(_static_roots()))


# ----- rendering -----


def render_pdf(template_name, context, request=None):
    """The PDF bytes of the template `template_name` (under templates/pdf/) with `context`.

    Raises PdfRenderError when xhtml2pdf reports an error or the document asks for anything but
    a static file, and ImproperlyConfigured when no CJK font is installed."""
    from xhtml2pdf import pisa

    cjk_font()
    html = render_to_string(template_name, context, request=request)
    buffer = io.BytesIO()
    try:
        status = pisa.CreatePDF(
            html,
            dest=buffer,
            encoding="utf-8",
            link_callback=link_callback,
            resource_policy=_resource_policy(),
        )
    except PdfRenderError:
        raise
    except Exception as exc:
        raise PdfRenderError(f"{template_name} could not be rendered: {exc}") from exc
    # xhtml2pdf logs its warnings itself (a glyph the font lacks, a CSS property it ignores);
    # an error means part of the document is missing, and no PDF is better than a wrong one.
    if status.err:
        errors = "; ".join(f"{message} {fragment}" for mode, _line, message, fragment in status.log if mode == "error")
        raise PdfRenderError(f"{template_name} could not be rendered: {errors or status.err}")
    return buffer.getvalue()


_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_filename(filename, default="document"):
    """An ASCII stand-in for `filename` for clients that ignore filename*."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    stem = _UNSAFE_ASCII.sub("-", stem).strip("-._")
    stem = re.sub(r"-{2,}", "-", stem)
    if not re.search(r"[A-Za-z0-9]", stem):
        stem = default
    extension = _UNSAFE_ASCII.sub("", extension)
    return f"{stem}.{extension}" if extension else stem


def content_disposition(filename, inline=True):
    """`inline` or `attachment` with an ASCII filename and the real one in RFC 5987 form."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_filename(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_bytes_response(content, filename, inline=True):
    """An HttpResponse carrying already rendered PDF bytes."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=inline)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    # Applications hold personal data: no shared cache and no copy kept on disk by the browser.
    response["Cache-Control"] = "private, no-store"
    return response


def pdf_response(template_name, context, filename, request=None, inline=True):
    """Render `template_name` and return it as a PDF response named `filename`."""
    return pdf_bytes_response(render_pdf(template_name, context, request=request), filename, inline=inline)
