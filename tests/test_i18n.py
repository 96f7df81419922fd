"""English (en) catalogue and pages; Simplified Chinese (zh-hans) stays the default.

English is chosen with the language switch (its cookie), never from the browser's Accept-Language
(portal.middleware.ChosenLanguageMiddleware).

The .po is parsed with a few lines of Python (no polib dependency): every entry must be translated,
none fuzzy, placeholders kept, and the compiled .mo must give the same English as the .po.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
LOGIN = reverse("accounts:login")
REGISTER = reverse("accounts:register")
REGISTER_ENTERPRISE = reverse("accounts:register_enterprise")
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
BRACE_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
HAN = re.compile(r"[\u4e00-\u9fff]")


def parse_po(path):
    """Entries of a .po file as dicts: msgctxt, msgid, msgid_plural, msgstr ({index: text}) and flags.

    Entries are the blank-line separated blocks that makemessages writes; obsolete (#~) ones are
    skipped. The header (msgid "") is included.
    """
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        target = None  # (dict, key) that a continuation line ("...") appends to
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
                continue
            if line.startswith("#") or not line:
                continue
            if not line.startswith('"'):
                keyword, _, line = line.partition(" ")
                if keyword.startswith("msgstr"):
                    target = (entry["msgstr"], int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0)
                else:
                    target = (entry, keyword)
                target[0][target[1]] = ""
            target[0][target[1]] += ast.literal_eval(line)
        if entry["msgid"] is not None:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue():
    entries = parse_po(PO_PATH)
    assert len(entries) > 100, "the English catalogue looks empty; run makemessages -l en"
    return entries


def messages(catalogue):
    return [e for e in catalogue if e["msgid"]]


def test_catalogue_files_exist():
    assert PO_PATH.is_file()
    assert MO_PATH.is_file(), "run: manage.py compilemessages --ignore=.venv"


def test_every_entry_is_translated_and_none_fuzzy(catalogue):
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    untranslated = [e["msgid"] for e in messages(catalogue) if not e["msgstr"] or not all(e["msgstr"].values())]
    assert not untranslated, f"untranslated entries: {untranslated}"
    plural = [e["msgid"] for e in messages(catalogue) if e["msgid_plural"] and sorted(e["msgstr"]) != [0, 1]]
    assert not plural, f"plural entries need msgstr[0] and msgstr[1]: {plural}"


def test_header_declares_english(catalogue):
    header = next(e for e in catalogue if e["msgid"] == "")
    assert "Language: en\n" in header["msgstr"][0]
    assert "charset=UTF-8" in header["msgstr"][0]


def test_translations_are_english_and_keep_placeholders(catalogue):
    for entry in messages(catalogue):
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if entry["msgid_plural"] else [])
        for index, msgstr in entry["msgstr"].items():
            assert not HAN.search(msgstr), f"Chinese left in the English for {entry['msgid']!r}: {msgstr!r}"
            source = sources[min(index, len(sources) - 1)]
            if "python-format" in entry["flags"]:
                expected = sorted(PERCENT_PLACEHOLDER.findall(source))
                assert sorted(PERCENT_PLACEHOLDER.findall(msgstr)) == expected, entry["msgid"]
            if "python-brace-format" in entry["flags"]:
                assert sorted(BRACE_PLACEHOLDER.findall(msgstr)) == sorted(BRACE_PLACEHOLDER.findall(source))


def test_compiled_catalogue_matches_the_po(catalogue):
    """A stale or missing .mo shows up here: gettext must return exactly the msgstr of the .po."""
    stale = []
    with translation.override("en"):
        for entry in messages(catalogue):
            if entry["msgid_plural"] or entry["msgctxt"]:
                continue
            if translation.gettext(entry["msgid"]) != entry["msgstr"][0]:
                stale.append(entry["msgid"])
    assert not stale, f"django.mo does not match django.po (run compilemessages): {stale}"


@pytest.mark.parametrize(
    ("msgid", "english"),
    [
        ("用户名", "Username"),
        ("登录", "Log in"),
        ("短信验证码", "SMS verification code"),
        ("获取验证码", "Get code"),
        ("企业注册", "Register as an enterprise"),
        ("用户类型选择说明", "Which user type should I choose?"),
        ("申请单位", "Applicant organisations"),
        ("单位管理", "Organisations"),
    ],
)
def test_glossary_terms(msgid, english):
    with translation.override("en"):
        assert translation.gettext(msgid) == english
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == msgid


def test_format_placeholders_survive_translation():
    with translation.override("en"):
        text = translation.gettext("验证码发送过于频繁，请%(seconds)d秒后再试。") % {"seconds": 42}
    assert text == "Codes are being requested too often. Please try again in 42 seconds."


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_login_page_in_english(english):
    html = english.get(LOGIN).content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html and "Username" in html and "Password" in html
    assert "登录" not in html and "用户名" not in html


def test_language_switch_sets_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302 and response.url == LOGIN
    html = client.get(LOGIN).content.decode()
    assert "Log in" in html and "登录" not in html


def test_register_choice_in_english(english):
    html = english.get(REGISTER).content.decode()
    assert "Register as an enterprise" in html
    assert "Register as an individual" in html and "Register as an institution" in html
    assert "企业注册" not in html


def test_enterprise_registration_in_english(english):
    html = english.get(REGISTER_ENTERPRISE).content.decode()
    assert "Register as an enterprise" in html
    assert "Unified social credit code / organisation code" in html
    assert "Get code" in html and "Legal-person enterprise" in html
    assert "统一社会信用代码" not in html and "获取验证码" not in html


def test_form_errors_in_english(english):
    html = english.post(REGISTER_ENTERPRISE, {}).content.decode()
    assert "Please fill in “Username”." in html
    assert "Please select “Province”." in html
    assert "请填写" not in html and "请选择" not in html


def test_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "企业注册" in client.get(REGISTER).content.decode()


def test_chinese_is_the_default(client):
    html = client.get(LOGIN).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html and "用户名" in html
    assert "Log in" not in html


@pytest.mark.parametrize("accept_language", ["en-US,en;q=0.9", "zh-CN,zh;q=0.9", "fr"])
def test_browser_language_does_not_switch_to_english(client, accept_language):
    html = client.get(REGISTER, HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert "企业注册" in html
    assert "Register as an enterprise" not in html


def test_dates_and_sizes_follow_the_language():
    from core.content_checks import size_text
    from forms_config.field_types.formats import DateField

    date = DateField()
    with translation.override("zh-hans"):
        assert date.display(None, "2026-11-06") == "2026年11月6日"
        assert size_text(512) == "512 字节"
    with translation.override("en"):
        assert date.display(None, "2026-11-06") == "6 November 2026"
        assert size_text(1) == "1 byte" and size_text(512) == "512 bytes"
