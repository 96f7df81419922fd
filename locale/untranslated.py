"""The English entries still to translate after `make messages`, and a way to fill them in one go.

    .venv/bin/python locale/untranslated.py                 # list them (empty or fuzzy), with where used
    .venv/bin/python locale/untranslated.py --json todo.json   # write them to a JSON file to fill in
    .venv/bin/python locale/untranslated.py --apply todo.json  # put the filled English into the .po
    .venv/bin/python locale/untranslated.py --summary       # one line (the end of `make messages`)

In the JSON file each entry has msgid (and msgctxt / msgid_plural when it has them), the English to
write in "msgstr" (a list of two, singular and plural, for plural entries) and, for a fuzzy entry,
the old translation gettext guessed from a similar string. --apply refuses English that drops or
adds a %(name)s / {name} placeholder or still contains Chinese, and clears the fuzzy flag of what
it fills. Then compile: `make messages` (or `manage.py compilemessages -l en --ignore=.venv`).
Needs polib (requirements-dev.txt).
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

PO_PATH = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDERS = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}]*\}")
HAN = re.compile(r"[\u4e00-\u9fff]")


def pending(catalogue):
    """Entries whose English is missing (any plural form) or only gettext's fuzzy guess."""
    result = []
    for entry in catalogue:
        if not entry.msgid or entry.obsolete:
            continue
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.fuzzy or not forms or not all(forms) or (entry.msgid_plural and len(forms) < 2):
            result.append(entry)
    return result


def as_json(entry):
    item = {"msgid": entry.msgid}
    if entry.msgctxt:
        item["msgctxt"] = entry.msgctxt
    if entry.msgid_plural:
        item["msgid_plural"] = entry.msgid_plural
        item["msgstr"] = ["", ""]
    else:
        item["msgstr"] = ""
    if entry.fuzzy:
        guess = [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)] if entry.msgid_plural else entry.msgstr
        item["fuzzy_guess"] = guess
        if entry.previous_msgid:
            item["guessed_from"] = entry.previous_msgid
    item["used_in"] = [f"{path}:{line}" for path, line in entry.occurrences[:3]]
    return item


def problems(entry, english):
    sources = [entry.msgid, entry.msgid_plural or entry.msgid]
    texts = english if entry.msgid_plural else [english]
    if entry.msgid_plural and len(texts) != 2:
        return ["a plural entry needs a list of two: singular and plural"]
    found = []
    for source, text in zip(sources, texts, strict=False):
        if not text:
            found.append("empty")
        elif HAN.search(text):
            found.append(f"Chinese left in {text!r}")
        elif sorted(PLACEHOLDERS.findall(text)) != sorted(PLACEHOLDERS.findall(source)):
            found.append(f"placeholders of {source!r} not kept in {text!r}")
    return found


def apply(catalogue, items):
    by_key = {(e.msgctxt or None, e.msgid): e for e in catalogue if not e.obsolete}
    filled, refused = 0, []
    for item in items:
        english = item.get("msgstr")
        if not english or (isinstance(english, list) and not any(english)):
            continue  # left for later
        entry = by_key.get((item.get("msgctxt") or None, item["msgid"]))
        if entry is None:
            refused.append(f"{item['msgid']!r}: no longer in the catalogue (run `make messages`)")
            continue
        found = problems(entry, english)
        if found:
            refused.append(f"{item['msgid']!r}: " + "; ".join(found))
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: english[0], 1: english[1]}
        else:
            entry.msgstr = english
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    return filled, refused


def save(catalogue, path):
    """polib wraps lines its own way; msgcat rewraps as makemessages does, so diffs show only real changes."""
    catalogue.save(path)
    if shutil.which("msgcat"):
        # S603, S607: gettext's msgcat from PATH (checked with shutil.which) on our own catalogue.
        subprocess.run(["msgcat", "-o", path, path], check=True)  # noqa: S603, S607


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--po", default=str(PO_PATH), help="the English catalogue (default: %(default)s)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", metavar="FILE", help="write the pending entries to FILE to fill in")
    group.add_argument("--apply", metavar="FILE", help="write the English filled in FILE into the .po")
    group.add_argument("--summary", action="store_true", help="print the count only")
    args = parser.parse_args(argv)

    catalogue = polib.pofile(args.po)
    todo = pending(catalogue)
    if args.apply:
        filled, refused = apply(catalogue, json.loads(Path(args.apply).read_text(encoding="utf-8")))
        save(catalogue, args.po)
        print(f"{filled} English entries filled; {len(pending(catalogue))} still pending.")
        for line in refused:
            print(f"  refused {line}", file=sys.stderr)
        print("Compile: make messages (or manage.py compilemessages -l en --ignore=.venv)")
        return 1 if refused else 0
    if args.summary:
        hint = "; list them with: .venv/bin/python locale/untranslated.py" if todo else ""
        print(f"English: {len(todo)} of {len(catalogue)} entries untranslated or fuzzy{hint}")
        return 0
    if args.json:
        Path(args.json).write_text(
            json.dumps([as_json(entry) for entry in todo], ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"{len(todo)} entries written to {args.json}; fill msgstr, then --apply {args.json}")
        return 0
    for entry in todo:
        where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
        state = "fuzzy" if entry.fuzzy else "empty"
        context = f" [{entry.msgctxt}]" if entry.msgctxt else ""
        plural = f" / {entry.msgid_plural}" if entry.msgid_plural else ""
        print(f"{state}{context}: {entry.msgid}{plural}    ({where})")
    print(f"{len(todo)} English entries to translate in {args.po}", file=sys.stderr)
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())
