import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric

from accounts.validators import (
    USCC_ALPHABET,
    is_valid_organization_code,
    is_valid_uscc,
    org_code_check_char,
    ric_check_char,
    uscc_check_char,
    validate_credit_code,
    validate_id_number,
)

# Published codes of well-known enterprises (business licences are public records).
KNOWN_VALID_USCC = [
    "91350100M000100Y43",
    "9144030071526726XG",  # Tencent
    "914403001922038216",  # Huawei
    "91330100716105852F",
]


@pytest.mark.parametrize("code", KNOWN_VALID_USCC)
def test_known_valid_credit_codes_pass(code):
    validate_credit_code(code)
    assert is_valid_uscc(code)


def test_letter_registration_authority_is_accepted():
    # Y = other registration authority; stdnum 2.2's cn.uscc wrongly rejects a leading letter.
    org = "MA1" + "23456"
    org += org_code_check_char(org)
    head = "Y1110105" + org
    validate_credit_code(head + uscc_check_char(head))


def test_wrong_embedded_org_code_is_refused():
    head = "91110105" + "123456780"  # 0 is not the check character of 12345678
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(head + uscc_check_char(head))
    assert exc.value.code == "org_checksum"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345", "length"),
        ("91350100m000100y43", "case"),
        ("91350100M000100O43", "letters"),
        ("91350100M000100Y44", "checksum"),
    ],
)
def test_bad_credit_codes_have_their_message(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(value)
    assert exc.value.code == code


@given(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8).filter(lambda s: not s[0] == "0" or True))
def test_org_code_check_digit_roundtrip(body):
    code = body + org_code_check_char(body)
    assert is_valid_organization_code(code)
    wrong = "X" if code[-1] != "X" else "0"
    assert not is_valid_organization_code(body + wrong)


@given(
    st.sampled_from("159Y"),
    st.sampled_from("123"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
)
def test_generated_credit_codes_validate_and_any_single_change_is_caught(authority, kind, region, org_body):
    org = org_body + org_code_check_char(org_body)
    head = authority + kind + region + org
    code = head + uscc_check_char(head)
    validate_credit_code(code)
    for replacement in "0A":
        altered = code[:17] + (replacement if code[17] != replacement else "1")
        assert not is_valid_uscc(altered)


@given(
    st.integers(min_value=0, max_value=999),
    st.dates(min_value=__import__("datetime").date(1920, 1, 1), max_value=__import__("datetime").date(2020, 12, 31)),
)
def test_id_number_agrees_with_stdnum(seq, birth):
    head = f"110105{birth:%Y%m%d}{seq:03d}"
    number = head + ric_check_char(head)
    validate_id_number(number)
    assert stdnum_ric.is_valid(number)


def test_id_number_with_region_unknown_to_stdnum_is_valid():
    head = "33011419900101123"
    validate_id_number(head + ric_check_char(head))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1234", "format"),
        ("11010519491331002X", "birth_date"),
        ("110105194912310021", "checksum"),
        ("99010519491231002X", "region"),
    ],
)
def test_bad_id_numbers(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == code
