"""核验文件: what an uploaded PDF proves, for 许可证查询's upload and the API's documents/verify/.

Four questions, each answered from the file alone plus our own records:

1. Is the signature intact? pyHanko recomputes the digest over the signed byte range and checks
   the CMS signature; one byte changed inside the range, or any incremental update after signing
   (a page added, a field filled, even validation data a reader appends: the signature must cover
   the whole file, as every document this system issues is never updated after signing), makes it
   签名无效.
2. Who signed it? The signer's certificate must chain to `signing.trust_roots()` and be one of our
   authorities' identities (`signing.identity_for_certificate`, active or rotated out). It is judged
   at the signing time the signature carries (its timestamp when there is one), so a certificate
   that has expired or been replaced since still proves what it signed then.
3. Is it the document on record? The SHA-256 of the uploaded bytes against `Document.sha256` (the
   hash of the signed file, stored at issue): kind, 文号 and date. A signature from our authority on
   bytes we never issued is reported as such, not as valid.
4. For a licence (and its 准予许可决定书): is the licence still valid, expired or superseded, as the
   register says (`verification.public_record`).

Nothing is stored and nothing about the file or its uploader is logged; every failure is a verdict
with a Chinese headline, never an exception.
"""

import asyncio
import concurrent.futures
import datetime
import enum
import functools
import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import find_unique_cms_attribute
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from forms_config.uploads import MB, validate_upload

from . import signing, verification
from .models import Document, DocumentKind, License

logger = logging.getLogger(__name__)

# Issued documents are a few hundred KB; 20 MB leaves room for a scanned attachment someone sends
# by mistake, well under nginx's client_max_body_size (docs/operations.md).
MAX_BYTES = 20 * MB


class Status(enum.StrEnum):
    VALID = "valid"
    ALTERED = "altered"
    NOT_SIGNED = "not_signed"
    UNKNOWN_SIGNER = "unknown_signer"
    CERTIFICATE_INVALID = "certificate_invalid"
    NOT_ON_RECORD = "not_on_record"
    NOT_PDF = "not_pdf"
    UNREADABLE = "unreadable"
    REFUSED = "refused"


HEADLINES = {
    Status.VALID: _("签名有效"),
    Status.ALTERED: _("签名无效（文件在签名后被修改）"),
    Status.NOT_SIGNED: _("文件没有电子签名"),
    Status.UNKNOWN_SIGNER: _("签名证书不是本系统审批机关的证书"),
    Status.CERTIFICATE_INVALID: _("签名证书在签名时无效"),
    Status.NOT_ON_RECORD: _("签名完好，但本系统没有该文件的签发记录"),
    Status.NOT_PDF: _("不是PDF文件"),
    Status.UNREADABLE: _("文件无法读取（已损坏或已加密）"),
    Status.REFUSED: _("文件未通过上传检查"),
}

EXPLANATIONS = {
    Status.VALID: _("文件自签名以来未被修改，签名证书属于下列审批机关，文件与本系统的签发记录一致。"),
    Status.ALTERED: _("文件内容与签名时不一致，可能被篡改，请勿采信，并以发证机关保存的文书为准。"),
    Status.NOT_SIGNED: _("该文件没有电子签名，无法确认其来源和完整性。"),
    Status.UNKNOWN_SIGNER: _("文件带有电子签名，但签名证书不是由本系统的审批机关证书签发，不能证明文书来自审批机关。"),
    Status.CERTIFICATE_INVALID: _("签名证书属于本系统认可的证书体系，但签名时证书已过期、尚未生效或无法验证。"),
    Status.NOT_ON_RECORD: _("签名未被破坏，但本系统没有签发过与之完全相同的文件，请向发证机关核实。"),
    Status.NOT_PDF: _("请上传审批机关签发的PDF格式文书（许可证或决定书）。"),
    Status.UNREADABLE: _("文件已损坏、不完整或设置了密码，无法核验。请上传从本系统下载的原始文件。"),
    Status.REFUSED: _("文件不能核验。"),
}


@dataclass(frozen=True)
class Signer:
    authority: str
    subject: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    signed_at: datetime.datetime | None
    timestamped: bool
    expired_now: bool
    rotated: bool


@dataclass(frozen=True)
class Record:
    kind: str
    kind_display: str
    number: str
    issued_on: datetime.date
    authority: str


@dataclass(frozen=True)
class Verdict:
    status: Status
    headline: str
    details: list = field(default_factory=list)
    signer: Signer | None = None
    record: Record | None = None
    licence: dict | None = None

    @property
    def is_valid(self):
        return self.status == Status.VALID

    def as_dict(self):
        """The API's answer (api.serializers.DocumentVerifyResultSerializer)."""
        return {
            "status": self.status.value,
            "message": str(self.headline),
            "details": [str(detail) for detail in self.details],
            "signer": None if self.signer is None else self.signer.__dict__,
            "record": None if self.record is None else self.record.__dict__,
            "licence": self.licence,
        }


def _verdict(status, *details, **facts):
    details = [EXPLANATIONS[status], *details]
    return Verdict(status=status, headline=HEADLINES[status], details=details, **facts)


# --- the upload --------------------------------------------------------------------------------

# validate_upload's codes -> the verdict; its own message goes along as the detail.
_UPLOAD_STATUS = {"extension": Status.NOT_PDF, "type": Status.NOT_PDF, "corrupt": Status.UNREADABLE}


def check_upload(uploaded_file):
    """The verdict on an uploaded file (Django's UploadedFile), after the checks every upload goes
    through (forms_config/uploads.py: size, type by content, the PDF's active-content walk)."""
    try:
        validate_upload(uploaded_file, label=_("待核验文件"), kinds=("pdf",), max_bytes=MAX_BYTES)
    except ValidationError as error:
        status = _UPLOAD_STATUS.get(error.code, Status.REFUSED)
        return _verdict(status, *error.messages)
    uploaded_file.seek(0)
    return check_pdf(uploaded_file.read())


# --- the file ----------------------------------------------------------------------------------


def check_pdf(data):
    """The verdict on the bytes of a PDF (never raises for what the bytes hold)."""
    if not data.startswith(b"%PDF-"):
        return _verdict(Status.NOT_PDF)
    try:
        return _check(data)
    except Exception:  # pyHanko and asn1crypto raise many types on hostile input
        logger.warning("signature check: the file could not be read", exc_info=False)
        return _verdict(Status.UNREADABLE)


def _check(data):
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if reader.encrypted:
        return _verdict(Status.UNREADABLE)
    signatures = [sig for sig in reader.embedded_signatures if sig.sig_object_type == "/Sig"]
    document = find_record(data)
    if not signatures:
        if document is not None:
            # Issued before signing was configured for its authority: the hash is the only proof.
            return _verdict(
                Status.NOT_SIGNED,
                _("但该文件与本系统的签发记录完全一致（签发时该机关尚未启用电子签章）。"),
                **_record_facts(document),
            )
        return _verdict(Status.NOT_SIGNED, _("本系统也没有该文件的签发记录。"))
    # Ours is the first signature; any later one is an update after it (judged as such below).
    return _judge(signatures[0], document)


def _judge(sig, document):
    signed_at = _signing_time(sig)
    context = ValidationContext(
        trust_roots=list(signing.trust_roots()),
        allow_fetching=False,
        revocation_mode="soft-fail",
        # Judged when signed: a certificate expired or replaced since still proves what it signed.
        moment=signed_at,
    )
    try:
        # No difference analysis: an issued document is never updated after signing, so anything
        # after the signed revision (even validation data a reader may append) is not the file
        # issued, and the analysis costs per revision of a file anyone may send.
        status = _validate(sig, context)
    except Exception as error:  # SignatureValidationError, asn1crypto's errors: a broken signature
        logger.info("signature check: the signature could not be validated (%s)", type(error).__name__)
        return _verdict(Status.ALTERED, _("签名数据已损坏，无法校验。"))

    if not (status.intact and status.valid):
        return _verdict(Status.ALTERED, _("签名范围内的内容与签名时不一致。"))
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return _verdict(Status.ALTERED, _("签名之后文件又被追加了修改（如增加页面、批注或其他内容）。"))

    certificate = status.signing_cert
    identity = signing.identity_for_certificate(certificate)
    if identity is None:
        return _verdict(Status.UNKNOWN_SIGNER, _("签名证书：%(subject)s。") % {"subject": _subject(certificate)})
    signer = _signer(identity, status, signed_at)
    if not status.trusted:
        return _verdict(Status.CERTIFICATE_INVALID, signer=signer)
    if document is None or document.application.authority_id != identity.authority_id:
        return _verdict(Status.NOT_ON_RECORD, signer=signer)
    return _verdict(Status.VALID, signer=signer, **_record_facts(document))


def _validate(sig, context):
    """pyHanko's validation, which runs its coroutine with asyncio.run: in a thread of its own
    where an event loop already runs in this one (an async server, Playwright's sync API)."""
    run = functools.partial(validate_pdf_signature, sig, context, skip_diff=True)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def _signing_time(sig):
    """When the file says it was signed (the timestamp's time when there is one), never later than
    now; now when it says nothing."""
    now = timezone.now()
    reported = None
    try:
        token = find_unique_cms_attribute(sig.signer_info["unsigned_attrs"], "signature_time_stamp_token")
        reported = token["content"]["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:  # NonexistentAttributeError (no timestamp) or a malformed one: the claimed time
        reported = None
    if reported is None:
        reported = sig.self_reported_timestamp
    if reported is None or reported > now:
        return now
    return reported


def _subject(certificate):
    try:
        return certificate.subject.native.get("common_name") or certificate.subject.human_friendly
    except Exception:
        return "?"


def _signer(identity, status, signed_at):
    now = timezone.now()
    return Signer(
        authority=identity.authority.name,
        subject=identity.subject_name,
        not_before=identity.not_before,
        not_after=identity.not_after,
        signed_at=signed_at,
        timestamped=status.timestamp_validity is not None,
        expired_now=identity.not_after < now,
        rotated=not identity.active,
    )


# --- our records --------------------------------------------------------------------------------


def find_record(data):
    """The issued Document whose stored hash is this file's, or None."""
    digest = hashlib.sha256(data).hexdigest()
    return Document.objects.select_related("application__authority").filter(sha256=digest).first()


LICENCE_KINDS = (DocumentKind.LICENSE, DocumentKind.LICENSE_DECISION)


def _record_facts(document):
    if document is None:
        return {}
    record = Record(
        kind=document.kind,
        kind_display=str(document.get_kind_display()),
        number=document.number,
        issued_on=timezone.localdate(document.issued_at),
        authority=document.application.authority.name,
    )
    licence = None
    if document.kind in LICENCE_KINDS:
        found = (
            License.objects.select_related("authority", "superseded_by", "holder")
            .filter(application_id=document.application_id)
            .first()
        )
        if found is not None:
            public = verification.public_record(found)
            licence = {
                key: public[key]
                for key in ("number", "status", "status_display", "valid_until", "superseded_by", "authority")
            }
    return {"record": record, "licence": licence}
