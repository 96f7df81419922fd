"""docs/security.md names, for every security claim, the test that proves it. A claim whose
test was renamed or deleted proves nothing, so every `tests/...py::name` on that page must still
resolve to a test function or class, and every test file it names must exist."""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
# `tests/a/b.py`, `tests/a/b.py::test_x` or `tests/a/b.py::Class::test_x` (parametrization ids dropped).
REFERENCE = re.compile(r"(tests/[\w/]+\.py)((?:::\w+)*)")


def references():
    text = DOC.read_text(encoding="utf-8")
    return sorted({(path, tuple(filter(None, names.split("::")))) for path, names in REFERENCE.findall(text)})


def missing(path, names):
    """Why (path, names) does not name an existing test, or None."""
    if not (ROOT / path).is_file():
        return "no such file"
    if not names:
        return None
    # Import rather than collect: a few milliseconds instead of a pytest run over 30 files.
    target = importlib.import_module(path[: -len(".py")].replace("/", "."))
    for name in names:
        target = getattr(target, name, None)
        if target is None:
            return f"no {name}"
    return None if callable(target) else "not a test function or class"


def test_the_doc_cites_enough_tests():
    nodes = [ref for ref in references() if ref[1]]
    # A regex that silently stopped matching would make the check below pass on nothing.
    assert len(nodes) >= 80
    assert {path.split("/")[1] for path, _ in nodes} >= {"security", "accounts", "workflows"}


def test_every_test_the_doc_cites_exists():
    broken = {
        f"{path}{''.join('::' + name for name in names)}": why
        for path, names in references()
        if (why := missing(path, names))
    }
    assert broken == {}, "docs/security.md cites tests that do not exist; update the doc with the test"


def test_the_check_catches_a_renamed_test():
    assert missing("tests/security/test_headers.py", ("test_portal_page_headers",)) is None
    assert missing("tests/security/test_headers.py", ("test_portal_page_headers_renamed",)) == (
        "no test_portal_page_headers_renamed"
    )
    assert missing("tests/security/test_no_such_file.py", ("test_x",)) == "no such file"
    assert missing("tests/security/test_headers.py", ("PRODUCTION_ENV",)) == "not a test function or class"
