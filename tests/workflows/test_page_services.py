"""The page saves behind the applicant's form pages, called directly: services.save_page (a draft
page) and correction.save_page (the 补齐补正 form). Each saves its uploads, removals and typed values
whole or not at all, and refuses a page read before the application left the state it was read in
(a double submit, another tab's 提交 or 补正后重新提交) without writing anything."""

import pytest

from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.field_types import PDF, PNG, upload
from tests.support.storage import private_files
from tests.support.workflow_builders import make_parties, refresh
from workflows import actions, correction, services
from workflows.models import ApplicationAttachment, ApplicationState

pytestmark = pytest.mark.django_db

S = ApplicationState

PAGES = [
    page(
        "基本情况",
        "basic",
        [
            field("singleline", "企业名称", "qi_ye_ming_cheng"),
            field("files", "场地证明", "site_proof", required=False, allowed_types=["pdf"], max_files=2),
        ],
    ),
    page(
        "材料",
        "materials",
        [
            field("multiline", "质量手册说明", "manual_note"),
            field("files", "质量手册", "quality_manual", allowed_types=["pdf"], max_files=2),
        ],
    ),
]


@pytest.fixture
def parties():
    return make_parties(make_catalogue(make_form_schema(PAGES)))


@pytest.fixture
def draft(parties):
    return ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]])


def spec(application, key):
    return application.schema_version.parsed.fields_by_key[key]


def complete(draft, parties):
    """Every required field filled, one file in 质量手册: ready to submit."""
    services.save_page(
        draft,
        parties.applicant,
        {"qi_ye_ming_cheng": "甲公司", "manual_note": "第一版"},
        [(spec(draft, "quality_manual"), [upload("手册.pdf", PDF)], [])],
    )


# --- services.save_page ------------------------------------------------------------------------


def test_a_page_saves_its_files_its_values_and_where_the_applicant_is(draft, parties):
    errors = services.save_page(
        draft,
        parties.applicant,
        {"qi_ye_ming_cheng": "甲公司", "not_a_field": "x"},
        [(spec(draft, "site_proof"), [upload("场地.pdf", PDF)], [])],
        current_page=1,
    )
    assert errors == {}
    saved = refresh(draft)
    assert saved.data["qi_ye_ming_cheng"] == "甲公司" and "not_a_field" not in saved.data
    assert [ref["name"] for ref in saved.data["site_proof"]] == ["场地.pdf"]
    assert saved.current_page == 1
    assert draft.data == saved.data and draft.updated_at == saved.updated_at  # the caller's object too


def test_a_refused_upload_is_reported_and_the_rest_of_the_page_is_saved(draft, parties):
    errors = services.save_page(
        draft,
        parties.applicant,
        {"qi_ye_ming_cheng": "甲公司"},
        [(spec(draft, "site_proof"), [upload("照片.pdf", PNG), upload("场地.pdf", PDF)], [])],
    )
    assert list(errors) == ["site_proof"] and "照片.pdf" in errors["site_proof"][0]
    saved = refresh(draft)
    assert saved.data["qi_ye_ming_cheng"] == "甲公司"
    assert [ref["name"] for ref in saved.data["site_proof"]] == ["场地.pdf"]


def test_a_page_read_before_the_draft_was_submitted_is_refused_and_writes_nothing(draft, parties):
    complete(draft, parties)
    stale = refresh(draft)
    submitted = services.submit_application(refresh(draft), parties.applicant)
    files_before = private_files()

    with pytest.raises(services.NotDraft):
        services.save_page(
            stale,
            parties.applicant,
            {"qi_ye_ming_cheng": "乙公司"},
            [(spec(stale, "site_proof"), [upload("新.pdf", PDF)], [])],
            current_page=1,
        )

    assert refresh(draft).data == submitted.data
    assert not ApplicationAttachment.objects.filter(application=draft, field_key="site_proof").exists()
    assert private_files() == files_before


def test_a_second_submit_of_the_same_page_saves_it_again_and_nothing_twice(draft, parties):
    """A double click on 保存 posts the page twice: the same values, and the same new file twice
    (the browser sends it again). Nothing is lost, and the field still holds at most max_files."""
    changes = [(spec(draft, "site_proof"), [upload("场地.pdf", PDF)], [])]
    services.save_page(draft, parties.applicant, {"qi_ye_ming_cheng": "甲公司"}, changes)
    changes = [(spec(draft, "site_proof"), [upload("场地.pdf", PDF)], [])]
    services.save_page(refresh(draft), parties.applicant, {"qi_ye_ming_cheng": "甲公司"}, changes)
    saved = refresh(draft)
    assert saved.data["qi_ye_ming_cheng"] == "甲公司"
    assert len(saved.data["site_proof"]) == ApplicationAttachment.objects.filter(application=draft).count() == 2


# --- correction.save_page ------------------------------------------------------------------------


@pytest.fixture
def flagged(draft, parties):
    """Submitted with one file, then the 材料 page flagged for correction."""
    complete(draft, parties)
    application = services.submit_application(refresh(draft), parties.applicant)
    item = {"target": "page", "key": "materials", "label": "材料", "page_number": 2, "comment": "材料不全"}
    actions.request_correction(application, parties.authority, [item])
    return refresh(application)


def test_a_correction_saves_the_flagged_fields_only_and_keeps_the_submitted_file(flagged, parties):
    submitted_file = ApplicationAttachment.objects.get(application=flagged)
    errors = correction.save_page(
        flagged,
        parties.applicant,
        {"manual_note": "第二版", "qi_ye_ming_cheng": "冒名顶替有限公司"},
        [(spec(flagged, "quality_manual"), [upload("手册（盖章）.pdf", PDF)], [str(submitted_file.uuid)])],
    )
    assert errors == {}
    saved = refresh(flagged)
    assert saved.state == S.CORRECTION_REQUESTED
    assert saved.data["manual_note"] == "第二版"
    assert saved.data["qi_ye_ming_cheng"] == "甲公司"  # not flagged
    assert [ref["name"] for ref in saved.data["quality_manual"]] == ["手册（盖章）.pdf"]
    assert submitted_file.file.storage.exists(submitted_file.file.name)  # still on record
    assert flagged.data == saved.data


def test_a_correction_of_a_field_that_is_not_flagged_is_refused_whole(flagged, parties):
    before = refresh(flagged).data
    with pytest.raises(actions.ActionRefused):
        correction.save_page(
            flagged,
            parties.applicant,
            {"manual_note": "第二版"},
            [(spec(flagged, "site_proof"), [upload("场地.pdf", PDF)], [])],
        )
    assert refresh(flagged).data == before
    assert ApplicationAttachment.objects.filter(application=flagged, field_key="site_proof").count() == 0


def test_a_correction_page_read_before_the_resubmission_is_refused_and_writes_nothing(flagged, parties):
    stale = refresh(flagged)
    correction.resubmit(refresh(flagged), parties.applicant)  # another tab, or the first of a double click
    after_resubmission = refresh(flagged)
    files_before = private_files()

    with pytest.raises(actions.ActionRefused) as refused:
        correction.save_page(
            stale,
            parties.applicant,
            {"manual_note": "迟到的修改"},
            [(spec(stale, "quality_manual"), [upload("迟到.pdf", PDF)], [])],
        )

    assert refused.value.code == "state"
    assert refresh(flagged).data == after_resubmission.data
    assert refresh(flagged).state == S.SUBMITTED
    assert private_files() == files_before
