"""文号 and 许可证编号: numbers that are unique, gap-free per authority and year, and readable.

A counter row per (authority, kind, year) is taken under a row lock inside the issuing
transaction, so two officers issuing at once get consecutive numbers and a rolled-back action
gives its number back.
"""

from django.db import IntegrityError, transaction

from .models import DocumentKind, DocumentSequence

# 省级行政区 abbreviations, by the first two digits of the GB/T 2260 code.
PROVINCE_ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新", "71": "台",
    "81": "港", "82": "澳",
}  # fmt: skip

# The word of each decision's 文号, e.g. （京）特受〔2026〕12号 for an acceptance in Beijing.
DOCUMENT_WORDS = {
    DocumentKind.CORRECTION_NOTICE: "特补",
    DocumentKind.ACCEPTANCE_DECISION: "特受",
    DocumentKind.NON_ACCEPTANCE_DECISION: "特不受",
    DocumentKind.LICENSE_DECISION: "特许",
    DocumentKind.DENIAL_DECISION: "特不许",
}

# TSG licence numbers start with TS and a digit for the activity: 1 design, 2 manufacture,
# 3 installation/alteration/repair, 4 filling.
ACTIVITY_DIGITS = {"design": "1", "manufacture": "2", "installation": "3", "alteration": "3", "repair": "3"}
FILLING_DIGIT = "4"


def authority_abbreviation(authority):
    if authority.region_id is None or authority.authority_level == "national":
        return "国"
    return PROVINCE_ABBREVIATIONS.get(str(authority.region_id)[:2], "")


def next_value(authority, kind, year):
    """The next number in the (authority, kind, year) sequence; call inside a transaction."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                sequence, _created = DocumentSequence.objects.select_for_update().get_or_create(
                    authority=authority, kind=kind, year=year
                )
            break
        except IntegrityError:  # a concurrent first number of the year: the row exists now
            if attempt:  # refused twice: not that race; let the action fail with the real error
                raise
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def document_number(authority, kind, issued_on):
    value = next_value(authority, kind, issued_on.year)
    return f"（{authority_abbreviation(authority)}）{DOCUMENT_WORDS[kind]}〔{issued_on.year}〕{value}号"


def license_number(application, issued_on, valid_until):
    authority = application.authority
    value = next_value(authority, DocumentKind.LICENSE, issued_on.year)
    first = next(iter(application.items.all()), None)
    item = first.license_item if first is not None else None
    if item is not None and item.category == "filling":
        digit = FILLING_DIGIT
    else:
        digit = ACTIVITY_DIGITS.get(getattr(item, "activity", ""), "2")
    region = "10" if authority_abbreviation(authority) == "国" else str(authority.region_id)[:2]
    return f"TS{digit}{region}{issued_on:%y}{value:04d}-{valid_until:%Y}"
