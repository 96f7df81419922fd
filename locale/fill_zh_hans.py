"""Fill the zh_Hans catalogue: every source string with Chinese in it translates to itself.

The source strings are Simplified Chinese, so zh-hans needs no translating. A catalogue still pays:
gettext looks a string up in the merged catalogue and, when it is missing there, walks one
fallback catalogue per installed app that ships both zh_Hans and zh (a dozen), for each of the
hundreds of strings a page renders (docs/benchmarks.md). With the string present the first lookup
hits. Strings without Chinese (English identifiers that Django or Wagtail may translate
themselves) are left empty so their own zh_Hans translations still apply.

Run by `make messages` after makemessages; needs polib (a dev tool, not a runtime dependency).
"""

import re
import shutil
import subprocess
import sys

import polib

CJK = re.compile(r"[\u3400-\u9fff]")


def fill(path):
    catalogue = polib.pofile(path)
    catalogue.metadata_is_fuzzy = False
    catalogue.metadata["Project-Id-Version"] = "special-equipment-licensing-portal"
    catalogue.metadata["Last-Translator"] = "Portal maintainers"
    catalogue.metadata["Language-Team"] = "Simplified Chinese"
    catalogue.metadata["Language"] = "zh_Hans"
    catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    filled = 0
    for entry in catalogue:
        if entry.obsolete:
            continue
        if not CJK.search(entry.msgid):
            # msgmerge's fuzzy guess for a string without Chinese (“%(text)s”) is another string's
            # text: drop it, so the source string itself shows.
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        filled += 1
    catalogue.save(path)
    # polib wraps lines its own way; msgcat rewraps as makemessages does, so diffs show only real changes.
    if shutil.which("msgcat"):
        # S603, S607: gettext's msgcat from PATH (checked with shutil.which) on our own catalogue.
        subprocess.run(["msgcat", "-o", path, path], check=True)  # noqa: S603, S607
    return filled, len(catalogue)


if __name__ == "__main__":
    filled, total = fill(sys.argv[1] if len(sys.argv) > 1 else "locale/zh_Hans/LC_MESSAGES/django.po")
    print(f"zh_Hans: {filled} of {total} strings filled with themselves")
