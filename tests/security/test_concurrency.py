"""Conflicting requests at the same moment, over HTTP, on a live threaded server (outside review, docs/security.md).

Each test fires a pair of requests that conflict on one application (two browser tabs of the
applicant, or two officers) from two threads released by a barrier, a few rounds each, on a
fresh application per round, and then checks what anyone would notice afterwards:
- no request failed with a 500;
- the application is in one consistent final state, with exactly one winner;
- its audit records are one unbroken chain ending in that state (none lost, none twice);
- every attachment and document row has its file, and no new file is left without a row;
- a submitted application holds only values its form accepts (no late autosave in it).

The row lock and the state check inside the transaction (workflows/services.py `locked_draft`,
workflows/actions.py `_perform`) make this hold. PostgreSQL only: SQLite serialises whole-database
writes and ignores SELECT ... FOR UPDATE, so the races cannot happen there. pytest-django's
`live_server` is Django's threaded WSGI server; every request has its own connection.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.support.builders import ApplicationFactory, files_form, make_catalogue
from tests.support.database import restore_migration_data
from tests.support.field_types import PDF
from tests.support.races import DRAFT_PAIRS, ROUNDS, Browser, delete, fire, submit
from tests.support.storage import private_files
from tests.support.workflow_builders import application_in, make_parties, refresh, staff_of
from workflows import services
from workflows.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationState,
    Document,
    ReviewFile,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and concurrent connections (set DATABASE_URL); SQLite has neither",
    ),
]

S = ApplicationState


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_blocker):
    yield
    if connection.vendor == "postgresql":  # elsewhere the module is skipped: nothing was flushed
        restore_migration_data(django_db_blocker)


def referenced_files():
    names = set()
    for model in (ApplicationAttachment, Document, ReviewFile):
        names.update(model.objects.exclude(file="").values_list("file", flat=True))
    return names


def assert_consistent(files_before):
    """What holds in any committed state, whoever won: files and rows agree, audit chains hold."""
    root = settings.PRIVATE_MEDIA_ROOT
    names = referenced_files()
    for name in names:
        assert (root / name).is_file(), f"row without its file: {name}"
    stored = {str(path.relative_to(root)) for path in private_files() - files_before}
    assert stored <= names, f"files without a row: {stored - names}"
    for application in Application.objects.all():
        state = S.DRAFT
        for event in ApplicationEvent.objects.filter(application=application).order_by("pk"):
            assert event.from_state == state, (application.pk, event.transition, event.from_state, state)
            state = event.to_state
        assert state == application.state, (application.pk, state, application.state)
        if application.state != S.DRAFT:
            assert application.schema_version.parsed.problems(application.data) == [], application.data


def transitions(application):
    return list(ApplicationEvent.objects.filter(application_id=application.pk).values_list("transition", flat=True))


# --- the applicant's two tabs on one draft ----------------------------------------------------


@pytest.fixture
def drafts(live_server):
    """A complete draft with one file per round, and the applicant's browser."""
    catalogue = make_catalogue(files_form())
    first = ApplicationFactory(levels=[catalogue["D"]])
    user = first.created_by

    def draft():
        application = first if not hasattr(draft, "used") else ApplicationFactory(user=user, levels=[catalogue["D"]])
        draft.used = True
        spec = application.schema_version.parsed.fields_by_key["site_proof"]
        services.attach_files(application, spec, [pdf("场地.pdf")], [], user)
        return refresh(application)

    draft.browser = Browser(live_server, user)
    return draft


def pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def deleted_or_submitted(application, files):
    """Exactly one of 删除 and 提交 won: gone with every row and file, or submitted whole."""
    fresh = Application.objects.filter(pk=application.pk).first()
    if fresh is None:
        assert not ApplicationAttachment.objects.filter(application_id=application.pk).exists()
        assert not any((settings.PRIVATE_MEDIA_ROOT / name).exists() for name in files)
        return "deleted"
    assert fresh.state == S.SUBMITTED, fresh.state
    assert transitions(fresh) == ["submit"]
    assert set(fresh.attachments.values_list("file", flat=True)) == set(files)
    return "submitted"


def test_two_tabs_changing_one_draft_at_once(drafts):
    """删除, 自动保存, 保存 with uploads or removals, each against 提交 (and 删除 against changes).
    One test for all pairs: each transactional test on PostgreSQL costs a flush and a reload of
    the migration data, far more than its rounds."""
    files_before = private_files()
    for first, second in DRAFT_PAIRS:
        pair = f"{first.__name__} × {second.__name__}"
        for _round in range(ROUNDS):
            application = drafts()
            files = set(application.attachments.values_list("file", flat=True))
            fire(first(drafts.browser, application), second(drafts.browser, application))
            assert_consistent(files_before)
            if {first, second} == {submit, delete}:
                deleted_or_submitted(application, files)
                continue
            fresh = Application.objects.filter(pk=application.pk).first()
            if delete in (first, second):
                assert fresh is None, pair  # a save or an upload never stops the deletion
                continue
            # Either order is fine; a change that came first may leave the draft incomplete
            # (NOT-A-CODE, the file removed), and then 提交 refuses it: still one consistent outcome.
            assert fresh.state in (S.SUBMITTED, S.DRAFT), pair
            assert transitions(fresh) == (["submit"] if fresh.state == S.SUBMITTED else []), pair


# --- after submission: the applicant and the officers -----------------------------------------


@pytest.fixture
def parties():
    p = make_parties(make_catalogue())
    # A second officer of the same authority (北京市市场监督管理局).
    p.second_officer = staff_of(p.catalogue["beijing"])
    p.second_officer.groups.add(*p.authority.groups.exclude(pk=p.catalogue["beijing"].group_id))
    return p


def accept(browser, application, review_body):
    url = reverse("licensing:accept", args=[application.pk])
    return browser.post(url, {"review_body": review_body.pk, "comment": "材料齐全", "confirmed": "on"})


def request_correction(browser, application):
    url = reverse("licensing:request_correction", args=[application.pk])
    data = {
        "comment": "请一次性补正",
        "tick-field-fa_ding_dai_biao_ren": "on",
        "comment-field-fa_ding_dai_biao_ren": "与营业执照不一致",
        "confirmed": "on",
    }
    return browser.post(url, data)


def test_conflicting_actions_after_submission(parties, live_server):
    """Two officers accepting at once, 受理 against 补正告知, and the applicant's 撤回 against
    补正后重新提交 (in one test for the reason given above)."""
    p = parties
    first, second = Browser(live_server, p.authority), Browser(live_server, p.second_officer)
    applicant = Browser(live_server, p.applicant)
    files_before = private_files()
    for _round in range(ROUNDS):
        application = application_in(S.SUBMITTED, p)
        fire(accept(first, application, p.review_body_org), accept(second, application, p.review_body_org))
        assert_consistent(files_before)
        assert refresh(application).state == S.ACCEPTED
        assert transitions(application) == ["submit", "accept"]
        assert Document.objects.filter(application=application).count() == 1

        application = application_in(S.SUBMITTED, p)
        fire(accept(first, application, p.review_body_org), request_correction(second, application))
        assert_consistent(files_before)
        final = refresh(application).state
        assert final in (S.ACCEPTED, S.CORRECTION_REQUESTED)
        assert transitions(application) == ["submit", "accept" if final == S.ACCEPTED else "request_correction"]
        assert Document.objects.filter(application=application).count() == 1

        application = application_in(S.CORRECTION_REQUESTED, p)
        correction = reverse("applications:correction", args=[application.uuid])
        fire(
            applicant.post(reverse("applications:withdraw", args=[application.uuid]), {"reason": "不再申请"}),
            applicant.post(correction, {"action": "resubmit", "f-fa_ding_dai_biao_ren": "李四"}),
        )
        assert_consistent(files_before)
        # 撤回 first ends it; 重新提交 first may be followed by the 撤回 (allowed once submitted).
        assert transitions(application)[2:] in (["withdraw"], ["resubmit"], ["resubmit", "withdraw"])
