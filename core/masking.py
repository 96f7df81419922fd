"""Masking personal data on screens that list many people (个人信息去标识化显示).

Staff lists show enough of an ID number or a mobile number to tell two rows apart and to match
a phone call, but not the whole value: a list page is printed, screenshotted and left open far
more often than a single record is (PIPL art. 51; GB/T 35273 §6.3). The full value stays on
the edit form, which only staff allowed to change the record can open.
"""

import re

MASK = "*"


def _mask(value, keep_start, keep_end):
    value = (value or "").strip()
    if not value:
        return ""
    # Too short to keep both ends without giving most of it away: show the last character only.
    if len(value) <= keep_start + keep_end:
        return MASK * (len(value) - 1) + value[-1:]
    return value[:keep_start] + MASK * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value):
    """110105194912310021 -> 110105********0021: the region code and the last four stay."""
    return _mask(value, keep_start=6, keep_end=4)


def mask_mobile(value):
    """13800000000 -> 138****0000: the carrier prefix and the last four stay."""
    return _mask(value, keep_start=3, keep_end=4)


# Free text that may carry the numbers (log lines, exception messages). An ID number is matched
# with its birth-date shape so that an all-digit 统一社会信用代码 is not taken for one; a mobile
# is 11 digits starting 13-19. Neither may be part of a longer run of digits or letters.
ID_NUMBER_RE = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d{9})(?![0-9A-Za-z])")


def redact_text(text):
    """`text` with every ID number and mobile number in it masked as the lists show them."""
    if not text:
        return text
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return MOBILE_RE.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + mask_mobile(m.group(1)), text)
