"""补齐补正 (guide 1.6): the notice, only the flagged fields editable, what changed, resubmit."""

import pytest
from django.urls import reverse

from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.field_types import PDF, upload
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import actions, correction, services
from workflows.models import (
    ApplicationAttachment,
    ApplicationEvent,
    ApplicationState,
    CorrectionNotice,
    DocumentKind,
    Notification,
)

pytestmark = pytest.mark.django_db

S = ApplicationState


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def flagged(parties):
    """Correction requested for 法定代表人 only (tests.support.workflow_builders.correction_items)."""
    return application_in(S.CORRECTION_REQUESTED, parties)


@pytest.fixture
def applicant_client(client, parties):
    client.force_login(parties.applicant)
    return client


def url(application):
    return reverse("applications:correction", args=[application.uuid])


def test_the_page_shows_the_notice_and_only_the_flagged_field_as_input(applicant_client, flagged):
    response = applicant_client.get(url(flagged))
    assert response.status_code == 200
    html = response.content.decode()
    assert "补正告知书" in html and "请一次性补正" in html
    assert "法定代表人" in html and "与营业执照不一致" in html
    assert 'name="f-fa_ding_dai_biao_ren"' in html
    # Not flagged: shown, but read-only.
    assert 'name="f-qi_ye_ming_cheng"' not in html and 'name="f-quality_system"' not in html
    assert flagged.applicant.name in html and "ISO 9001" in html
    notice_pdf = flagged.documents.get(kind=DocumentKind.CORRECTION_NOTICE)
    assert reverse("applications:document", args=[notice_pdf.uuid]) in html
    assert "您还没有保存任何修改" in html


def test_saving_changes_only_the_flagged_field_and_lists_the_change(applicant_client, flagged):
    response = applicant_client.post(
        url(flagged),
        {"action": "save", "f-fa_ding_dai_biao_ren": "李四", "f-qi_ye_ming_cheng": "冒名顶替有限公司"},
    )
    assert response.status_code == 302 and response.url == url(flagged)
    application = refresh(flagged)
    assert application.data["fa_ding_dai_biao_ren"] == "李四"
    assert application.data["qi_ye_ming_cheng"] == flagged.applicant.name  # not flagged: unchanged
    assert application.state == S.CORRECTION_REQUESTED
    html = applicant_client.get(url(flagged)).content.decode()
    changes = html[html.index("本次修改") :]
    assert "法定代表人" in changes and "张三" in changes and "李四" in changes
    assert "冒名顶替有限公司" not in html


def test_the_service_ignores_keys_that_are_not_flagged(flagged):
    correction.save_correction(flagged, {"quality_system": "改过的", "fa_ding_dai_biao_ren": "王五"})
    application = refresh(flagged)
    assert application.data["quality_system"] == "ISO 9001"
    assert application.data["fa_ding_dai_biao_ren"] == "王五"
    assert correction.editable_keys(application) == {"fa_ding_dai_biao_ren"}


def test_an_invalid_value_is_kept_but_blocks_the_resubmission(applicant_client, flagged):
    response = applicant_client.post(url(flagged), {"action": "resubmit", "f-fa_ding_dai_biao_ren": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "补正内容还有未填写或填写有误的地方" in html and "请填写法定代表人。" in html
    application = refresh(flagged)
    assert application.state == S.CORRECTION_REQUESTED
    assert application.data["fa_ding_dai_biao_ren"] == ""  # kept as typed, like a draft
    assert not ApplicationEvent.objects.filter(application=flagged, transition="resubmit").exists()


def test_resubmitting_records_the_changes_and_tells_the_authority(applicant_client, parties, flagged):
    response = applicant_client.post(url(flagged), {"action": "resubmit", "f-fa_ding_dai_biao_ren": "李四"})
    assert response.status_code == 302
    assert response.url == reverse("applications:detail", args=[flagged.uuid])
    application = refresh(flagged)
    assert application.state == S.SUBMITTED
    notice = CorrectionNotice.objects.get(application=application)
    assert notice.resubmitted_at is not None
    assert notice.changes == [{"key": "fa_ding_dai_biao_ren", "label": "法定代表人", "before": "张三", "after": "李四"}]
    event = ApplicationEvent.objects.get(application=application, transition="resubmit")
    assert event.actor == parties.applicant and event.to_state == S.SUBMITTED
    assert Notification.objects.filter(recipient=parties.authority, message__contains="已补正并重新提交").exists()
    # The acceptance clock runs again, and the detail page shows the changes.
    assert application.clock == "acceptance" and application.due_on is not None
    html = applicant_client.get(response.url).content.decode()
    assert "补正改动" in html and "李四" in html and "补正材料已提交" in html
    # Once resubmitted, the page refuses with the reason.
    again = applicant_client.get(url(flagged))
    assert again.status_code == 409 and "不能“补正后重新提交”" in again.content.decode()
    assert applicant_client.post(url(flagged), {"action": "save", "f-fa_ding_dai_biao_ren": "x"}).status_code == 409
    assert refresh(flagged).data["fa_ding_dai_biao_ren"] == "李四"


def test_the_correction_page_is_refused_before_a_notice(applicant_client, parties):
    application = application_in(S.SUBMITTED, parties)
    response = applicant_client.get(url(application))
    assert response.status_code == 409
    with pytest.raises(actions.ActionRefused):
        correction.save_correction(application, {"fa_ding_dai_biao_ren": "x"})


# --- pages, attachments and fields revealed by a corrected answer ---------------------------------


def submit_and_flag(parties, draft, items, comment="请补正"):
    application = services.submit_application(draft, parties.applicant)
    actions.request_correction(application, parties.authority, items, comment)
    return refresh(application)


MATERIAL_PAGES = [
    page(
        "基本情况",
        "basic",
        [
            field("singleline", "企业名称", "qi_ye_ming_cheng"),
            field("radio", "是否有分包", "has_sub", choices=["是", "否"]),
            field("singleline", "分包单位", "sub_name", show_when={"field": "has_sub", "value": "是"}),
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
def materials():
    catalogue = make_catalogue(make_form_schema(MATERIAL_PAGES))
    parties = make_parties(catalogue)
    draft = ApplicationFactory(user=parties.applicant, levels=[catalogue["D"]])
    services.save_values(draft, {"qi_ye_ming_cheng": "甲公司", "has_sub": "否", "manual_note": "第一版"})
    services.attach_files(
        draft,
        draft.schema_version.parsed.fields_by_key["quality_manual"],
        [upload("手册.pdf", PDF)],
        [],
        parties.applicant,
    )
    return parties, draft


def test_a_flagged_page_makes_all_its_fields_editable(client, materials):
    parties, draft = materials
    application = submit_and_flag(
        parties,
        draft,
        [{"target": "page", "key": "materials", "label": "材料", "page_number": 2, "comment": "材料不全"}],
    )
    assert correction.editable_keys(application) == {"manual_note", "quality_manual"}
    client.force_login(parties.applicant)
    html = client.get(url(application)).content.decode()
    assert 'name="f-manual_note"' in html and 'name="f-quality_manual"' in html
    assert 'name="f-qi_ye_ming_cheng"' not in html and 'name="f-has_sub"' not in html


def test_an_attachment_is_replaced_and_the_submitted_file_is_kept_on_record(client, materials):
    parties, draft = materials
    application = submit_and_flag(
        parties,
        draft,
        [
            {
                "target": "attachment",
                "key": "quality_manual",
                "label": "质量手册",
                "page_number": 2,
                "comment": "请上传盖章版",
            }
        ],
    )
    old_ref = application.data["quality_manual"][0]
    client.force_login(parties.applicant)
    response = client.post(
        url(application),
        {
            "action": "save",
            "f-quality_manual": upload("手册（盖章）.pdf", PDF),
            "f-quality_manual__remove": old_ref["id"],
            "f-manual_note": "不该改",
        },
    )
    assert response.status_code == 302
    application = refresh(application)
    assert [ref["name"] for ref in application.data["quality_manual"]] == ["手册（盖章）.pdf"]
    assert application.data["manual_note"] == "第一版"
    # The file the officer saw is still there to compare with.
    assert ApplicationAttachment.objects.filter(uuid=old_ref["id"]).exists()
    assert correction.changes(application) == [
        {"key": "quality_manual", "label": "质量手册", "before": "手册.pdf", "after": "手册（盖章）.pdf"}
    ]
    response = client.post(url(application), {"action": "resubmit"})
    assert response.status_code == 302 and refresh(application).state == S.SUBMITTED


def test_a_refused_upload_says_why(client, materials):
    parties, draft = materials
    application = submit_and_flag(
        parties,
        draft,
        [{"target": "attachment", "key": "quality_manual", "label": "质量手册", "page_number": 2, "comment": "重传"}],
    )
    client.force_login(parties.applicant)
    response = client.post(url(application), {"action": "resubmit", "f-quality_manual": upload("假.pdf", b"not a pdf")})
    assert response.status_code == 400 and "“假.pdf”" in response.content.decode()
    assert refresh(application).state == S.CORRECTION_REQUESTED


def test_a_field_revealed_by_a_corrected_answer_becomes_editable(client, materials):
    parties, draft = materials
    application = submit_and_flag(
        parties,
        draft,
        [{"target": "field", "key": "has_sub", "label": "是否有分包", "page_number": 1, "comment": "实际有分包"}],
    )
    # 分包单位 was hidden when submitted, and 是否有分包 controls it.
    assert correction.editable_keys(application) == {"has_sub", "sub_name"}
    client.force_login(parties.applicant)
    response = client.post(url(application), {"action": "resubmit", "f-has_sub": "是"})
    assert response.status_code == 400 and "请填写分包单位。" in response.content.decode()
    response = client.post(url(application), {"action": "resubmit", "f-has_sub": "是", "f-sub_name": "乙公司"})
    assert response.status_code == 302
    notice = CorrectionNotice.objects.get(application=application)
    assert [change["key"] for change in notice.changes] == ["has_sub", "sub_name"]
    assert notice.changes[1] == {"key": "sub_name", "label": "分包单位", "before": "", "after": "乙公司"}


def test_in_english_the_correction_page_works(client, flagged, parties):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(parties.applicant)
    response = client.get(url(flagged))
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
