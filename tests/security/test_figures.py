"""The figures the README quotes for issue 5, computed from the suites themselves (`make
security-figures` prints them): URLs × roles of the access matrix, hostile strings tried, bad
files refused. They are also floors: the suite fails if a refactoring quietly shrinks them."""

from tests.security.test_access_matrix import ROLES, matrix_size
from tests.security.test_bad_uploads import CORPUS_SIZE, REFUSALS_CHECKED
from tests.security.test_hostile_input import HOSTILE_STRINGS_TRIED as HOSTILE_STRINGS_BEFORE_SUBMISSION
from tests.security.test_hostile_post_submission import HOSTILE_STRINGS_TRIED_AFTER_SUBMISSION

HOSTILE_STRINGS_TRIED = HOSTILE_STRINGS_BEFORE_SUBMISSION + HOSTILE_STRINGS_TRIED_AFTER_SUBMISSION


def test_figures():
    urls, pairs, skipped = matrix_size()
    print(
        f"\naccess matrix: {urls} URL patterns × {len(ROLES)} roles = {pairs} (URL, role) pairs checked, "
        f"{skipped} skipped with a reason"
        f"\nhostile input: {HOSTILE_STRINGS_TRIED} hostile strings tried"
        f"\nbad uploads: {CORPUS_SIZE} bad files, {REFUSALS_CHECKED} refusals checked over every upload entry point"
    )
    assert urls >= 300 and len(ROLES) == 9 and pairs >= 3000
    assert HOSTILE_STRINGS_TRIED >= 300
    assert CORPUS_SIZE >= 20 and REFUSALS_CHECKED >= 100
