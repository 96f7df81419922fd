"""A corpus of hostile uploads, built in memory: every file here must be refused, with a Chinese
message, by every upload entry point (registration's 营业执照, the application form's file fields,
the review body's 评审报告 and 评审材料).

Each entry is a `BadFile(name, content, why)`. The content is built from a small valid PDF, PNG or
JPEG, so a refusal is due to the trick the entry plays and not to an otherwise broken file.
`corpus(limit)` takes the size limit of the entry point, so the oversize entry is one byte over
that entry point's own limit.

Names are what the browser sends. Django's multipart parser already drops path components and
non-printable characters (NUL, RTL override) from names before our validators see them, so the
path-traversal and NUL names carry content that is refused on its own as well; that a good file
with such a name is stored under a server-generated name is asserted separately.
"""

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser

from PIL import Image


@dataclass(frozen=True)
class BadFile:
    name: str
    content: bytes
    why: str

    def __str__(self):  # pytest ids
        return self.why


def image_bytes(fmt, size=(64, 48)):
    buffer = io.BytesIO()
    image = Image.new("RGB", size)
    width, height = size
    image.putdata([((x * 5 + y) % 256, (x * y) % 256, (x + 7 * y) % 256) for y in range(height) for x in range(width)])
    image.save(buffer, fmt)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
GIF = image_bytes("GIF")


def pdf_document(catalog=b"/Pages 2 0 R", page=b"", *extra, comment=b""):
    """A small PDF with a correct cross-reference table: object 1 the catalog (`catalog` inside its
    dictionary), 2 the page tree, 3 the one page (`page` inside its dictionary), then `extra`.
    `comment` goes right after the header, as PDF comment lines."""
    objects = [b"<</Type/Catalog" + catalog + b">>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>"]
    objects += [b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]" + page + b">>", *extra]
    out = bytearray(b"%PDF-1.7\n" + comment)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF = pdf_document()
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 300
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00" + b"\x00" * 300
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
    b'onload="alert(1)"><script>alert(document.domain)</script></svg>'
)
PHP = b"<?php system($_GET['c']); ?>\n"


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@functools.cache
def zip_bomb():
    # 64 MB of zeros deflate to about 64 KB; a reader that unpacks it pays the full size.
    return zip_bytes({"营业执照.pdf": b"\x00" * (64 * 1024 * 1024)})


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=50_000, height=50_000):
    """A well-formed PNG header announcing 2.5 gigapixels over a few bytes of data."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + png_chunk(b"IEND", b"")
    )


@functools.cache
def deep_png(width, height, bit_depth=16, colour_type=0):
    """A real PNG of blank rows (bit_depth bits per channel), deflated as it is built: a few hundred KB
    on the wire, width x height x channels x bit_depth / 8 bytes once decoded."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\x00" * (1 + width * channels * bit_depth // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def jpeg_bomb():
    """A JPEG whose frame header (SOF0) claims 65500 x 65500 pixels."""
    at = JPEG.index(b"\xff\xc0")
    return JPEG[: at + 5] + struct.pack(">HH", 65500, 65500) + JPEG[at + 9 :]


def oversize_pdf(limit):
    """A structurally fine PDF one byte over `limit`."""
    filler = limit + 1 - len(PDF)
    return PDF[:-7] + b"%" + b" " * (filler - 1) + PDF[-7:]


# Active content a desktop PDF reader runs or offers to open (outside review finding 13, docs/security.md).
JS = b"<</S/JavaScript/JS(app.alert\\(31337\\))>>"
ACTIVE_PDFS = [
    BadFile("open.pdf", pdf_document(b"/Pages 2 0 R/OpenAction 4 0 R", b"", JS), "PDF /OpenAction running JavaScript"),
    BadFile("launch.pdf", pdf_document(b"/Pages 2 0 R/OpenAction<</S/Launch/F(cmd.exe)>>"), "PDF /Launch action"),
    BadFile(
        "names.pdf",
        pdf_document(b"/Pages 2 0 R/Names<</JavaScript<</Names[(a) 4 0 R]>>>>", b"", JS),
        "PDF document-level /JavaScript name tree",
    ),
    BadFile(
        "attached.pdf",
        pdf_document(
            b"/Pages 2 0 R/Names<</EmbeddedFiles<</Names[(run.exe) 4 0 R]>>>>",
            b"",
            b"<</Type/Filespec/F(run.exe)/EF<</F 5 0 R>>>>",
            b"<</Type/EmbeddedFile/Length 2>>stream\nMZ\nendstream",
        ),
        "PDF with /EmbeddedFiles (an attached .exe)",
    ),
    BadFile(
        "aa.pdf",
        pdf_document(b"/Pages 2 0 R", b"/AA<</O<</S/GoTo/D[3 0 R/Fit]>>>>"),
        "PDF page /AA (additional actions)",
    ),
    BadFile(
        "xfa.pdf",
        pdf_document(
            b"/Pages 2 0 R/AcroForm<</Fields[]/XFA 4 0 R>>",
            b"",
            b"<</Length 12>>stream\n<xdp:xdp/>\nendstream",
        ),
        "PDF with an /XFA form",
    ),
    BadFile(
        "flash.pdf",
        pdf_document(
            b"/Pages 2 0 R", b"/Annots[4 0 R]", b"<</Type/Annot/Subtype/RichMedia/Rect[0 0 9 9]/RichMediaContent<<>>>>"
        ),
        "PDF with a /RichMedia annotation",
    ),
    BadFile(
        "link.pdf",
        pdf_document(b"/Pages 2 0 R", b"/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/A 4 0 R>>]", JS),
        "PDF link annotation running JavaScript",
    ),
    BadFile(
        "escaped.pdf",
        pdf_document(b"/Pages 2 0 R/OpenAction<</S/J#61vaScript/J#53(app.alert\\(1\\))>>"),
        "PDF JavaScript behind #-escaped names",
    ),
]
# HTML a browser would run if the file were ever opened as a page, where the first-bytes check misses it.
PDF_HTML_POLYGLOTS = [
    BadFile(
        "img.pdf", pdf_document(comment=b"%<img src=x onerror=alert(31337)>\n"), "PDF/HTML polyglot (<img onerror>)"
    ),
    BadFile(
        "deep.pdf",
        pdf_document(comment=b"%" + b" " * 2000 + b"\n%<html><script>alert(31337)</script></html>\n"),
        "PDF/HTML polyglot (HTML past the first 1445 bytes)",
    ),
    BadFile(
        "tail.pdf",
        pdf_document(comment=b"%" + b" " * 2000 + b"\n") + b"<script>alert(31337)</script>\n",
        "PDF/HTML polyglot (script after %%EOF)",
    ),
]
UNPARSEABLE_PDFS = [
    BadFile("garbage.pdf", b"%PDF-1.7\n" + b"garbage " * 40 + b"\n%%EOF\n", "unparseable PDF (header and %%EOF only)"),
    BadFile("noroot.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n", "PDF without a catalog"),
]


def corpus(limit):
    """Every bad file, for an entry point whose size limit is `limit` bytes."""
    files = [
        # Executables under a document's name.
        BadFile("营业执照.pdf", ELF, "ELF executable renamed .pdf"),
        BadFile("scan.png", MZ, "Windows PE (MZ) executable renamed .png"),
        BadFile("licence.jpg", MZ, "Windows PE (MZ) executable renamed .jpg"),
        BadFile("申请书.pdf.exe", MZ, "double extension .pdf.exe"),
        BadFile("申请书.pdf.exe", PDF, "double extension .pdf.exe on a real PDF"),
        BadFile("shell.php.png", PHP, "double extension .php.png with PHP code"),
        BadFile("shell.php", PNG, "PHP extension on a real PNG"),
        # Active content.
        BadFile("说明.pdf", HTML, "HTML with script renamed .pdf"),
        BadFile("page.html", PDF, "a PDF named .html"),
        BadFile("logo.png", SVG, "SVG with script renamed .png"),
        BadFile("logo.svg", SVG, "SVG with script"),
        # Polyglots.
        BadFile("polyglot.pdf", HTML + PDF, "HTML/PDF polyglot (HTML first, PDF later in the first KB)"),
        BadFile("polyglot.pdf", PDF[:9] + HTML + PDF[9:], "PDF/HTML polyglot (PDF header, HTML in the head)"),
        BadFile("polyglot.png", PNG + zip_bytes({"run.sh": b"#!/bin/sh\nid\n"}), "PNG/ZIP polyglot (ZIP appended)"),
        BadFile("polyglot.png", PNG + PHP, "PNG with PHP code appended after IEND"),
        BadFile("archive.pdf", zip_bytes({"a.pdf": PDF}), "ZIP archive renamed .pdf"),
        # Bombs and sizes.
        BadFile("bomb.pdf", zip_bomb(), "zip bomb renamed .pdf"),
        BadFile("bomb.png", png_bomb(), "decompression-bomb PNG (50000 x 50000 declared)"),
        BadFile("bomb.jpg", jpeg_bomb(), "decompression-bomb JPEG (65500 x 65500 declared)"),
        BadFile("deep.png", deep_png(7000, 7000), "7000 x 7000 16-bit PNG (49 MP, 98 MB decoded, zlib-small)"),
        BadFile("deep-rgb.png", deep_png(4000, 3000, 16, 2), "16-bit RGB PNG within the pixel limit"),
        BadFile("big.png", deep_png(6000, 5000, 8, 0), "30-megapixel PNG (over 25 MP)"),
        BadFile("big.pdf", oversize_pdf(limit), "one byte over the size limit"),
        BadFile("empty.pdf", b"", "empty file"),
        # Names.
        BadFile("../../etc/passwd", PDF, "path traversal without an extension"),
        BadFile("../../../etc/passwd.pdf", ELF, "path traversal with .pdf and ELF content"),
        BadFile("..\\..\\windows\\system32\\cmd.exe", MZ, "Windows path traversal to an .exe"),
        BadFile("evil.php\x00.pdf", PHP, "NUL byte in the name with PHP content"),
        BadFile("invoice\u202efdp.exe", MZ, "RTL override hiding .exe"),
        BadFile("a" * 1000, PDF, "very long name without an extension"),
        BadFile("b" * 300 + ".pdf", ELF, "very long .pdf name over an executable"),
        BadFile("licence.pdf.", PDF, "trailing dot"),
        BadFile("licence", PDF, "no extension"),
        # Wrong or mismatched types.
        BadFile("营业执照.PdF", PNG, "mixed-case .PdF over a PNG"),
        BadFile("photo.JPG", PNG, "upper-case .JPG over a PNG"),
        BadFile("营业执照.pdf", JPEG, "JPEG renamed .pdf"),
        BadFile("scan.png", JPEG, "JPEG renamed .png"),
        BadFile("scan.png", GIF, "GIF renamed .png"),
        BadFile("note.pdf", b"just text, no header\n%%EOF\n", "plain text renamed .pdf"),
        # Broken files.
        BadFile("truncated.png", PNG[: len(PNG) // 2], "truncated PNG"),
        BadFile("truncated.jpg", JPEG[: len(JPEG) // 2], "truncated JPEG"),
        BadFile("noeof.pdf", PDF.replace(b"%%EOF", b"%%EOX"), "PDF without %%EOF"),
        *UNPARSEABLE_PDFS,
        # Active content and PDF/HTML polyglots.
        *ACTIVE_PDFS,
        *PDF_HTML_POLYGLOTS,
    ]
    return files


# A PDF-only field (评审报告, or an application field set to PDF) also refuses real images.
PDF_ONLY_EXTRA = [
    BadFile("评审报告.jpg", JPEG, "a real JPEG for a PDF-only field"),
    BadFile("评审报告.png", PNG, "a real PNG for a PDF-only field"),
]


# ----- checks shared with test_hostile_input: hostile text must come back as text ---------------

MARKER = "31337"  # every injection payload carries it, so a check can tell our payload from the page's own code


class _MarkupCollector(HTMLParser):
    """What a browser would execute: script bodies, event-handler attributes, javascript: URLs."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.executable = []
        self._script_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._script_depth += 1
        for name, value in attrs:
            value = value or ""
            if MARKER not in value:
                continue
            if name.startswith("on"):
                self.executable.append(f"<{tag} {name}={value!r}>")
            elif name in self.URL_ATTRIBUTES and value.strip().lower().startswith(("javascript:", "data:")):
                self.executable.append(f"<{tag} {name}={value!r}>")
        if tag in {"img", "svg", "iframe", "object", "embed", "xss"} and any(MARKER in (v or "") for _n, v in attrs):
            self.executable.append(f"<{tag}> injected")

    def handle_endtag(self, tag):
        if tag == "script" and self._script_depth:
            self._script_depth -= 1

    def handle_data(self, data):
        if self._script_depth and MARKER in data:
            self.executable.append(f"<script>{data[:80]}")


def executable_payloads(html):
    """Every place where a payload carrying MARKER became markup a browser would run."""
    collector = _MarkupCollector()
    collector.feed(html)
    collector.close()
    found = list(collector.executable)
    for raw in (f"<script>alert({MARKER})", f"onerror=alert({MARKER})>", f"<svg onload=alert({MARKER})"):
        # Escaped output has &lt; / &quot; here; the raw form means the value went out unescaped.
        if raw in html and raw not in found:
            found.append(raw)
    return found


# The entry points of tests/security/test_bad_uploads.py, here for the README's figures too
# (tests/security/test_figures.py).
KB = 1024
MB = 1024 * KB
LICENCE_LIMIT = 256 * KB  # BUSINESS_LICENCE_MAX_BYTES for these tests: keeps the oversize file small
FIELD_LIMIT_MB = 1
REVIEW_LIMIT = 10 * MB  # forms_config.uploads.DEFAULT_MAX_MB, what the review report form uses
VERIFY_LIMIT = 20 * MB  # workflows.signature_check.MAX_BYTES
# One row per entry point (name, size limit, whether it takes PDF only), for the README's count.
ENTRY_POINTS = [
    ("registration business licence", LICENCE_LIMIT, False),
    ("application file field (PDF only)", FIELD_LIMIT_MB * MB, True),
    ("application files field (PDF/JPG/PNG)", FIELD_LIMIT_MB * MB, False),
    ("review report (PDF only)", REVIEW_LIMIT, True),
    ("review materials (PDF/JPG/PNG)", REVIEW_LIMIT, False),
    ("rectification report (PDF/JPG/PNG)", REVIEW_LIMIT, False),
    # 核验文件 on 许可证查询 (workflows/signature_check.py MAX_BYTES): a verdict, never 签名有效.
    ("许可证查询 核验文件 (PDF only)", VERIFY_LIMIT, True),
]
CORPUS_SIZE = len(corpus(KB))
REFUSALS_CHECKED = sum(CORPUS_SIZE + (len(PDF_ONLY_EXTRA) if pdf_only else 0) for _n, _l, pdf_only in ENTRY_POINTS)
