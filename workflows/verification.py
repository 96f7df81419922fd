"""许可证校验码: a short code derived from what a licence says, printed on its PDF.

HMAC-SHA256 over the canonical text of the licence (number, holder, code, address, items,
dates, authority) with a server-side key (`LICENSE_VERIFICATION_KEY`, SECRET_KEY by default).
The public verification page (workflows.views.verify) shows the stored code beside the licence's
content: a PDF whose text was altered either carries a code for another content or one that the
forger could not compute without the key. The code is stored at issue time, so rotating the key
later changes nothing already issued.

Also here: what the page looks up and may show (`lookup`, `public_record`: nothing personal), how
often anyone may look up (`check_lookup_allowed`, for the page and the API alike), and what the
licence PDF prints to send its reader there (`license_document_context`: the page's URL for the
number and a QR code of it).
"""

import base64
import hashlib
import hmac
import io
import json
import re
import unicodedata
from dataclasses import dataclass

import qrcode
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from qrcode.image.pil import PilImage

from core import ratelimit


def _key():
    key = getattr(settings, "LICENSE_VERIFICATION_KEY", "") or settings.SECRET_KEY
    return f"license-verification:{key}".encode()


def canonical_text(
    *, number, holder_name, holder_credit_code, holder_address, items, issued_on, valid_until, authority
):
    content = {
        "number": number,
        "holder_name": holder_name,
        "holder_credit_code": holder_credit_code,
        "holder_address": holder_address,
        "items": [[item.get("category", ""), item.get("item_name", ""), item.get("level_code", "")] for item in items],
        "issued_on": f"{issued_on:%Y-%m-%d}",
        "valid_until": f"{valid_until:%Y-%m-%d}",
        "authority": authority,
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compute_code(**content):
    """16 base32 characters in groups of four, e.g. 'K3QD-7XWA-M2PF-9TZB' (no 0/1/8 lookalikes)."""
    digest = hmac.new(_key(), canonical_text(**content).encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest).decode()[:16]
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def code_for(license):
    return compute_code(
        number=license.number,
        holder_name=license.holder_name,
        holder_credit_code=license.holder_credit_code,
        holder_address=license.holder_address,
        items=license.items,
        issued_on=license.issued_on,
        valid_until=license.valid_until,
        authority=license.authority.name,
    )


def normalise_code(value):
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def codes_match(license, value):
    return hmac.compare_digest(normalise_code(license.verification_code), normalise_code(value))


def verification_path(license):
    return f"{reverse('verify_license')}?number={license.number}"


def public_base_url(request=None):
    """The public site's address, which the licence's QR code and link carry: PORTAL_BASE_URL when
    configured (in production it is, WAGTAILADMIN_BASE_URL by default). Where it is not (a laptop
    with neither variable set), the scheme and host `request` came to, so a licence approved on
    http://192.168.1.20:8000 points there; with no request either, WAGTAILADMIN_BASE_URL's default."""
    configured = getattr(settings, "PORTAL_BASE_URL", "") or ""
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def verification_url(license, base_url=None):
    """The absolute URL the licence's QR code carries: `base_url` (from `public_base_url(request)`)
    or the configured public address, then the page's path for the number."""
    return (base_url or public_base_url()).rstrip("/") + verification_path(license)


def qr_png(text):
    """A PNG of the QR code carrying `text`: error correction M (a smudged corner still scans),
    4 modules of quiet zone as the standard asks, so a phone reads it off a printed page."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=4)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(text):
    """The QR PNG inline (forms_config.pdf lets data: URIs through and fetches nothing else)."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode()


def license_document_context(license, base_url=None):
    """What templates/pdf/documents/license.html needs beyond the licence: where to verify it.
    Rendered once, at approval (workflows.actions.approve), with the approving request's
    `public_base_url` when there is one."""
    url = verification_url(license, base_url)
    return {"verification_url": url, "verification_qr": qr_data_uri(url)}


def mask_person_name(name):
    """张三 -> 张*, 欧阳娜娜 -> 欧***: a natural person's name is personal data, which a public
    look-up has no need to show in full; the holder's own certificate carries it."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*" * len(name)


def holder_is_person(license):
    from accounts.models import OrganisationKind

    return license.holder.kind == OrganisationKind.INDIVIDUAL


def public_record(license, today=None):
    """What anyone may see of a licence (许可证查询, the API): no person, no phone, no ID number.

    A licence held by an individual (个人用户) shows the name masked and no code: the holder is a
    natural person, whose name and ID are personal data, not a company's public registration."""
    status = license.status(today)
    person = holder_is_person(license)
    return {
        "number": license.number,
        "status": status.value,
        "status_display": str(status.label),
        "holder_name": mask_person_name(license.holder_name) if person else license.holder_name,
        "holder_credit_code": "" if person else license.holder_credit_code,
        "items": [
            {
                "category": item.get("category", ""),
                "item_name": item.get("item_name", ""),
                "level_code": item.get("level_code", ""),
                "level_description": item.get("level_description", ""),
            }
            for item in license.items
        ],
        "authority": license.authority.name,
        "issued_on": license.issued_on,
        "valid_until": license.valid_until,
        "superseded_by": license.superseded_by.number if license.superseded_by_id else "",
        "verification_code": license.verification_code,
    }


# TS + activity digit + region + year + sequence, then "-" and the year of expiry
# (workflows.numbering.license_number); letters allowed in the middle for licences issued on paper
# before this system, whose numbers the register may hold.
LICENSE_NUMBER_RE = re.compile(r"^TS[0-9A-Z]{5,16}-\d{4}$")
# A number as this system issues it (workflows.numbering.license_number): TS, the activity digit
# (2 制造), the region (11 北京), the year of issue (26), the sequence (0001), "-" and the year of
# expiry. The hints of 许可证查询 and the API show it; tests keep it in the issued numbers' shape.
EXAMPLE_LICENSE_NUMBER = "TS211260001-2030"


def validate_license_number(value):
    """The shape of a licence number (TS…-<expiry year>), for 许可证查询 and the API alike."""
    if not LICENSE_NUMBER_RE.match(value):
        raise ValidationError(
            _("许可证编号格式不正确：应以 TS 开头，以“-有效期截止年份”结尾，例如 TS211260001-2030。"),
            code="number_format",
        )


def normalise_query(value):
    """What a visitor typed or pasted, as stored: full-width characters (ＴＳ２１…－２０３０ from a
    Chinese input method) made half-width, spaces dropped, upper case."""
    value = unicodedata.normalize("NFKC", value or "")
    return "".join(value.split()).upper()


def find_licences(number="", credit_code=""):
    """Licences by exact number, or every licence of a credit code (newest first); [] for neither."""
    from .models import License

    number = normalise_query(number)
    credit_code = normalise_query(credit_code)
    if not number and not credit_code:
        return []
    queryset = License.objects.select_related("authority", "superseded_by", "holder").order_by("-issued_on", "-pk")
    if number:
        return list(queryset.filter(number=number))
    return list(queryset.filter(holder_credit_code=credit_code)[:50])


def lookup(number="", credit_code="", code=""):
    """许可证查询's answer: the public record of each licence found, with the holder's address (so
    every line the 校验码 covers can be compared with the certificate; none for a person) and
    whether `code`, when given, is the licence's."""
    records = []
    for license in find_licences(number=number, credit_code=credit_code):
        record = public_record(license)
        record["holder_address"] = "" if holder_is_person(license) else license.holder_address
        record["code_matches"] = bool(normalise_code(code)) and codes_match(license, code)
        records.append(record)
    return records


# --- how often: one allowance for 许可证查询 and the API's licences/verify/ -------------------------
# Per client IP and per organisation (an API token's, or a logged-in visitor's), counted in
# core.ratelimit whichever door the lookup came through: a fresh API token belongs to the same
# organisation and the page and the API share the address's counters, so neither resets anything.
IP_SCOPE = "license_verify"
ORGANISATION_SCOPE = "license_verify_org"


def ip_limits():
    return [
        (ratelimit.HOUR, settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_IP),
        (ratelimit.DAY, settings.LICENSE_VERIFY_DAILY_LIMIT_PER_IP),
    ]


def organisation_limits():
    return [
        (ratelimit.HOUR, settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_ORGANISATION),
        (ratelimit.DAY, settings.LICENSE_VERIFY_DAILY_LIMIT_PER_ORGANISATION),
    ]


@dataclass(frozen=True)
class LookupRefused:
    """A lookup over the allowance: which window (ratelimit.Exceeded) and whose (address or unit)."""

    exceeded: ratelimit.Exceeded
    by_organisation: bool

    @property
    def retry_after(self):
        return self.exceeded.retry_after

    @property
    def message(self):
        minutes = {"minutes": self.exceeded.minutes}
        if self.by_organisation:
            if self.exceeded.period == ratelimit.DAY:
                return gettext("本单位今日查询许可证次数已达上限，请明天再试。")
            return gettext("本单位查询许可证过于频繁，请%(minutes)d分钟后再试。") % minutes
        if self.exceeded.period == ratelimit.DAY:
            return gettext("您所在网络今日查询许可证次数已达上限，请明天再试。")
        return gettext("您所在网络查询许可证过于频繁，请%(minutes)d分钟后再试。") % minutes


def check_lookup_allowed(ip, organisation=None, now=None):
    """Count one lookup against the address and, when known, the organisation; None when it may
    go ahead, else a LookupRefused (the longer wait when both are used up). Call it only for a
    query that will be answered: input refused as malformed reads nothing and costs nothing."""
    refusals = []
    exceeded = ratelimit.hit(IP_SCOPE, ip, ip_limits(), now)
    if exceeded is not None:
        refusals.append(LookupRefused(exceeded, by_organisation=False))
    if organisation is not None:
        exceeded = ratelimit.hit(ORGANISATION_SCOPE, f"organisation:{organisation.pk}", organisation_limits(), now)
        if exceeded is not None:
            refusals.append(LookupRefused(exceeded, by_organisation=True))
    return max(refusals, key=lambda refused: refused.retry_after, default=None)
