"""Field rules of the registration pages (seed section 1.3), each with its Chinese message.

The check digits are computed here rather than through python-stdnum 2.2, whose cn.uscc
refuses valid codes that start with a letter (registration authorities such as Y or N) and
does not check the embedded organisation code, and whose cn.ric raises KeyError for region
codes missing from its table (e.g. 330114, created in 2021). The tests compare both on the
codes where stdnum is right.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 31 characters, the ten digits and the upper-case letters without I O Z S V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RIC_CHECK = "10X98765432"
FORBIDDEN_LETTERS = set("IOZSV")
# GB/T 2260 province-level prefixes, including Taiwan, Hong Kong and Macao (71, 81, 82).
PROVINCE_PREFIXES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
    "71",
    "81",
    "82",
}

USERNAME_RE = re.compile(r"^[A-Za-z0-9]{4,20}$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
SPECIAL_CHARACTERS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def org_code_check_char(body):
    """GB 11714 check character for the 8-character body of an organisation code."""
    # Digits count as themselves, letters as A=10 … Z=35.
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_char(body):
    """GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def ric_check_char(body):
    """GB 11643 check character for the first 17 digits of a resident ID number."""
    return RIC_CHECK[sum(int(c) * w for c, w in zip(body, RIC_WEIGHTS, strict=True)) % 11]


def is_valid_organization_code(code):
    if len(code) != 9 or not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", code):
        return False
    if FORBIDDEN_LETTERS & set(code[:8]):
        return False
    return org_code_check_char(code[:8]) == code[8]


def is_valid_uscc(code):
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    if not code[2:8].isdigit():
        return False
    if uscc_check_char(code[:17]) != code[17]:
        return False
    # Characters 9–17 are the body's organisation code with its own GB 11714 check digit.
    return is_valid_organization_code(code[8:17])


def normalize_code(value):
    return (value or "").strip().replace(" ", "")


def validate_credit_code(value):
    """统一社会信用代码 (18) or 组织机构代码 (9): upper case, no I/O/Z/S/V, right check digit."""
    code = normalize_code(value)
    if len(code) not in (9, 18):
        raise ValidationError(
            _("请输入9位组织机构代码或18位统一社会信用代码，当前为%(n)d位。"), code="length", params={"n": len(code)}
        )
    if code != code.upper():
        raise ValidationError(_("字母必须大写。"), code="case")
    bad = sorted(FORBIDDEN_LETTERS & set(code))
    if bad:
        raise ValidationError(
            _("代码中不能包含字母 I、O、Z、S、V（发现：%(letters)s）。"),
            code="letters",
            params={"letters": gettext("、").join(bad)},
        )
    if len(code) == 18:
        if any(c not in USCC_ALPHABET for c in code):
            raise ValidationError(_("统一社会信用代码只能由数字和大写字母组成。"), code="charset")
        if not code[2:8].isdigit():
            raise ValidationError(_("统一社会信用代码第3至8位应为行政区划码（数字）。"), code="region")
        if uscc_check_char(code[:17]) != code[17]:
            raise ValidationError(_("统一社会信用代码校验位不正确，请核对营业执照。"), code="checksum")
        if not is_valid_organization_code(code[8:17]):
            raise ValidationError(_("统一社会信用代码中第9至17位的组织机构代码校验位不正确。"), code="org_checksum")
    elif not is_valid_organization_code(code):
        raise ValidationError(_("组织机构代码不正确（8位本体代码加1位校验码，校验码为数字或X）。"), code="org_checksum")


def validate_id_number(value):
    """居民身份证号码 (GB 11643): 18 characters, a real birth date and the right check digit."""
    number = normalize_code(value).upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("请输入18位身份证号码，最后一位可以是数字或X。"), code="format")
    if number[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(_("身份证号码前两位不是有效的省级行政区划代码。"), code="region")
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date") from None
    if birth.year < 1900 or birth > datetime.date.today():
        raise ValidationError(_("身份证号码中的出生日期无效。"), code="birth_date")
    if ric_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对。"), code="checksum")


def validate_mobile(value):
    if not MOBILE_RE.fullmatch((value or "").strip()):
        raise ValidationError(_("请输入11位中国大陆手机号码。"), code="mobile")


def validate_username(value):
    if not USERNAME_RE.fullmatch(value or ""):
        raise ValidationError(_("用户名为4-20个字符，只能由字母和数字组成。"), code="username")


class PasswordComplexityValidator:
    """8–20 characters with upper case, lower case, a digit and a special character (seed 1.3)."""

    min_length = 8
    max_length = 20

    def validate(self, password, user=None):
        errors = []
        if not self.min_length <= len(password) <= self.max_length:
            errors.append(ValidationError(gettext("密码长度应为8-20个字符。"), code="password_length"))
        missing = []
        if not any(c.isascii() and c.isupper() for c in password):
            missing.append(gettext("大写字母"))
        if not any(c.isascii() and c.islower() for c in password):
            missing.append(gettext("小写字母"))
        if not any(c.isascii() and c.isdigit() for c in password):
            missing.append(gettext("数字"))
        if not any(c in SPECIAL_CHARACTERS for c in password):
            missing.append(gettext("特殊字符"))
        if missing:
            errors.append(
                ValidationError(
                    gettext("密码必须同时包含大写字母、小写字母、数字和特殊字符，缺少：%(missing)s。"),
                    code="password_classes",
                    params={"missing": gettext("、").join(missing)},
                )
            )
        if any(not (c.isascii() and c.isprintable()) or c.isspace() for c in password):
            errors.append(
                ValidationError(
                    gettext("密码只能包含英文字母、数字和英文特殊字符，不能有空格。"), code="password_charset"
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return gettext("8-20个字符，必须由大写字母、小写字母、数字和特殊字符组成。")
