"""Business licence (营业执照) uploads: the licence's own limits, and keeping a file across a failed form.

`validate_business_licence` applies the content checks every upload goes through
(core/content_checks.py: type by the file's bytes, extension agreeing with it, bounded decoding,
no active PDF content, no polyglots) with the licence's size limit and wording.

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

import filetype
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.content_checks import (
    ALLOWED_EXTENSIONS,
    CHECK_ERRORS,
    EXTENSIONS,
    KIND_LABELS,
    PDF,
    check_hidden_content,
    check_image,
    check_pdf,
    check_pdf_content,
    detect_content_type,
    display_name,
    file_extension,
    read_head,
    size_text,
)
from core.ratelimit import client_digest
from core.storage import private_storage

STASH_SALT = "accounts.uploads.stash"
STASH_MAX_AGE = 60 * 60  # seconds: the applicant fixes the other fields now or picks the file again
STASH_DIR = "pending"
# pending/<client digest>-<random>.<ext>: the digest (a keyed hash of the client's address) lets the
# per-IP cap count a client's stashes from the file names alone. Older names have no digest.
STASH_PATH_RE = re.compile(r"pending/(?:[0-9a-f]{16}-)?[0-9a-f]{32}(?:\.[a-z0-9]{1,8})?")

ERRORS = {
    "empty": _("所选营业执照文件是空文件（0 字节），请重新选择。"),
    "too_large": _("营业执照文件不能超过 %(limit)s，请压缩后重新上传。"),
    "type": _("营业执照只能上传 PDF、JPG 或 PNG 格式的文件，所选文件的内容不是这几种格式。"),
    "bad_extension": _("营业执照文件的扩展名必须是 .pdf、.jpg、.jpeg 或 .png。"),
    **CHECK_ERRORS,
}


def validate_business_licence(uploaded_file, label=None):
    """Refuse anything but a complete PDF, JPEG or PNG within the size limit, named as what it is."""
    limit = settings.BUSINESS_LICENCE_MAX_BYTES
    data = read_head(uploaded_file, limit)
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
