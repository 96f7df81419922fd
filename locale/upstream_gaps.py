"""The strings of Wagtail, Django and the other installed apps that still show in English under zh-hans,
and a way to fill them in locale/upstream/ (the project's own catalogue of their Chinese).

    .venv/bin/python locale/upstream_gaps.py                  # list them, per app and domain
    .venv/bin/python locale/upstream_gaps.py --json todo.json    # write them to a JSON file to fill in
    .venv/bin/python locale/upstream_gaps.py --apply todo.json   # put the filled Chinese into the .po, compile

An app's strings are its own English catalogue (locale/en) when it ships one, else every msgid of its
other catalogues, else what makemessages extracts from its source (apps shipping no catalogue at all,
such as wagtailstreamforms and generic_chooser). A string counts as translated when gettext, under
zh-hans and with everything Django loads (the app's zh_Hans and zh, LOCALE_PATHS), gives text with Han
characters and without the software's name (Wagtail), or when it has nothing to translate (placeholders,
punctuation, names in ALLOWED_LATIN).

In the JSON file each entry has app, domain, msgid (and msgctxt / msgid_plural), the Chinese to write in
"msgstr" and, as hints, the app's zh_Hant or Japanese text when it has one. --apply re-reads the .po
before writing (someone else may have added entries meanwhile), refuses Chinese that drops or adds a
placeholder, and compiles with msgfmt. tests/test_upstream_translations.py uses `gaps()`.
Needs polib (requirements-dev.txt).
"""

import argparse
import contextlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
UPSTREAM_DIR = BASE_DIR / "locale" / "upstream" / "zh_Hans" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
# The only JavaScript catalogue served is Wagtail's admin one (wagtail/admin/views/i18n.py: its
# JavaScriptCatalog has packages=["wagtail.admin"]); other apps' djangojs strings never reach a page.
JS_APPS = {"wagtail.admin"}
HAN = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDERS = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}|%%")
BRAND = re.compile(r"Wagtail")
TAGS = re.compile(r"<[^>]+>|&[a-z]+;|&#\d+;")

# Apps whose strings nobody on a staff screen or a portal page sees: left to their English.
SKIPPED_APPS = {
    "django.contrib.staticfiles": "no UI",
    "django.forms": "widget templates, no strings",
    "csp": "no UI",
    "modelcluster": "no UI",
}

# Libraries whose strings reach the admin although they are not installed apps (so Django never loads
# their catalogues): Wagtail's listing filters are django-filter filtersets (its lookups, date ranges).
LIBRARIES = {"django_filters": "django_filters"}

# Text that stays Latin in the Chinese admin by nature (names, units, formats), so its own msgid is fine.
ALLOWED_LATIN = {
    "URL",
    "URLs",
    "ID",
    "PDF",
    "Email",
    "OK",
    "JSON",
    "HTML",
    "CSV",
    "XLSX",
    "RSS",
    "Markdown",
    "Twitter",
    "Facebook",
    "YouTube",
    "Vimeo",
    "oEmbed",
    "Embedly",
    "English",
    "UUID",
    "IP",
    "TOTP",
    "SVG",
    "GIF",
    "JPEG",
    "PNG",
    "WebP",
    "AVIF",
    "HEIC",
    "ICO",
    "px",
    "KB",
    "MB",
    "GB",
    "TB",
    "PB",
    "API",
    "IPv4",
    "IPv6",
    "v2",
    "v3",
}


def django_setup():
    sys.path[:0] = [str(BASE_DIR), str(BASE_DIR / "site")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()


def covered_apps():
    """(label, app name, package folder) of every installed app whose strings are checked; Django's own
    strings (form errors, dates) as 'django'."""
    import django
    from django.apps import apps

    result = [("django", "django", Path(django.__file__).parent / "conf")]
    for config in apps.get_app_configs():
        if config.name in SKIPPED_APPS or "site-packages" not in Path(config.path).parts:
            continue
        result.append((config.label, config.name, Path(config.path)))
    for label, module in LIBRARIES.items():
        result.append((label, module, Path(importlib.import_module(module).__file__).parent))
    return result


def key(entry):
    return (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)


def catalogue(path):
    return polib.pofile(str(path)) if path.suffix == ".po" else polib.mofile(str(path))


def extracted(package, domain):
    """What makemessages finds in an app that ships no catalogue, as polib entries."""
    from django.core.management import call_command
    from django.test import override_settings

    with tempfile.TemporaryDirectory() as root:
        root = Path(root)
        shutil.copytree(package, root / package.name, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.pyc"))
        (root / "locale").mkdir()
        with contextlib.chdir(root), override_settings(LOCALE_PATHS=[root / "locale"]):
            call_command("makemessages", locale=["en"], domain=domain, verbosity=0)
        po = root / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        return [entry for entry in polib.pofile(str(po)) if entry.msgid] if po.exists() else []


def source_entries(package, domain):
    """The app's msgids for one domain: its English catalogue, else all its other catalogues and what
    makemessages finds in its source (a catalogue may be older than the code)."""
    locale = package / "locale"
    english = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
    if english.exists():
        return [entry for entry in catalogue(english) if entry.msgid and not entry.obsolete]
    files = {}
    for path in sorted(locale.glob(f"*/LC_MESSAGES/{domain}.*")) if locale.is_dir() else []:
        if path.suffix == ".po" or (path.suffix == ".mo" and path.parent not in files):
            files[path.parent] = path  # the .po when there is one, else the compiled .mo
    entries = {key(entry): entry for entry in extracted(package, domain)}
    for path in files.values():
        for entry in catalogue(path):
            if entry.msgid and not entry.obsolete:
                entries.setdefault(key(entry), entry)
    return list(entries.values())


def translator(domain):
    """gettext under zh-hans for one domain, loaded as Django loads it for Python and for Wagtail's
    JavaScriptCatalog (which merges LOCALE_PATHS last, like the Python side)."""
    from django.utils import translation
    from django.utils.translation.trans_real import DjangoTranslation

    if domain == "django":
        translation.activate("zh-hans")
        return translation
    import wagtail.admin

    paths = [str(Path(wagtail.admin.__file__).parent / "locale")]
    return DjangoTranslation("zh-hans", domain="djangojs", localedirs=paths)


def resolved(entry, gettext):
    """Every form gettext gives for the entry under zh-hans."""
    if entry.msgid_plural:
        if entry.msgctxt:
            return [gettext.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
        return [gettext.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
    if entry.msgctxt:
        return [gettext.pgettext(entry.msgctxt, entry.msgid)]
    return [gettext.gettext(entry.msgid)]


def nothing_to_translate(text):
    """Placeholders, tags, punctuation, numbers and ALLOWED_LATIN names only."""
    text = TAGS.sub(" ", PLACEHOLDERS.sub(" ", text))
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*(?:[.'][A-Za-z]+)*", text)
    return all(word in ALLOWED_LATIN for word in words) or text.strip() in ALLOWED_LATIN


def is_chinese(entry, forms):
    """Chinese, and not naming the software: the admin is the bureau's (issue 19), so "Wagtail" is a gap
    too, even inside a Chinese translation (Wagtail's own zh_Hans: "Wagtail 用户", "登录Wagtail")."""
    if any(BRAND.search(TAGS.sub(" ", PLACEHOLDERS.sub(" ", form))) for form in forms):
        return False
    return all(HAN.search(form) for form in forms) or nothing_to_translate(entry.msgid)


def gaps(apps=None):
    """[(app label, domain, entry)] of every covered string gettext leaves in English under zh-hans."""
    from django.utils import translation

    result = []
    with translation.override("zh-hans"):
        for label, name, package in covered_apps():
            if apps and label not in apps:
                continue
            for domain in DOMAINS if name in JS_APPS else ("django",):
                gettext = translator(domain)
                for entry in source_entries(package, domain):
                    if not is_chinese(entry, resolved(entry, gettext)):
                        result.append((label, domain, entry))
    return result


def hints(package, domain, entry):
    result = {}
    for lang in ("zh_Hant", "zh_TW", "ja"):
        path = package / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            found = catalogue(path).find(entry.msgid, msgctxt=entry.msgctxt or False)
            if found and (found.msgstr or found.msgstr_plural) and not found.fuzzy:
                result[lang] = found.msgstr or found.msgstr_plural.get(0, "")
    return result


def as_json(label, domain, entry, package):
    item = {"app": label, "domain": domain, "msgid": entry.msgid}
    if entry.msgctxt:
        item["msgctxt"] = entry.msgctxt
    if entry.msgid_plural:
        item["msgid_plural"] = entry.msgid_plural
    item["msgstr"] = ""
    item.update({f"hint_{lang}": text for lang, text in hints(package, domain, entry).items()})
    return item


def placeholders(text):
    return sorted(PLACEHOLDERS.findall(text))


def problems(item):
    text = item.get("msgstr", "")
    if not text:
        return None
    expected = placeholders(item["msgid"])
    if item.get("msgid_plural"):
        # Chinese has one form: it may use the plural's placeholders (e.g. %(count)s) where the singular
        # spells the number out.
        if placeholders(text) not in (expected, placeholders(item["msgid_plural"])):
            return f"placeholders {placeholders(text)} instead of {expected}"
    elif placeholders(text) != expected:
        return f"placeholders {placeholders(text)} instead of {expected}"
    if not HAN.search(text) and not nothing_to_translate(item["msgid"]):
        return "no Chinese in the translation"
    return None


def new_catalogue(domain):
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "portal-upstream",
        "Language": "zh_Hans",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    po.header = (
        f"The zh_Hans strings of Wagtail, Django and other apps ({domain} domain) that they ship untranslated.\n"
        "Written by locale/upstream_gaps.py --apply (or by hand); never by makemessages."
    )
    return po


def apply(items, quiet=False):
    """Write the filled items into locale/upstream/zh_Hans (re-read just before), then compile."""
    written = 0
    for domain in DOMAINS:
        todo = [item for item in items if item.get("domain", "django") == domain and item.get("msgstr")]
        if not todo:
            continue
        path = UPSTREAM_DIR / f"{domain}.po"
        po = polib.pofile(str(path), wrapwidth=0) if path.exists() else new_catalogue(domain)
        for item in todo:
            trouble = problems(item)
            if trouble:
                print(f"skipped {item['msgid']!r}: {trouble}", file=sys.stderr)
                continue
            entry = po.find(item["msgid"], msgctxt=item.get("msgctxt") or False)
            if entry is None:
                entry = polib.POEntry(msgid=item["msgid"], msgctxt=item.get("msgctxt") or None)
                po.append(entry)
            if item.get("msgid_plural"):
                entry.msgid_plural = item["msgid_plural"]
                entry.msgstr_plural = {0: item["msgstr"]}
            else:
                entry.msgstr = item["msgstr"]
            entry.occurrences = [(item["app"], "")] if item.get("app") else entry.occurrences
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            written += 1
        UPSTREAM_DIR.mkdir(parents=True, exist_ok=True)
        po.sort(key=lambda e: (e.occurrences[0][0] if e.occurrences else "", e.msgctxt or "", e.msgid))
        po.save(str(path))
        compile_catalogue(path)
    if not quiet:
        print(f"{written} entries written to {UPSTREAM_DIR.relative_to(BASE_DIR)}")


def compile_catalogue(path):
    subprocess.run(["msgfmt", "--check-format", "-o", str(path.with_suffix(".mo")), str(path)], check=True)  # noqa: S603, S607


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", help="write the gaps to this JSON file")
    parser.add_argument("--apply", help="write the filled JSON file into the upstream catalogue")
    parser.add_argument("--app", action="append", help="only this app label (repeatable)")
    args = parser.parse_args()
    django_setup()
    if args.apply:
        apply(json.loads(Path(args.apply).read_text(encoding="utf-8")))
        return
    found = gaps(set(args.app) if args.app else None)
    packages = {label: package for label, _name, package in covered_apps()}
    if args.json:
        items = [as_json(label, domain, entry, packages[label]) for label, domain, entry in found]
        Path(args.json).write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(items)} strings written to {args.json}")
        return
    counts = {}
    for label, domain, entry in found:
        counts[(label, domain)] = counts.get((label, domain), 0) + 1
        print(f"{label}/{domain}: {entry.msgid!r}" + (f" (context {entry.msgctxt!r})" if entry.msgctxt else ""))
    for (label, domain), count in sorted(counts.items()):
        print(f"{count:5d}  {label} ({domain})", file=sys.stderr)


if __name__ == "__main__":
    main()
