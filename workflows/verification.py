"""许可证校验码: a short code derived from what a licence says, printed on its PDF.

HMAC-SHA256 over the canonical text of the licence (number, holder, code, address, items,
dates, authority) with a server-side key (`LICENSE_VERIFICATION_KEY`, SECRET_KEY by default).
The public verification page (workflows.views.verify) shows the stored code beside the licence's
content: a PDF whose text was altered either carries a code for another content or one that the
forger could not compute without the key. The code is stored at issue time, so rotating the key
later changes nothing already issued.
"""

import base64
import hashlib
import hmac
import json

from django.conf import settings
from django.urls import reverse


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


def verification_url(license):
    """The absolute URL the licence's QR code carries (PORTAL_BASE_URL, the public site)."""
    base = (getattr(settings, "PORTAL_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL).rstrip("/")
    return base + verification_path(license)


def public_record(license, today=None):
    """What anyone may see of a licence (许可证查询, the API): no person, no phone, no ID number."""
    status = license.status(today)
    return {
        "number": license.number,
        "status": status.value,
        "status_display": str(status.label),
        "holder_name": license.holder_name,
        "holder_credit_code": license.holder_credit_code,
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


def find_licences(number="", credit_code=""):
    """Licences by exact number, or every licence of a credit code (newest first); [] for neither."""
    from .models import License

    number = (number or "").strip().upper()
    credit_code = (credit_code or "").strip().upper()
    if not number and not credit_code:
        return []
    queryset = License.objects.select_related("authority", "superseded_by").order_by("-issued_on", "-pk")
    if number:
        return list(queryset.filter(number=number))
    return list(queryset.filter(holder_credit_code=credit_code)[:50])
