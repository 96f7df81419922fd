"""The security figures the README quotes, computed from the suites themselves (`make
security-figures` prints them): URLs × roles of the access matrix, hostile strings tried, bad
files refused. They are also floors: the suite fails if a refactoring quietly shrinks them. What
each suite tries lives in tests/support/ (a test module never imports another)."""

import re
from pathlib import Path

from tests.support.access_matrix import matrix_size
from tests.support.bad_files import CORPUS_SIZE, REFUSALS_CHECKED
from tests.support.hostile import HOSTILE_STRINGS_TRIED as HOSTILE_STRINGS_BEFORE_SUBMISSION
from tests.support.hostile import HOSTILE_STRINGS_TRIED_AFTER_SUBMISSION
from tests.support.races import AFTER_SUBMISSION_PAIRS, DRAFT_PAIRS, ROUNDS
from tests.support.world import ROLES


def review_findings_closed():
    """The rows of docs/security.md's "Outside review" table: one per finding closed,
    each citing its test (tests/security/test_security_doc.py imports every cited node)."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    section = text.split("## Outside review", 1)[1].split("\n## ", 1)[0]
    return len(re.findall(r"^\| \d+\. ", section, flags=re.MULTILINE))


HOSTILE_STRINGS_TRIED = HOSTILE_STRINGS_BEFORE_SUBMISSION + HOSTILE_STRINGS_TRIED_AFTER_SUBMISSION


def test_figures():
    urls, pairs, skipped = matrix_size()
    print(
        f"\naccess matrix: {urls} URL patterns × {len(ROLES)} roles = {pairs} (URL, role) pairs checked, "
        f"{skipped} skipped with a reason"
        f"\nhostile input: {HOSTILE_STRINGS_TRIED} hostile strings tried"
        f"\nbad uploads: {CORPUS_SIZE} bad files, {REFUSALS_CHECKED} refusals checked over every upload entry point"
        f"\nconcurrency (PostgreSQL): {len(DRAFT_PAIRS)} pairs on a draft + {len(AFTER_SUBMISSION_PAIRS)} after "
        f"submission, {ROUNDS} rounds each = {(len(DRAFT_PAIRS) + len(AFTER_SUBMISSION_PAIRS)) * ROUNDS} races"
        f"\noutside review: {review_findings_closed()} findings closed, each with its regression test"
    )
    assert urls >= 300 and len(ROLES) == 9 and pairs >= 3000
    assert HOSTILE_STRINGS_TRIED >= 300
    assert CORPUS_SIZE >= 20 and REFUSALS_CHECKED >= 100
    assert len(DRAFT_PAIRS) >= 6 and ROUNDS >= 3
    assert review_findings_closed() == 14
