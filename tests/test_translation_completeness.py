"""Every UI string is in the committed catalogues, translated, and compiled; no Chinese bypasses gettext.

1. Django's makemessages runs with the options of `make messages` (read from the Makefile) over a
   temporary tree: symlinks to the project's folders and an empty locale/ of its own, so the committed
   catalogues are never touched. Its msgids (msgctxt and plural included) must equal those of
   locale/en and locale/zh_Hans: a missing one means a new string nobody translated, an extra one an
   obsolete entry. Every English entry is translated and not fuzzy; every zh_Hans entry with Chinese
   translates to itself (locale/fill_zh_hans.py); each django.mo holds exactly what its django.po says.
2. Templates: Chinese only inside {% translate %} / {% blocktranslate %} (and the old trans spellings),
   _("…") arguments and comments (Django, HTML, CSS/JS). Python: Chinese string literals only inside
   gettext calls or docstrings. Migrations, tests and bench/ are not scanned. The exceptions are listed
   in TEMPLATE_ALLOWED and PYTHON_ALLOWED with their reasons. Only Han characters are looked for: a
   full-width separator (、：（）) next to a variable is a known gap.

When it fails after new strings were added: `make messages`, fill the English with
`.venv/bin/python locale/untranslated.py` (README, "Translations"), `make messages` again to compile.
"""

import ast
import contextlib
import os
import re
import shlex
from fnmatch import fnmatch
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
CATALOGUES = {lang: LOCALE_DIR / lang / "LC_MESSAGES" / "django.po" for lang in ("en", "zh_Hans")}
# Han characters, as locale/fill_zh_hans.py decides what translates to itself. The scans look for Han
# only: a full-width separator (、：（）) next to a variable is a known gap, not checked here.
HAN = re.compile(r"[\u3400-\u9fff]")
REGENERATE = (
    "run `make messages`, fill the English with `.venv/bin/python locale/untranslated.py`, then `make messages` again"
)

# Folders of the project that are not scanned for Python literals (they are never UI, or are data).
PYTHON_SKIPPED_PARTS = {".venv", "var", "node_modules", "tests", "bench", "migrations", "locale", ".git"}

# (glob of the path, the literals allowed there (a regex the whole literal matches; None: all), why)
PYTHON_ALLOWED = [
    ("demo/*", None, "demo accounts and applications (dev, test and bench settings only), typed as users would"),
    ("accounts/data/*", None, "region data and its builder (GB/T 2260 names)"),
    ("*/management/commands/*", None, "operators' console text, never a portal page"),
    ("workflows/numbering.py", None, "document numbers (文号) are official Chinese abbreviations in every language"),
    (
        "workflows/pdf_signing.py",
        "年|月|日 ",
        "the seal's signing time, in the official date format of issued documents (always Chinese)",
    ),
    (
        "accounts/models/regions.py",
        "市辖区|县|省直辖县级行政区划|自治区直辖县级行政区划",
        "region-data values, compared",
    ),
    ("forms_config/*.py", "是", "是 is a value typed in a display condition or submitted by a checkbox, compared"),
    ("forms_config/field_types/formats.py", ".*转.*", "the landline pattern accepts 转 (extension) as typed"),
    ("site/portal/settings/*", "特种设备行政许可申报系统", "the system's registered name (TOTP issuer, admin)"),
    ("workflows/notifications.py", "【.*】", "the SMS signature must be the one registered with the SMS provider"),
    ("workflows/services.py", "新申请|取证|换证|增项|变更", "申请类别 choice values of the standard form, compared"),
]

# (glob of the template, regex of the allowed Chinese text, why)
TEMPLATE_ALLOWED = [
    (
        "templates/base.html",
        r'lang="zh-hans"[^>]*>[^<]*',
        "the language switch names Chinese in Chinese (an endonym), marked lang=zh-hans",
    ),
    (
        "templates/pdf/documents/*.html",
        r'date:"[^"]*"',
        "issued documents are always rendered in Chinese (workflows/documents.py), dates in the official format",
    ),
]

# Translated text, and comments (Django's, HTML's, and CSS/JS ones in <style> and <script>): never shown.
TRANSLATED_IN_TEMPLATES = re.compile(
    r"\{#.*?#\}"
    r"|<!--.*?-->"
    r"|/\*.*?\*/"
    r"|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{%\s*trans(?:late)?\s.*?%\}"
    r"|\b_\(\s*(?:\"[^\"]*\"|'[^']*')\s*\)",
    re.S,
)

GETTEXT_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def makemessages_options():
    """The makemessages command line of the Makefile's `messages` target, so the two never drift."""
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in makefile.splitlines() if "manage.py makemessages" in line)
    words = shlex.split(line)
    ignore = [word.split("=", 1)[1] for word in words if word.startswith("--ignore=")]
    assert "--no-obsolete" in words and {"en", "zh_Hans"} <= set(words), line
    return ignore


def key(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def show(keys):
    return "\n".join(f"  {k[1]!r}" + (f" (context {k[0]!r})" if k[0] else "") for k in sorted(keys, key=str))


def messages(catalogue):
    return [entry for entry in catalogue if entry.msgid and not entry.obsolete]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids makemessages finds in the source today, as {(msgctxt, msgid, msgid_plural)}."""
    ignore = makemessages_options()
    root = tmp_path_factory.mktemp("makemessages")
    for child in BASE_DIR.iterdir():
        if child.name == "locale" or child.name.startswith(".") or child.name in ignore:
            continue
        (root / child.name).symlink_to(child, target_is_directory=child.is_dir())
    locale = root / "locale"
    locale.mkdir()
    with contextlib.chdir(root), override_settings(LOCALE_PATHS=[locale]):
        call_command(
            "makemessages", locale=["en"], no_obsolete=True, ignore_patterns=ignore, symlinks=True, verbosity=0
        )
    fresh = polib.pofile(str(locale / "en" / "LC_MESSAGES" / "django.po"))
    keys = {key(entry) for entry in messages(fresh)}
    assert len(keys) > 100, "makemessages found almost nothing; is xgettext installed?"
    return keys


@pytest.fixture(scope="module", params=sorted(CATALOGUES))
def committed(request):
    return request.param, polib.pofile(str(CATALOGUES[request.param]))


def test_no_string_is_missing_from_the_catalogues(extracted, committed):
    lang, catalogue = committed
    missing = extracted - {key(entry) for entry in messages(catalogue)}
    assert not missing, f"{len(missing)} strings are missing from locale/{lang} ({REGENERATE}):\n{show(missing)}"


def test_no_catalogue_entry_is_obsolete(extracted, committed):
    lang, catalogue = committed
    obsolete = {key(entry) for entry in messages(catalogue)} - extracted
    obsolete |= {key(entry) for entry in catalogue if entry.obsolete}
    assert not obsolete, f"{len(obsolete)} entries of locale/{lang} are obsolete ({REGENERATE}):\n{show(obsolete)}"


def untranslated(entry):
    if entry.msgid_plural:
        return len(entry.msgstr_plural) != 2 or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def test_every_english_entry_is_translated_and_none_fuzzy():
    catalogue = polib.pofile(str(CATALOGUES["en"]))
    fuzzy = {key(entry) for entry in messages(catalogue) if entry.fuzzy}
    empty = {key(entry) for entry in messages(catalogue) if untranslated(entry)}
    assert not fuzzy, f"fuzzy English entries (check them: locale/untranslated.py):\n{show(fuzzy)}"
    assert not empty, f"{len(empty)} English entries are untranslated (locale/untranslated.py):\n{show(empty)}"


def test_every_chinese_entry_translates_to_itself():
    """Source strings are Chinese: zh_Hans maps each to itself (see locale/fill_zh_hans.py for why)."""
    catalogue = polib.pofile(str(CATALOGUES["zh_Hans"]))
    wrong = set()
    for entry in messages(catalogue):
        if entry.fuzzy:
            wrong.add(key(entry))
        elif entry.msgid_plural:
            if HAN.search(entry.msgid) and entry.msgstr_plural != {0: entry.msgid}:
                wrong.add(key(entry))
        elif HAN.search(entry.msgid) and entry.msgstr != entry.msgid:
            wrong.add(key(entry))
    assert not wrong, f"zh_Hans entries not translating to themselves (run `make messages`):\n{show(wrong)}"
    assert catalogue.metadata.get("Language") == "zh_Hans"
    assert catalogue.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_compiled_catalogue_is_the_po(lang):
    """msgfmt keeps the translated, non-fuzzy entries: the .mo must hold exactly those, same text."""
    po = polib.pofile(str(CATALOGUES[lang]))
    mo = polib.mofile(str(CATALOGUES[lang].with_suffix(".mo")))

    def translations(entries, skip_untranslated):
        result = {}
        for entry in entries:
            if not entry.msgid or entry.obsolete or (skip_untranslated and (entry.fuzzy or not entry.translated())):
                continue
            result[key(entry)] = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        return result

    expected, compiled = translations(po, True), translations(mo, False)
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, (
        f"locale/{lang}/LC_MESSAGES/django.mo is not compiled from its .po (`make messages`):\n{show(stale)}"
    )


def template_problems(path, text):
    relative = path.relative_to(BASE_DIR).as_posix()
    blank = re.compile(
        "|".join(regex for pattern, regex, _why in TEMPLATE_ALLOWED if fnmatch(relative, pattern)) or "$^"
    )
    keep_lines = lambda match: "\n" * match.group().count("\n")  # noqa: E731 - line numbers stay right
    stripped = blank.sub(keep_lines, TRANSLATED_IN_TEMPLATES.sub(keep_lines, text))
    return [
        f"{relative}:{number}: {line.strip()[:100]}"
        for number, line in enumerate(stripped.splitlines(), 1)
        if HAN.search(line)
    ]


def test_templates_have_no_untranslated_chinese():
    problems = []
    for path in sorted((BASE_DIR / "templates").rglob("*.html")):
        problems += template_problems(path, path.read_text(encoding="utf-8"))
    assert not problems, "Chinese outside {% translate %} / {% blocktranslate %} in templates:\n" + "\n".join(problems)


def call_name(node):
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def python_problems(path, source):
    relative = path.relative_to(BASE_DIR).as_posix()
    rules = [literals for pattern, literals, _why in PYTHON_ALLOWED if fnmatch(relative, pattern)]
    if None in rules:
        return []
    tree = ast.parse(source, str(path))
    exempt = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                exempt.add(id(body[0].value))  # docstring
        if isinstance(node, ast.Call) and call_name(node.func) in GETTEXT_CALLS:
            exempt.update(id(inner) for inner in ast.walk(node))
    return [
        f"{relative}:{node.lineno}: {node.value[:80]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HAN.search(node.value)
        if id(node) not in exempt and not any(re.fullmatch(literals, node.value, re.S) for literals in rules)
    ]


def test_python_has_no_untranslated_chinese():
    problems = []
    for folder, subfolders, files in os.walk(BASE_DIR):
        subfolders[:] = sorted(name for name in subfolders if name not in PYTHON_SKIPPED_PARTS)
        for name in sorted(files):
            if name.endswith(".py"):
                path = Path(folder) / name
                problems += python_problems(path, path.read_text(encoding="utf-8"))
    assert not problems, "Chinese string literals outside gettext calls:\n" + "\n".join(sorted(problems))


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("{% translate '提交' %}", False),
        ("{% blocktranslate with n=count %}共 {{ n }} 项{% endblocktranslate %}", False),
        ("{# 注释 #}<p>{{ value|default:_('无') }}</p>", False),
        ("{% comment %}\n说明\n{% endcomment %}", False),
        ("<style>/* 取消按钮 */ .a { color: red; }</style><!-- 说明 -->", False),
        ("<p>提交</p>", True),
        ('<input placeholder="请填写">', True),
    ],
)
def test_template_scan_itself(source, found):
    assert bool(template_problems(BASE_DIR / "templates" / "example.html", source)) is found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('"""模块说明。"""\nx = _("提交")', False),
        ("from django.utils.translation import ngettext\nx = ngettext('%(n)d 项', '%(n)d 项', 2)", False),
        ("x = pgettext_lazy('按钮', '提交')", False),
        ("x = '提交'", True),
        ("x = f'共 {n} 项'", True),
        ("raise ValueError(_('错误') + '请重试')", True),
    ],
)
def test_python_scan_itself(source, found):
    assert bool(python_problems(BASE_DIR / "example.py", source)) is found
