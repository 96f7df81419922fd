"""Hostile strings and the checks of the hostile-input suites (tests/security/test_hostile_input.py
and test_hostile_post_submission.py), with how many examples each property tries (the README's
figures, tests/security/test_figures.py)."""

import io
import re

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.support.bad_files import MARKER, executable_payloads
from tests.support.workflow_builders import future

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Payloads that would run if a page or a PDF template let them through as markup.
PAYLOADS = [
    f"<script>alert({MARKER})</script>",
    f'"><img src=x onerror=alert({MARKER})>',
    f"'><svg onload=alert({MARKER})>",
    f"</textarea></title><script>alert({MARKER})</script>",
    f"<iframe src=javascript:alert({MARKER})></iframe>",
    f"javascript:alert({MARKER})",
    f'<a href="javascript:alert({MARKER})">点我</a>',
]


FIXED_HOSTILE = PAYLOADS + [
    "' OR '1'='1' -- ",
    "'; DROP TABLE accounts_user; --",
    "1 UNION SELECT username, password FROM accounts_user--",
    '" OR ""="',
    "%(label)s %s %d {0} {{ 7*7 }} {% debug %} ${7*7} #{7*7}",
    "x" * 100_000,
    "长" * 20_000,
    "前\x00后",
    "\x00",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f\x9f",
    "第一行\r\n第二行\rSet-Cookie: evil=1\n",
    "ＳＥＬＥＣＴ＊ＦＲＯＭ＜ｓｃｒｉｐｔ＞１２３４５６",
    "😀👨‍👩‍👧‍👦🇨🇳\U0001f4a9\U000e0041",
    "\u202eexe.pdf\u202c\u200f\u200e\u200b\u2028\u2029\ufeff",
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "../../etc/passwd",
    "\\\\server\\share\\x",
    "　",
    " \t\n ",
    "NaN",
    "-1e999",
    "ℌ𝔢𝔩𝔩𝔬 Ａ\u0301\u0301\u0301",
]


# Text a browser can send (no lone surrogates: they cannot be encoded as UTF-8).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=120)


hostile_text = st.one_of(
    st.sampled_from(FIXED_HOSTILE),
    any_text,
    st.builds(lambda before, payload, after: before + payload + after, any_text, st.sampled_from(PAYLOADS), any_text),
)


# Examples per property of tests/security/test_hostile_input.py; with the fixed list, a figure of
# the README.
PROPERTIES = {
    "registration": 60,
    "application form page": 40,
    "staff action forms": 40,
}


def examples(property_name):
    return settings(
        max_examples=PROPERTIES[property_name],
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


HOSTILE_STRINGS_TRIED = sum(PROPERTIES.values()) + len(FIXED_HOSTILE)


class Rollback(Exception):
    """Raised to undo one example's writes (the test's own transaction stays)."""


def rolled_back(function):
    try:
        with transaction.atomic():
            function()
            raise Rollback
    except Rollback:
        pass


def assert_clean(response, what=""):
    assert response.status_code < 500, what
    content_type = response.get("Content-Type", "")
    if "html" in content_type:
        found = executable_payloads(response.content.decode())
        assert found == [], (what, found)


def assert_chinese_errors(form):
    for field, messages in form.errors.items():
        for message in messages:
            assert CHINESE.search(message), (field, message)


def compact(text):
    return re.sub(r"\s+", "", text)


def pdf_text(content):
    return compact("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def assert_literal_or_absent(pdf, value):
    """The payload is printed as the very text it is, or (say, cut to a preview) not at all."""
    text = pdf_text(pdf)
    if f"alert({MARKER})" in text:
        assert compact(value) in text, (value, text[:2000])
    return compact(value) in text


def date_or_junk():
    good = st.integers(min_value=1, max_value=60).map(lambda days: f"{future(days):%Y-%m-%d}")
    return st.one_of(good, good, hostile_text)


# Examples per property of tests/security/test_hostile_post_submission.py; test_figures adds them
# to the hostile strings tried.
POST_SUBMISSION_PROPERTIES = {
    "review date": 40,
    "feedback": 30,
    "feedback of every field type": 20,
    "correction": 40,
    "withdraw": 30,
}
HOSTILE_STRINGS_TRIED_AFTER_SUBMISSION = sum(POST_SUBMISSION_PROPERTIES.values())
