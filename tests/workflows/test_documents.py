"""The documents the workflow issues (workflows/documents.py, templates/pdf/documents/).

Each is reached through the real actions and read back from the stored PDF with pypdf: what the
applicant and the authority get is the text, so the tests check the text, not that a file exists.
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from forms_config.models import FormSchemaVersion
from forms_config.reference_data import FEEDBACK_FORM, load_form
from tests.support.builders import ApplicationFactory, make_catalogue
from tests.support.pdf import assert_chinese_in_wenquanyi, pdf_text, text_of
from tests.support.workflow_builders import application_in, fill_completely, make_parties, refresh, submitted
from workflows import actions, services
from workflows.models import ApplicationState, Document, DocumentKind

pytestmark = pytest.mark.django_db

REMEDY = (
    "你单位如对本决定不服，可以自收到本决定书之日起60日内依法申请行政复议，"
    "或者自收到本决定书之日起6个月内依法向人民法院提起行政诉讼。"
)


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def parties(catalogue):
    return make_parties(catalogue)


def year():
    return timezone.localdate().year


def issued(application, kind):
    return Document.objects.get(application=application, kind=kind)


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def assert_letter_of_the_authority(text, application, number):
    """What every notice and decision has: the authority, its name, number, addressee and date."""
    assert text.startswith("北京市市场监督管理局"), text[:40]
    assert number in text
    assert f"{application.applicant.name}：" in text
    assert application.reference in text
    assert text.endswith(f"北京市市场监督管理局{chinese_date(timezone.localdate())}"), text[-60:]


def assert_items(text):
    # make_catalogue's provincial level D of 压力容器制造 (固定式压力容器).
    assert "压力容器" in text and "压力容器制造" in text
    assert "压力容器制造（固定式压力容器）D" in text and "中、低压容器" in text


# ----- each kind -----


def test_correction_notice_lists_every_item_to_correct(parties):
    application = submitted(parties)
    long_comment = "\n".join(
        f"第{n}条：质量保证手册中的{n}号程序文件与实际执行的文件不一致，请核对后重新上传。" for n in range(1, 13)
    )
    items = [
        {
            "target": "field",
            "key": "fa_ding_dai_biao_ren",
            "label": "法定代表人",
            "page_number": 1,
            "comment": "与营业执照不一致",
        },
        {
            "target": "page",
            "key": "quality",
            "label": "质量保证体系",
            "page_number": 2,
            "comment": "质量保证体系说明过于简略",
        },
        {
            "target": "attachment",
            "key": "quality_manual",
            "label": "质量手册",
            "page_number": 2,
            "comment": long_comment,
        },
    ]
    actions.request_correction(
        application, parties.authority, items, "请在补正时一并上传营业执照副本。\n补正后请重新提交。"
    )
    document = issued(application, DocumentKind.CORRECTION_NOTICE)
    text = text_of(document)

    number = f"（京）特补〔{year()}〕1号"
    assert document.number == number
    assert_letter_of_the_authority(text, application, number)
    assert "补正告知书" in text
    assert f"你单位于{chinese_date(timezone.localdate(application.submitted_at))}提交的" in text
    assert "申请材料不齐全或者不符合法定形式" in text and "请按以下要求一次性补正" in text
    assert "（TSG07-2019）第3.3.2条" in text
    assert "压力容器制造（固定式压力容器）D" in text
    for heading in ("补正对象", "所在页", "补正意见"):
        assert heading in text
    assert "法定代表人字段第1页与营业执照不一致" in text  # one row: object, kind, page, comment
    assert "质量保证体系整页第2页质量保证体系说明过于简略" in text
    # Too long for a table row: the row points to the full text after the table.
    assert "质量手册附件第2页见下文第3项" in text
    assert "第3项质量手册" in text
    for line in long_comment.splitlines():
        assert line in text
    assert "其他说明请在补正时一并上传营业执照副本。补正后请重新提交。" in text
    assert_chinese_in_wenquanyi(document.read())


def test_acceptance_decision_names_the_review_body_and_its_contacts(parties):
    body = parties.review_body_org
    body.address = "北京市朝阳区和平街西苑2号"
    body.save()
    application = application_in(ApplicationState.ACCEPTED, parties)
    document = issued(application, DocumentKind.ACCEPTANCE_DECISION)
    text = text_of(document)

    number = f"（京）特受〔{year()}〕1号"
    assert document.number == number
    assert_letter_of_the_authority(text, application, number)
    assert "受理决定书" in text
    assert_items(text)
    assert "本机关决定予以受理" in text
    assert "鉴定评审机构中国特种设备检测研究院" in text
    assert "联系人刘评审" in text
    assert "联系电话010-12345678" in text
    assert "地址北京市朝阳区和平街西苑2号" in text
    assert "请与鉴定评审机构协商鉴定评审时间" in text
    assert "鉴定评审时间可登录特种设备行政许可申报系统协商确认" in text


def test_an_acceptance_without_review_body_address_leaves_the_line_out(parties):
    body = parties.review_body_org
    body.address = ""
    body.save()
    application = application_in(ApplicationState.ACCEPTED, parties)
    text = text_of(issued(application, DocumentKind.ACCEPTANCE_DECISION))
    assert "联系电话010-12345678" in text
    assert "地址" not in text


def test_non_acceptance_decision_gives_the_reasons_and_the_remedies(parties):
    application = submitted(parties)
    actions.refuse_acceptance(
        application, parties.authority, "申请事项不属于本机关职权范围。\n申请单位隐瞒有关情况，提供虚假材料。"
    )
    document = issued(application, DocumentKind.NON_ACCEPTANCE_DECISION)
    text = text_of(document)

    number = f"（京）特不受〔{year()}〕1号"
    assert_letter_of_the_authority(text, application, number)
    assert "不予受理决定书" in text
    assert_items(text)
    assert "申请事项不属于本机关职权范围。申请单位隐瞒有关情况，提供虚假材料。" in text
    assert "本机关决定不予受理" in text
    assert REMEDY in text


def test_license_decision_and_license(parties):
    application = application_in(ApplicationState.APPROVED, parties)
    license = application.license

    decision = issued(application, DocumentKind.LICENSE_DECISION)
    text = text_of(decision)
    number = f"（京）特许〔{year()}〕1号"
    assert decision.number == number
    assert_letter_of_the_authority(text, application, number)
    assert "准予许可决定书" in text and "本机关决定准予许可" in text
    assert f"许可证编号{license.number}" in text
    assert f"有效期至{chinese_date(license.valid_until)}" in text
    assert_items(text)
    assert "请登录特种设备行政许可申报系统下载许可证" in text
    assert "6个月以前（并且不超过12个月）" in text

    certificate = issued(application, DocumentKind.LICENSE)
    assert certificate.number == license.number
    text = text_of(certificate)
    holder = application.applicant
    assert "中华人民共和国特种设备生产许可证" in text
    assert f"编号：{license.number}" in text
    assert f"单位名称{holder.name}" in text
    assert f"统一社会信用代码{holder.unified_social_credit_code}" in text
    assert f"住所{holder.address}" in text
    assert "许可项目" in text
    assert_items(text)
    assert f"有效期至{chinese_date(license.valid_until)}" in text
    assert "发证机关北京市市场监督管理局" in text
    assert f"发证日期{chinese_date(license.issued_on)}" in text
    assert_chinese_in_wenquanyi(certificate.read())


def test_denial_decision_gives_the_reasons_and_the_remedies(parties):
    application = application_in(ApplicationState.DENIED, parties)
    document = issued(application, DocumentKind.DENIAL_DECISION)
    text = text_of(document)

    number = f"（京）特不许〔{year()}〕1号"
    assert_letter_of_the_authority(text, application, number)
    assert "不予许可决定书" in text
    assert_items(text)
    assert "理由如下：评审结论不符合条件" in text
    assert "本机关决定不予许可" in text
    assert REMEDY in text


def feedback_version():
    schema, _created = load_form(FEEDBACK_FORM)
    return FormSchemaVersion.objects.freeze(schema)


FEEDBACK_ANSWERS = {
    "arrived_on_time": "是",
    "followed_rules": "是",
    "conduct": "基本满意",
    "misconduct": "否",
    "misconduct_details": "（改选“否”之前填写的内容）",
    "overall": "满意",
    "suggestions": "希望提前一周告知评审组成员名单。\n末次会议时间可以再长一些。",
    "respondent_name": "李华",
    "respondent_phone": "13812345678",
}


def test_review_feedback_prints_the_questions_and_answers_of_the_frozen_form(parties):
    application = application_in(ApplicationState.REVIEWED, parties)
    version = feedback_version()
    assert not version.parsed.problems(FEEDBACK_ANSWERS)
    actions.submit_feedback(application, parties.applicant, version, dict(FEEDBACK_ANSWERS))
    document = issued(application, DocumentKind.REVIEW_FEEDBACK)
    assert document.number == ""
    text = text_of(document)

    assert text.startswith("鉴定评审反馈表")
    assert f"申请编号{application.reference}" in text
    assert f"申请单位{application.applicant.name}" in text
    assert "鉴定评审机构中国特种设备检测研究院" in text
    assert "审批机关北京市市场监督管理局" in text
    assert "压力容器制造（固定式压力容器）D" in text
    assert "鉴定评审工作情况" in text and "填表人" in text
    for label, answer in [
        ("评审组是否按时到场", "是"),
        ("评审人员工作作风", "基本满意"),
        ("是否存在收受礼品、礼金或者吃请等违规行为", "否"),
        ("对本次鉴定评审工作的总体评价", "满意"),
        ("意见和建议", "希望提前一周告知评审组成员名单。末次会议时间可以再长一些。"),
        ("填表人", "李华"),
        # The authority and the review body read this document too: the mobile prints masked.
        ("联系电话", "138****5678"),
    ]:
        assert label + answer in text, label
    # Shown only when the answer is 是: hidden, so not printed.
    assert "违规行为情况说明" not in text and "改选" not in text
    assert_chinese_in_wenquanyi(document.read())


def test_review_feedback_keeps_an_office_landline_and_masks_only_a_mobile(parties):
    application = application_in(ApplicationState.REVIEWED, parties)
    actions.submit_feedback(
        application, parties.applicant, feedback_version(), {**FEEDBACK_ANSWERS, "respondent_phone": "010-88886666"}
    )
    text = text_of(issued(application, DocumentKind.REVIEW_FEEDBACK))
    assert "联系电话010-88886666" in text
    assert "13812345678" not in text


def test_review_feedback_prints_a_field_its_condition_shows(parties):
    application = application_in(ApplicationState.APPROVED, parties)
    answers = {**FEEDBACK_ANSWERS, "misconduct": "是", "misconduct_details": "评审组长接受了企业安排的宴请。"}
    actions.submit_feedback(application, parties.applicant, feedback_version(), answers)
    text = text_of(issued(application, DocumentKind.REVIEW_FEEDBACK))
    assert "是否存在收受礼品、礼金或者吃请等违规行为是" in text
    assert "违规行为情况说明评审组长接受了企业安排的宴请。" in text


# ----- what holds for all of them -----


def test_a_stored_document_never_changes(parties):
    application = application_in(ApplicationState.ACCEPTED, parties)
    document = issued(application, DocumentKind.ACCEPTANCE_DECISION)
    before = document.read()
    assert Document.digest(before) == document.sha256

    body = parties.review_body_org
    body.name = "中国特种设备检测研究院（更名后）"
    body.contact_name = "王新"
    body.save()

    document = issued(application, DocumentKind.ACCEPTANCE_DECISION)
    assert document.read() == before
    assert "更名后" not in text_of(document) and "刘评审" in text_of(document)
    document.number = "（京）特受〔2000〕99号"
    with pytest.raises(ValidationError):
        document.save()
    with pytest.raises(ValidationError):
        document.delete()
    assert issued(application, DocumentKind.ACCEPTANCE_DECISION).read() == before


def test_numbers_are_consecutive_per_authority_kind_and_year(parties, catalogue):
    first = submitted(parties)
    second = submitted(parties)
    refused = submitted(parties)
    actions.accept(first, parties.authority, parties.review_body_org)
    actions.refuse_acceptance(refused, parties.authority, "申请事项不属于本机关职权范围")
    actions.accept(second, parties.authority, parties.review_body_org)

    # A national level goes to SAMR, whose numbers start at 1 on their own.
    national = fill_completely(ApplicationFactory(user=parties.applicant, levels=[catalogue["A1"]]))
    national = services.submit_application(national, parties.applicant)
    actions.accept(national, parties.samr, parties.review_body_org)

    y = year()
    assert issued(first, DocumentKind.ACCEPTANCE_DECISION).number == f"（京）特受〔{y}〕1号"
    assert issued(second, DocumentKind.ACCEPTANCE_DECISION).number == f"（京）特受〔{y}〕2号"
    assert issued(refused, DocumentKind.NON_ACCEPTANCE_DECISION).number == f"（京）特不受〔{y}〕1号"
    samr_document = issued(national, DocumentKind.ACCEPTANCE_DECISION)
    assert samr_document.number == f"（国）特受〔{y}〕1号"
    text = text_of(samr_document)
    assert text.startswith("国家市场监督管理总局") and f"（国）特受〔{y}〕1号" in text
    assert f"（京）特受〔{y}〕2号" in text_of(issued(second, DocumentKind.ACCEPTANCE_DECISION))


def test_documents_are_issued_in_chinese_whatever_the_officer_reads(parties):
    application = submitted(parties)
    with translation.override("en"):
        actions.accept(application, parties.authority, parties.review_body_org)
    content = issued(application, DocumentKind.ACCEPTANCE_DECISION).read()
    text = pdf_text(content)
    assert "受理决定书" in text and "特种设备行政许可申报系统" in text
    assert "Page" not in text and "Acceptance" not in text


def test_documents_carry_no_id_numbers(parties):
    applicant_org = parties.applicant.organisation
    applicant_org.contact_id_number = "11010519850615432X"
    applicant_org.save()
    application = application_in(ApplicationState.APPROVED, parties)
    for document in refresh(application).documents.all():
        text = text_of(document)
        assert applicant_org.contact_id_number not in text, document.kind
        assert applicant_org.contact_mobile not in text, document.kind
