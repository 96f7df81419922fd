"""Content-checked uploads for the application form's file fields (附件).

The same rules as the business licence on registration (core/content_checks.py, whose signature and
decoding checks are reused): the type is judged by the file's bytes, never by the browser's
content type; the extension must agree with the content; images must decode completely and
PDFs must have a header and an end-of-file marker. What differs per field is set by the editor:
which of PDF / JPG / PNG it takes and the size limit, and the messages name the field.

A file can be up to 50 MB, so a PDF's header and end are judged from its first and last 64 KiB;
then `check_pdf_content` scans it for HTML in 1 MB chunks and parses it with pypdf, refusing
active content (scripts, launch actions, attached files, XFA) with the field's name. An image is
read whole because only a full decode finds a truncated one; its header is checked first, so the
decode is bounded. Polyglots (markup near the start, a ZIP at the end, data after a PNG's last
chunk) are refused like the business licence.
"""

import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.content_checks import (
    CHECK_ERRORS,
    EXTENSIONS,
    JPEG,
    KIND_LABELS,
    PDF,
    PDF_EOF_WINDOW,
    PNG,
    ZIP_TAIL,
    check_hidden_content,
    check_image,
    check_pdf,
    check_pdf_content,
    detect_content_type,
    file_extension,
)

# The editor's choice -> the detected content type.
KINDS = {"pdf": PDF, "jpg": JPEG, "png": PNG}
KIND_CHOICES = [("pdf", "PDF"), ("jpg", "JPG"), ("png", "PNG")]
DEFAULT_KINDS = ("pdf", "jpg", "png")
MB = 1024 * 1024
DEFAULT_MAX_MB = 10
MAX_MAX_MB = 50
HEAD_BYTES = 8192


def allowed_kinds(kinds):
    """The editor's choice of types, in a fixed order; junk or nothing means all three."""
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, (list, tuple)):
        kinds = ()
    chosen = [k for k in DEFAULT_KINDS if k in kinds]
    return chosen or list(DEFAULT_KINDS)


def allowed_extensions(kinds):
    return [ext for kind in allowed_kinds(kinds) for ext in EXTENSIONS[KINDS[kind]]]


def accept_attribute(kinds):
    """The `accept` of <input type="file">: extensions and content types, as browsers differ."""
    kinds = allowed_kinds(kinds)
    return ",".join(allowed_extensions(kinds) + [KINDS[k] for k in kinds])


def kinds_text(kinds):
    return gettext("、").join(KIND_LABELS[KINDS[k]] for k in allowed_kinds(kinds))


def _file_size(uploaded_file):
    # The real byte count, whatever the client declared.
    uploaded_file.seek(0, os.SEEK_END)
    size = uploaded_file.tell()
    uploaded_file.seek(0)
    return size


def _read(uploaded_file, offset, length):
    uploaded_file.seek(offset)
    return uploaded_file.read(length)


def validate_upload(uploaded_file, *, label, kinds=DEFAULT_KINDS, max_bytes=DEFAULT_MAX_MB * MB):
    """The detected content type of a good upload; otherwise ValidationError with a Chinese message.

    The read position is back at the start afterwards, so the file can be saved as it is.
    """
    try:
        return _validate(uploaded_file, label, allowed_kinds(kinds), max_bytes)
    finally:
        uploaded_file.seek(0)


def _validate(uploaded_file, label, kinds, max_bytes):
    size = _file_size(uploaded_file)
    if size == 0:
        raise ValidationError(_("所选文件是空文件（0 字节），请重新选择。"), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("%(label)s的单个文件不能超过 %(mb)s MB，请压缩后重新上传。"),
            code="too_large",
            params={"label": label, "mb": _megabytes(max_bytes)},
        )
    extension = file_extension(uploaded_file.name)
    extensions = allowed_extensions(kinds)
    if extension not in extensions:
        # Also catches double extensions (申请书.pdf.exe), names without one and paths.
        raise ValidationError(
            _("%(label)s只能上传 %(kinds)s 格式的文件（扩展名为 %(extensions)s）。"),
            code="extension",
            params={"label": label, "kinds": kinds_text(kinds), "extensions": gettext("、").join(extensions)},
        )
    head = _read(uploaded_file, 0, HEAD_BYTES)
    mime = detect_content_type(head)
    if mime is None:
        raise ValidationError(
            _("文件内容不是 %(kinds)s 格式，%(label)s只能上传这些格式的文件。"),
            code="type",
            params={"label": label, "kinds": kinds_text(kinds)},
        )
    if extension not in EXTENSIONS[mime]:
        raise ValidationError(
            CHECK_ERRORS["mismatch"], code="extension", params={"extension": extension, "kind": KIND_LABELS[mime]}
        )
    if mime == PDF:
        if size <= HEAD_BYTES + ZIP_TAIL:
            data = tail = _read(uploaded_file, 0, size)
        else:
            # The header and the last bytes are all check_pdf and check_hidden_content look at.
            tail = _read(uploaded_file, size - ZIP_TAIL, ZIP_TAIL)
            data = head + tail[-PDF_EOF_WINDOW:]
        check_pdf(data)
    else:
        data = tail = _read(uploaded_file, 0, size)
        check_image(data, mime)
    check_hidden_content(head, tail, mime)
    if mime == PDF:
        check_pdf_content(uploaded_file, label)
    return mime


def _megabytes(max_bytes):
    return f"{max_bytes / MB:.1f}".removesuffix(".0")
