"""Masking personal data on screens that list many people (个人信息去标识化显示).

Staff lists show enough of an ID number or a mobile number to tell two rows apart and to match
a phone call, but not the whole value: a list page is printed, screenshotted and left open far
more often than a single record is (PIPL art. 51; GB/T 35273 §6.3). The full value stays on
the edit form, which only staff allowed to change the record can open.
"""

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
