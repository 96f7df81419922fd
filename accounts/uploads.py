"""Business licence (营业执照) uploads: content checks, and keeping a file across a failed form.

`validate_business_licence` trusts neither the browser's content type nor the file name: the
type comes from the file's first bytes (the `filetype` package plus our own signatures), the
extension must agree with it, and images must decode completely in Pillow. Polyglots (a valid
file that is also HTML near its start or a ZIP at its end) are refused (`check_hidden_content`).
The content checks (`detect_content_type`, `check_pdf`, `check_image`, `check_pdf_content`) are
shared with the application form's upload fields (forms_config/uploads.py), which have their own
limits and wording.

Decoding has a bounded cost: an image's dimensions and bit depth are read from its header and
refused above what a scanned licence needs before any pixel is decoded. Every PDF is parsed with
pypdf and refused when it cannot be parsed or holds active content (scripts, launch actions,
attached files, XFA, rich media): staff open these files in desktop readers.

When another field of the registration form fails, the browser would make the applicant pick
the file again. Instead the form stashes the validated file in private storage under a random
name (`stash_upload`) and puts a signed token in a hidden field; on the next submission
`restore_upload` gives the file back. The token is signed, not encrypted: it holds only the
random stored path, the display name the client sent and the size. Stashes are capped per client
IP and in total (`REGISTRATION_STASH_MAX_MB_PER_IP`, `REGISTRATION_STASH_MAX_MB_TOTAL`), live an
hour, and a new upload on the same form replaces the previous one.
"""

import re
import uuid
from io import BytesIO
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from .ratelimit import client_digest
from .storage import private_storage

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

STASH_SALT = "accounts.uploads.stash"
STASH_MAX_AGE = 60 * 60  # seconds: the applicant fixes the other fields now or picks the file again
STASH_DIR = "pending"
# pending/<client digest>-<random>.<ext>: the digest (a keyed hash of the client's address) lets the
# per-IP cap count a client's stashes from the file names alone. Older names have no digest.
STASH_PATH_RE = re.compile(r"pending/(?:[0-9a-f]{16}-)?[0-9a-f]{32}(?:\.[a-z0-9]{1,8})?")
DISPLAY_NAME_MAX = 100

ERRORS = {
    "empty": _("所选营业执照文件是空文件（0 字节），请重新选择。"),
    "too_large": _("营业执照文件不能超过 %(limit)s，请压缩后重新上传。"),
    "type": _("营业执照只能上传 PDF、JPG 或 PNG 格式的文件，所选文件的内容不是这几种格式。"),
    "bad_extension": _("营业执照文件的扩展名必须是 .pdf、.jpg、.jpeg 或 .png。"),
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


def _read(uploaded_file, limit):
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
        raise ValidationError(ERRORS["corrupt_pdf"], code="corrupt")


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
                raise ValidationError(ERRORS["too_many_pixels"], code="too_large")
            # Pillow opens a 16-bit RGB PNG as "RGB" (it drops the low bytes), so read IHDR as well.
            depth = _png_bit_depth(data) if mime == PNG else MAX_BITS_PER_CHANNEL
            if depth is None:
                raise ValidationError(ERRORS["corrupt_image"], code="corrupt")
            if image.mode not in EIGHT_BIT_MODES or depth > MAX_BITS_PER_CHANNEL:
                raise ValidationError(ERRORS["deep_image"], code="too_large")
            image.verify()  # PNG: every chunk's checksum
        with Image.open(BytesIO(data), formats=[pil_format]) as image:
            if pil_format == "JPEG":
                image.draft(image.mode, (1, 1))  # decode at 1/8 scale: still reads every byte
            image.load()  # truncated data raises here
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(ERRORS["too_many_pixels"], code="too_large") from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, struct.error, …
        raise ValidationError(ERRORS["corrupt_image"], code="corrupt") from None


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
        raise ValidationError(ERRORS["markup"], code="polyglot")
    if ZIP_END_SIGNATURE in tail[-ZIP_TAIL:]:
        raise ValidationError(ERRORS["trailing_data"], code="polyglot")
    if mime == PNG and not tail.endswith(PNG_END):
        raise ValidationError(ERRORS["trailing_data"], code="polyglot")


def validate_business_licence(uploaded_file, label=None):
    """Refuse anything but a complete PDF, JPEG or PNG within the size limit, named as what it is."""
    limit = settings.BUSINESS_LICENCE_MAX_BYTES
    data = _read(uploaded_file, limit)
    if not data:
        raise ValidationError(ERRORS["empty"], code="empty")
    if len(data) > limit:
        raise ValidationError(ERRORS["too_large"], code="too_large", params={"limit": size_text(limit)})

    extension = file_extension(uploaded_file.name)
    if extension not in ALLOWED_EXTENSIONS:
        # Also catches double extensions such as 营业执照.pdf.exe and names without one.
        raise ValidationError(ERRORS["bad_extension"], code="extension")
    mime = detect_content_type(data)
    if mime is None:
        raise ValidationError(ERRORS["type"], code="type")
    if extension not in EXTENSIONS[mime]:
        raise ValidationError(
            ERRORS["mismatch"], code="extension", params={"extension": extension, "kind": KIND_LABELS[mime]}
        )

    if mime == PDF:
        check_pdf(data)
    else:
        check_image(data, mime)
    check_hidden_content(data, data, mime)
    if mime == PDF:
        check_pdf_content(BytesIO(data), label or _("营业执照"))


def display_name(name):
    """The basename the client sent, without control characters, at most 100 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    if len(base) > DISPLAY_NAME_MAX:
        suffix = PurePosixPath(base).suffix
        suffix = suffix if len(suffix) <= 10 else ""
        base = base[: DISPLAY_NAME_MAX - len(suffix)] + suffix
    return base


class StashFull(Exception):
    """No room to keep the upload: the client's share or the whole stash is used up."""

    message = _("%(label)s未能暂存：您所在网络暂存的文件过多或服务器暂存空间已满。请改正其他错误后重新选择文件。")


def _stash_usage(owner):
    """(bytes stashed in total, bytes stashed by this owner), deleting expired stashes on the way."""
    total = mine = 0
    storage = private_storage()
    try:
        _dirs, files = storage.listdir(STASH_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return 0, 0
    cutoff = timezone.now().timestamp() - STASH_MAX_AGE
    for filename in files:
        path = f"{STASH_DIR}/{filename}"
        try:
            if storage.get_modified_time(path).timestamp() < cutoff:
                storage.delete(path)  # no token can restore it any more
                continue
            size = storage.size(path)
        except OSError:
            continue
        total += size
        if filename.startswith(f"{owner}-"):
            mine += size
    return total, mine


def _upload_size(uploaded_file):
    uploaded_file.seek(0, 2)
    size = uploaded_file.tell()
    uploaded_file.seek(0)
    return size


def stash_upload(uploaded_file, *, client_ip="", replaces=None):
    """Save a validated upload under a random name in private storage; return a signed token.

    `replaces` is the token the same form carried: its file goes first, so resubmitting a form
    never piles up stashes. Raises StashFull over REGISTRATION_STASH_MAX_MB_PER_IP for this client
    or REGISTRATION_STASH_MAX_MB_TOTAL for everyone (stashes older than STASH_MAX_AGE not counted)."""
    if replaces:
        discard_stash(replaces)
    extension = file_extension(uploaded_file.name)
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", extension):
        extension = ""
    owner = client_digest(client_ip, 16)
    total, mine = _stash_usage(owner)
    size = _upload_size(uploaded_file)
    mb = 1024 * 1024
    if mine + size > settings.REGISTRATION_STASH_MAX_MB_PER_IP * mb:
        raise StashFull("per_ip")
    if total + size > settings.REGISTRATION_STASH_MAX_MB_TOTAL * mb:
        raise StashFull("total")
    storage = private_storage()
    uploaded_file.seek(0)
    # Wrapped in a plain File: FileSystemStorage would otherwise *move* a TemporaryUploadedFile
    # (uploads over 2.5 MB), and the form could no longer save the same upload afterwards.
    path = storage.save(f"{STASH_DIR}/{owner}-{uuid.uuid4().hex}{extension}", File(uploaded_file))
    uploaded_file.seek(0)
    size = storage.size(path)
    return signing.dumps({"path": path, "name": display_name(uploaded_file.name), "size": size}, salt=STASH_SALT)


def _unsign(token, max_age=STASH_MAX_AGE):
    """The token's payload when it is ours, unexpired and well-formed, else None."""
    if not isinstance(token, str) or not token or len(token) > 2000:
        return None
    try:
        payload = signing.loads(token, salt=STASH_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(payload, dict):
        return None
    path, name, size = payload.get("path"), payload.get("name"), payload.get("size")
    if not isinstance(path, str) or not STASH_PATH_RE.fullmatch(path):
        return None
    if not isinstance(name, str) or not name or type(size) is not int or size < 0:
        return None
    return payload


def restore_upload(token):
    """The stashed file as a new in-memory upload, or None if the token or file is not good."""
    payload = _unsign(token)
    if payload is None:
        return None
    try:
        with private_storage().open(payload["path"], "rb") as stored:
            content = stored.read(payload["size"] + 1)
    except (OSError, ValueError):
        return None
    if len(content) != payload["size"]:
        return None
    kind = filetype.guess(content) if content else None
    content_type = kind.mime if kind else "application/octet-stream"
    return SimpleUploadedFile(payload["name"], content, content_type=content_type)


def stashed_name(token):
    """The original file name for "已上传：…，无需重新选择", or None if there is nothing to restore."""
    payload = _unsign(token)
    if payload is None:
        return None
    try:
        if not private_storage().exists(payload["path"]):
            return None
    except OSError:
        return None
    return payload["name"]


def discard_stash(token):
    """Delete the stashed file (e.g. once the form is saved); silent if it is already gone."""
    # An expired but genuine token may still remove its file.
    payload = _unsign(token, max_age=None)
    if payload is None:
        return
    try:
        private_storage().delete(payload["path"])
    except OSError:
        pass


def purge_stale_stashes(max_age=STASH_MAX_AGE):
    """Delete stashed files older than max_age seconds (no token can restore them); return the count.

    For a periodic job: applicants who abandon the form leave their file behind.
    """
    storage = private_storage()
    try:
        _dirs, files = storage.listdir(STASH_DIR)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    cutoff = timezone.now().timestamp() - max_age
    removed = 0
    for filename in files:
        path = f"{STASH_DIR}/{filename}"
        try:
            if storage.get_modified_time(path).timestamp() < cutoff:
                storage.delete(path)
                removed += 1
        except OSError:
            continue
    return removed
