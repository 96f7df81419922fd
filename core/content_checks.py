"""What an uploaded file really is: content sniffing and the checks every upload goes through.

The type comes from the file's first bytes (the `filetype` package plus the full signatures), never
from the browser's content type or the file name; the extension must agree with it. Images must
decode completely in Pillow, their dimensions and bit depth read from the header and refused before
any pixel is decoded. Every PDF is parsed with pypdf and refused when it cannot be parsed or holds
active content (scripts, launch actions, attached files, XFA, rich media): staff open these files in
desktop readers. Polyglots (a valid file that is also HTML near its start or a ZIP at its end) are
refused (`check_hidden_content`).

Used by the registration's business licence (accounts/uploads.py) and the application form's file
fields (forms_config/uploads.py), which add their own size limits and wording.
"""

import re
from io import BytesIO
from pathlib import PurePosixPath

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
# Detected content type -> the extensions a file of that type may carry.
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",)}
ALLOWED_EXTENSIONS = frozenset(ext for exts in EXTENSIONS.values() for ext in exts)
KIND_LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG"}

# An A3 scan at 300 dpi is 17.4 megapixels, a phone photo 12; more only costs memory (Pillow keeps
# RGB at 4 bytes a pixel: 25 MP = 100 MB while checking).
MAX_IMAGE_PIXELS = 25_000_000
MAX_BITS_PER_CHANNEL = 8
# Modes Pillow opens 8-bit images in; "I;16", "I", "F" are 16- and 32-bit images.
EIGHT_BIT_MODES = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"})
PDF_EOF_WINDOW = 1024

# Polyglots: a file that is a valid PDF or image *and* something else. Browsers that sniff (or
# any proxy or bucket that drops our nosniff header) render HTML found near the start of a file
# whatever its declared type, and archive tools read a ZIP from the end of any file. A scan or an
# exported PDF holds neither, so both are refused.
SNIFF_WINDOW = 1445  # the "resource header" WHATWG MIME sniffing looks at
MARKUP_RE = re.compile(rb"<(?:script|html|body|head|iframe|svg|object|embed|!doctype|\?php)[\s>/]", re.IGNORECASE)
ZIP_TAIL = 65_557  # a ZIP's end-of-central-directory record sits within the last 64 KiB + 22 bytes
ZIP_END_SIGNATURE = b"PK\x05\x06"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk every PNG ends with

# The messages of the content checks; callers add their own for size and type.
CHECK_ERRORS = {
    "mismatch": _("文件扩展名（%(extension)s）与文件实际内容（%(kind)s）不符，请上传原始文件，不要修改扩展名。"),
    "corrupt_image": _("图片文件已损坏或不完整，无法打开，请重新扫描或拍照后上传。"),
    "corrupt_pdf": _("PDF 文件已损坏或不完整，请重新导出后上传。"),
    "too_many_pixels": _("图片像素过多（超过 2500 万像素），请缩小尺寸后重新上传。"),
    "deep_image": _("图片为每通道 16 位或更高位深的图像，请另存为普通的 8 位 JPG 或 PNG 后重新上传。"),
    "markup": _("文件中夹带了网页或脚本代码，不能上传，请上传扫描件或导出的原始文件。"),
    "trailing_data": _("文件末尾夹带了其他数据（如压缩包或脚本），不能上传，请上传扫描件或导出的原始文件。"),
}


def size_text(limit):
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    # Only tests and unusual configurations set a limit below 1 MB.
    if limit >= 1024:
        return f"{limit // 1024} KB"
    return ngettext("%(count)d 字节", "%(count)d 字节", limit) % {"count": limit}


def file_extension(name):
    return PurePosixPath((name or "").replace("\\", "/")).suffix.lower()


def read_head(uploaded_file, limit):
    """Up to limit + 1 bytes from the start, leaving the read position at the start."""
    uploaded_file.seek(0)
    try:
        return uploaded_file.read(limit + 1)
    finally:
        uploaded_file.seek(0)


def detect_content_type(data):
    """The content type by signature, or None when it is not PDF, JPEG or PNG."""
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    # filetype looks at 3-4 bytes; require the full signatures as well.
    if mime == PDF and data.startswith(b"%PDF"):
        return PDF
    if mime == JPEG and data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if mime == PNG and data.startswith(b"\x89PNG"):
        return PNG
    return None


def check_pdf(data):
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise ValidationError(CHECK_ERRORS["corrupt_pdf"], code="corrupt")


def _png_bit_depth(data):
    # IHDR is the first chunk: signature (8), length (4), "IHDR" (4), width (4), height (4), bit depth (1).
    if data[12:16] != b"IHDR" or len(data) < 25:
        return None
    return data[24]


def check_image(data, mime):
    pil_format = {JPEG: "JPEG", PNG: "PNG"}[mime]
    try:
        # Opening reads only the header: size, mode and bit depth are checked before anything is decoded,
        # so the decode below costs at most MAX_IMAGE_PIXELS at 8 bits a channel.
        with Image.open(BytesIO(data), formats=[pil_format]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValidationError(CHECK_ERRORS["too_many_pixels"], code="too_large")
            # Pillow opens a 16-bit RGB PNG as "RGB" (it drops the low bytes), so read IHDR as well.
            depth = _png_bit_depth(data) if mime == PNG else MAX_BITS_PER_CHANNEL
            if depth is None:
                raise ValidationError(CHECK_ERRORS["corrupt_image"], code="corrupt")
            if image.mode not in EIGHT_BIT_MODES or depth > MAX_BITS_PER_CHANNEL:
                raise ValidationError(CHECK_ERRORS["deep_image"], code="too_large")
            image.verify()  # PNG: every chunk's checksum
        with Image.open(BytesIO(data), formats=[pil_format]) as image:
            if pil_format == "JPEG":
                image.draft(image.mode, (1, 1))  # decode at 1/8 scale: still reads every byte
            image.load()  # truncated data raises here
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(CHECK_ERRORS["too_many_pixels"], code="too_large") from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, …
        raise ValidationError(CHECK_ERRORS["corrupt_image"], code="corrupt") from None


PDF_ERRORS = {
    "active": _("%(label)s：PDF 文件含有脚本、附件或自动执行的内容，不能上传。请另存为普通 PDF 后重新上传。"),
    "unparseable": _(
        "%(label)s：PDF 文件无法解析（已损坏、已加密或格式不规范），不能上传。请重新导出为普通 PDF 后上传。"
    ),
    "markup": _("%(label)s：PDF 文件中夹带了网页代码，不能上传。请另存为普通 PDF 后重新上传。"),
}
# Dictionary keys whose mere presence means a reader may run or open something: scripts (/JS,
# /JavaScript name trees), additional actions (/AA: on open, close, page view, field change),
# attached files (/EmbeddedFiles, a file specification's /EF), XFA forms, Flash/3D rich media.
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EF", "/XFA", "/RichMedia"})
# Action types (/S) that run code, start programs, open attached files or send data out. /GoTo and
# /URI (links) stay allowed, so a plain /OpenAction that opens page 1 is fine.
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/GoToE", "/SubmitForm", "/Rendition", "/RichMediaExecute"}
)
PDF_ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/RichMedia", "/FileAttachment", "/Sound", "/Movie", "/3D"})
# A scanned or exported document has a few thousand objects; beyond this the walk itself is the attack.
PDF_MAX_OBJECTS = 200_000
# HTML anywhere in a PDF (the first-bytes check only looks at SNIFF_WINDOW): tags of five bytes or
# more, and short ones only with an attribute a browser acts on, so compressed data does not match.
PDF_MARKUP_RE = re.compile(
    rb"<(?:script|html|body|head|iframe|object|embed|!doctype|\?php|meta|form|style|base|link|title|frame"
    rb"|input|button|marquee|template|svg)[\s>/]"
    rb"|<(?:img|a|p|div|video|audio|math|details|b|i)\s[^<>]{0,200}?(?:\bon[a-z]+|\bhref|\bsrc)\s*=",
    re.IGNORECASE,
)
SCAN_CHUNK = 1024 * 1024
SCAN_OVERLAP = 256


class ActivePdfContent(Exception):
    pass


def _walk_pdf(reader):
    """Raise ActivePdfContent when anything reachable from the trailer is active content."""
    seen = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise ValueError("too many objects to check")
        if isinstance(obj, DictionaryObject):  # stream objects too: their dictionary
            for key, value in dict.items(obj):  # values as stored, references unresolved
                if key in PDF_ACTIVE_KEYS:
                    raise ActivePdfContent(key)
                if key in ("/S", "/Type", "/Subtype") and value in PDF_ACTIVE_ACTIONS | PDF_ACTIVE_TYPES:
                    raise ActivePdfContent(value)
                if key == "/URI" and str(value).strip().lower().startswith(("javascript:", "file:")):
                    raise ActivePdfContent(key)
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))


def _scan_markup(stream):
    stream.seek(0)
    carry = b""
    while chunk := stream.read(SCAN_CHUNK):
        window = carry + chunk
        if PDF_MARKUP_RE.search(window):
            return True
        carry = window[-SCAN_OVERLAP:]
    return False


def check_pdf_content(stream, label):
    """Refuse a PDF that pypdf cannot parse, that holds active content or hides HTML anywhere.

    `stream` is the whole file, seekable (an upload or a BytesIO); `label` names the field in the
    message. Shared by the registration's business licence and the application's file fields."""
    try:
        if _scan_markup(stream):
            raise ValidationError(PDF_ERRORS["markup"], code="polyglot", params={"label": label})
        stream.seek(0)
        # pypdf logs (WARNING, logger "pypdf") what it repaired on the way; the refusal is the answer.
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted with a password")
        if not isinstance(reader.trailer["/Root"].get_object(), DictionaryObject):
            raise ValueError("no catalog")
        _walk_pdf(reader)
    except ValidationError:
        raise
    except ActivePdfContent:
        raise ValidationError(PDF_ERRORS["active"], code="active_content", params={"label": label}) from None
    except Exception:  # pypdf raises PdfReadError, ValueError, KeyError, RecursionError, …
        raise ValidationError(PDF_ERRORS["unparseable"], code="corrupt", params={"label": label}) from None
    finally:
        stream.seek(0)


def check_hidden_content(head, tail, mime):
    """Refuse polyglots: markup in the first bytes, a ZIP at the end, anything after a PNG's IEND.

    `head` is the start of the file (at least SNIFF_WINDOW bytes when the file is that long),
    `tail` its end (at least ZIP_TAIL bytes when the file is that long)."""
    if MARKUP_RE.search(head[:SNIFF_WINDOW]):
        raise ValidationError(CHECK_ERRORS["markup"], code="polyglot")
    if ZIP_END_SIGNATURE in tail[-ZIP_TAIL:]:
        raise ValidationError(CHECK_ERRORS["trailing_data"], code="polyglot")
    if mime == PNG and not tail.endswith(PNG_END):
        raise ValidationError(CHECK_ERRORS["trailing_data"], code="polyglot")


DISPLAY_NAME_MAX = 100


def display_name(name):
    """The basename the client sent, without control characters, at most 100 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    if len(base) > DISPLAY_NAME_MAX:
        suffix = PurePosixPath(base).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        base = base[: DISPLAY_NAME_MAX - len(suffix)] + suffix
    return base
