"""The Chinese of Wagtail, Django and the other installed apps: nothing they show is left in English.

Wagtail ships zh_Hans catalogues with gaps (its newer strings: autosave, API tokens, sorting, the JS
StreamField's block menu), wagtailstreamforms ships none, django-otp and axes none either. The project
fills them in its own catalogue locale/upstream/zh_Hans (LOCALE_PATHS, after the project's catalogue;
makemessages never writes there), with locale/upstream_gaps.py. Checked here: every msgid of every
covered app resolves to Chinese under zh-hans (gettext, with everything Django loads), the JavaScript
catalogue Wagtail's admin serves carries the JS strings, the compiled .mo files are their .po, and the
admin's login page is Chinese.
"""

import importlib.util
import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR)
UPSTREAM = BASE_DIR / "locale" / "upstream" / "zh_Hans" / "LC_MESSAGES"
HAN = re.compile(r"[\u3400-\u9fff]")


def load_tool():
    """locale/upstream_gaps.py, the script that finds and fills the gaps (locale/ is not a package)."""
    spec = importlib.util.spec_from_file_location("upstream_gaps", BASE_DIR / "locale" / "upstream_gaps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool():
    return load_tool()


def test_the_project_catalogue_comes_first():
    """makemessages writes to LOCALE_PATHS[0] and that catalogue wins over every other."""
    assert Path(settings.LOCALE_PATHS[0]) == BASE_DIR / "locale"
    assert BASE_DIR / "locale" / "upstream" in [Path(path) for path in settings.LOCALE_PATHS[1:]]


def test_every_string_of_the_covered_apps_is_chinese(tool):
    covered = {label for label, _name, _path in tool.covered_apps()}
    assert {"wagtailadmin", "wagtailcore", "wagtailsnippets", "wagtailusers", "wagtailstreamforms", "auth"} <= covered
    gaps = tool.gaps()
    listed = "\n".join(
        f"  {label}/{domain}: {entry.msgid!r}" + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")
        for label, domain, entry in gaps
    )
    assert not gaps, (
        f"{len(gaps)} strings show in English under zh-hans; fill them with "
        f"`.venv/bin/python locale/upstream_gaps.py --json todo.json` and `--apply todo.json` "
        f"(README, Translations):\n{listed}"
    )


@pytest.mark.parametrize(
    ("msgid", "chinese"),
    [
        ("Required. Letters, digits and @/./+/-/_ only.", "必填"),
        ("Sort by '%(label)s' in ascending order.", "升序"),
        ("%(model_name)s '%(object)s' updated and published.", "已更新并发布"),
        ("- Select an option -", "请选择"),
        ("Saved", "已保存"),
        ("New: %(model_name)s", "新建"),
        ("Fields", "字段"),
        ("Password", "密码"),
    ],
)
def test_strings_reviewers_saw_in_english(msgid, chinese):
    with translation.override("zh-hans"):
        assert chinese in translation.gettext(msgid)


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_upstream_catalogue_is_the_po(domain):
    po = polib.pofile(str(UPSTREAM / f"{domain}.po"))
    mo = polib.mofile(str(UPSTREAM / f"{domain}.mo"))

    def translations(entries, skip_untranslated):
        result = {}
        for entry in entries:
            if not entry.msgid or entry.obsolete or (skip_untranslated and (entry.fuzzy or not entry.translated())):
                continue
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
            result[key] = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        return result

    expected, compiled = translations(po, True), translations(mo, False)
    stale = sorted(str(k) for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k))
    assert not stale, f"locale/upstream/zh_Hans/LC_MESSAGES/{domain}.mo is not compiled from its .po:\n" + "\n".join(
        stale
    )
    assert po.metadata.get("Plural-Forms") == "nplurals=1; plural=0;"


def test_every_upstream_translation_keeps_its_placeholders(tool):
    wrong = []
    for domain in ("django", "djangojs"):
        for entry in polib.pofile(str(UPSTREAM / f"{domain}.po")):
            item = {"msgid": entry.msgid, "msgid_plural": entry.msgid_plural}
            item["msgstr"] = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            trouble = tool.problems(item)
            if trouble:
                wrong.append(f"  {entry.msgid!r}: {trouble}")
    assert not wrong, "upstream translations that lose a placeholder or have no Chinese:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_the_admin_javascript_catalogue_is_chinese(client):
    """Wagtail's admin JS (the StreamField block menu, the sidebar, autosave) reads this catalogue."""
    response = client.get(reverse("wagtailadmin_javascript_catalog"))
    assert response.status_code == 200
    # Django's JavaScriptCatalog writes the catalogue as one JSON object (django/views/i18n.py).
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\n\s*\});", response.content.decode(), re.S).group(1))
    for msgid, chinese in [
        ("Insert a block", "插入块"),
        ("(%(number)s new items in this menu)", "（此菜单中有 %(number)s 个新项目）"),
        ("Changes have been autosaved.", "修改已自动保存。"),
        ("Close", "关闭"),  # from Wagtail's own zh_Hans, still merged with ours
    ]:
        assert catalog.get(msgid) == chinese, msgid


@pytest.mark.django_db
def test_the_admin_login_page_is_chinese(client):
    html = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "密码" in html
    assert ">Password<" not in html and "Password\n" not in html
    assert "JavaScript is required" not in html


def test_the_form_builder_names_its_field_list_in_chinese():
    """wagtailstreamforms' FormFieldStreamBlock dropped its label, so the editor showed "Fields"
    (forms_config/blocks.py FieldsBlock keeps it)."""
    from forms_config.blocks import PageBlock

    with translation.override("zh-hans"):
        assert str(PageBlock().child_blocks["fields"].label) == "字段"
