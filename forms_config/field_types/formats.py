"""Formatted single values: 日期, 统一社会信用代码, 身份证号码, 手机号, 联系电话, 邮政编码.

Each format is a `check(value, label)` that returns the value as it is kept and raises a
ValidationError with a Chinese message; the same checks validate the cells of a 重复表格
(field_types/table.py). Check digits and the registration formats come from accounts.validators.

Values are normalised before checking: NFKC turns the full-width digits and letters of Chinese
input methods into ASCII, codes are upper-cased without spaces. Anything left that is not ASCII
is refused here, because Python's `\\d` (used by some account validators) also matches e.g.
Arabic-Indic digits.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import MOBILE_RE, validate_credit_code, validate_id_number, validate_mobile
from core import masking

from .base import SchemaField

TEXT_MAX_LENGTH = 200
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LANDLINE_RE = re.compile(r"0[1-9][0-9]{1,2}-?[0-9]{7,8}(?:(?:-|转)[0-9]{1,6})?")
SERVICE_NUMBER_RE = re.compile(r"[48]00-?[0-9]{3}-?[0-9]{4}")
POSTCODE_RE = re.compile(r"[0-9]{6}")
INTEGER_RE = re.compile(r"[+-]?[0-9]{1,15}")
NUMBER_MAX_DIGITS = 15


def normalise(value):
    return unicodedata.normalize("NFKC", value).strip()


def normalise_code(value):
    return re.sub(r"\s+", "", normalise(value)).upper()


def check_text(value, label):
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(
            _("%(label)s不能超过 %(n)s 个字符。") % {"label": label, "n": TEXT_MAX_LENGTH}, code="max_length"
        )
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(_("%(label)s含有无法显示的控制字符。") % {"label": label}, code="invalid")
    return value


def check_number(value, label):
    value = normalise(value)
    try:
        number = Decimal(value) if value.isascii() else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or len(number.as_tuple().digits) > NUMBER_MAX_DIGITS:
        raise ValidationError(_("%(label)s请填写数字。") % {"label": label}, code="invalid")
    return value


def check_integer(value, label):
    value = normalise(value)
    if not INTEGER_RE.fullmatch(value):
        raise ValidationError(_("%(label)s请填写整数。") % {"label": label}, code="invalid")
    return value


def check_date(value, label):
    value = normalise(value)
    try:
        if not DATE_RE.fullmatch(value):
            raise ValueError
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("请按“年-月-日”格式填写%(label)s，例如 2026-11-26。") % {"label": label}, code="invalid"
        ) from None
    if parsed.year < 1900:
        raise ValidationError(_("%(label)s的年份不正确。") % {"label": label}, code="invalid")
    return value


def check_credit_code(value, label):
    value = normalise_code(value)
    if not value.isascii():
        raise ValidationError(_("统一社会信用代码只能由数字和大写字母组成。"), code="charset")
    validate_credit_code(value)
    return value


def check_id_number(value, label):
    value = normalise_code(value)
    if not value.isascii():
        raise ValidationError(_("请输入18位身份证号码，最后一位可以是数字或X。"), code="format")
    validate_id_number(value)
    return value


def check_mobile(value, label):
    value = normalise_code(value)
    if not value.isascii():
        raise ValidationError(_("请输入11位中国大陆手机号码。"), code="mobile")
    validate_mobile(value)
    return value


def check_phone(value, label):
    value = normalise_code(value)
    if value.isascii() and (
        MOBILE_RE.fullmatch(value) or LANDLINE_RE.fullmatch(value) or SERVICE_NUMBER_RE.fullmatch(value)
    ):
        return value
    raise ValidationError(
        _("%(label)s请填写11位手机号码或带区号的固定电话，如 010-12345678、0755-1234567-123。") % {"label": label},
        code="invalid",
    )


def check_postcode(value, label):
    value = normalise_code(value)
    if not POSTCODE_RE.fullmatch(value):
        raise ValidationError(_("%(label)s应为6位数字。") % {"label": label}, code="invalid")
    return value


class CheckedCharField(forms.CharField):
    """A text value run through a format check. Anything but a string (a stored value can be
    any JSON) is refused with the field's message rather than turned into text."""

    def __init__(self, *, check, check_label, **kwargs):
        self.check = check
        self.check_label = check_label
        super().__init__(**kwargs)

    def to_python(self, value):
        if value is None:
            return ""
        if not isinstance(value, str):
            raise ValidationError(_("%(label)s的内容无效，请重新填写。") % {"label": self.check_label}, code="invalid")
        return value.strip()

    def clean(self, value):
        value = super().clean(value)
        return self.check(value, self.check_label) if value else value


class FormattedField(SchemaField):
    """A single-line input whose value must pass `check`."""

    field_class = CheckedCharField
    check = staticmethod(check_text)
    input_type = "text"
    input_attrs = {}
    # Stored values are normalised as they come in (full-width digits, upper case, spaces).
    normalise_raw = staticmethod(normalise)

    def get_options(self, block_value):
        options = super().get_options(block_value)
        attrs = {**self.input_attrs}
        widget = forms.TextInput(attrs=attrs)
        widget.input_type = self.input_type
        options.update(check=self.check, check_label=block_value["label"], widget=widget)
        return options

    def raw_from_post(self, formfield, html_name, data, files):
        value = formfield.widget.value_from_datadict(data, files, html_name)
        return self.normalise_raw(value) if isinstance(value, str) else value

    def display(self, block_value, raw):
        if not isinstance(raw, str):
            return super().display(block_value, raw)
        return self.normalise_raw(raw)

    def prefill_value(self, block_value, source_value):
        return self.normalise_raw(source_value) if isinstance(source_value, str) else source_value


class DateField(FormattedField):
    icon = "date"
    label = _("日期")
    check = staticmethod(check_date)
    input_type = "date"

    def display(self, block_value, raw):
        text = super().display(block_value, raw)
        try:
            date = datetime.date.fromisoformat(check_date(text, "")) if text else None
        except ValidationError:
            return text
        # The format is translated too: 2026年11月26日 in Chinese, 26 November 2026 in English.
        return dateformat.format(date, gettext("Y年n月j日")) if date else ""


class CreditCodeField(FormattedField):
    icon = "form"
    label = _("统一社会信用代码")
    check = staticmethod(check_credit_code)
    normalise_raw = staticmethod(normalise_code)
    input_attrs = {"maxlength": "18", "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}


class IdNumberField(FormattedField):
    icon = "user"
    label = _("身份证号码")
    check = staticmethod(check_id_number)
    normalise_raw = staticmethod(normalise_code)
    input_attrs = {"maxlength": "18", "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}

    def masked_display(self, block_value, raw):
        """The number with the birth date hidden, for staff lists (core.masking)."""
        return masking.mask_id_number(self.display(block_value, raw))


class MobileField(FormattedField):
    icon = "mobile-alt"
    label = _("手机号")
    check = staticmethod(check_mobile)
    normalise_raw = staticmethod(normalise_code)
    input_type = "tel"
    input_attrs = {"maxlength": "11", "inputmode": "numeric", "autocomplete": "tel"}

    def masked_display(self, block_value, raw):
        return masking.mask_mobile(self.display(block_value, raw))


class PhoneField(FormattedField):
    icon = "mobile-alt"
    label = _("联系电话")
    check = staticmethod(check_phone)
    normalise_raw = staticmethod(normalise_code)
    input_type = "tel"
    input_attrs = {"maxlength": "30", "autocomplete": "tel"}

    def masked_display(self, block_value, raw):
        # A 联系电话 may hold a person's mobile as well as an office landline: the mobile is masked
        # like a 手机号 field, the landline (an organisation's number, needed to call back) stays.
        return masking.redact_text(self.display(block_value, raw))


class PostcodeField(FormattedField):
    icon = "mail"
    label = _("邮政编码")
    check = staticmethod(check_postcode)
    normalise_raw = staticmethod(normalise_code)
    input_attrs = {"maxlength": "6", "inputmode": "numeric", "autocomplete": "postal-code"}


# Column types of a 重复表格, by the value an editor picks.
COLUMN_CHECKS = {
    "text": check_text,
    "number": check_number,
    "integer": check_integer,
    "date": check_date,
    "id_number": check_id_number,
    "mobile": check_mobile,
    "uscc": check_credit_code,
}
COLUMN_NORMALISERS = {"id_number": normalise_code, "mobile": normalise_code, "uscc": normalise_code}
