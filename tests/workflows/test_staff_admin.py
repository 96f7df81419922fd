"""许可申请办理 in the Wagtail admin: who sees which applications (guardian, 404 for the rest), the
detail page, downloads, the staff actions through their forms, export, filters and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Region
from core.masking import mask_id_number
from forms_config.models import FormSchemaVersion
from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page, simple_pages
from tests.support.factories import OrganisationFactory, UserFactory, make_id_number
from tests.support.field_types import PDF, PNG, upload
from tests.support.workflow_builders import application_in, fill_completely, future, make_parties, refresh
from workflows import actions, services
from workflows.models import (
    Application,
    ApplicationEvent,
    ApplicationState,
    CorrectionNotice,
    Document,
    DocumentKind,
    License,
    ProposalSide,
    ProposalStatus,
    ReviewConclusion,
    ReviewFileKind,
)

pytestmark = pytest.mark.django_db

S = ApplicationState
INDEX = reverse("licensing:index")
CONTACT_ID = make_id_number(31, birth="19790305")


def form_pages():
    """The builders' two pages, with an optional file field on the second (an 附件 to flag)."""
    pages = simple_pages()
    pages[1]["value"]["fields"].append(
        field("files", "质量手册", "quality_manual", required=False, allowed_types=["pdf"], max_files=2)
    )
    return pages


@pytest.fixture
def catalogue():
    return make_catalogue(make_form_schema(form_pages()))


@pytest.fixture
def parties(catalogue):
    p = make_parties(catalogue)
    organisation = p.applicant.organisation
    organisation.contact_name = "王联系"
    organisation.contact_id_number = CONTACT_ID
    organisation.contact_mobile = "13712345678"
    organisation.save()
    return p


def url(name, application, *args):
    return reverse(f"licensing:{name}", args=[application.pk, *args])


def with_attachment(parties):
    """A submitted application with a 质量手册 uploaded before submission."""
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]]))
    spec = draft.schema_version.parsed.fields_by_key["quality_manual"]
    assert services.attach_files(draft, spec, [upload("质量手册.pdf", PDF)], [], parties.applicant) == []
    return services.submit_application(refresh(draft), parties.applicant)


def html_of(response):
    return response.content.decode()


# --- who sees what -------------------------------------------------------------------------------


def test_the_authority_sees_its_applications_and_no_other_province_does(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = html_of(response)
    assert application.reference in html and parties.applicant.organisation.name in html
    assert client.get(url("detail", application)).status_code == 200

    for outsider in (parties.other_authority, parties.samr):
        client.force_login(outsider)
        response = client.get(INDEX)
        assert response.status_code == 200
        assert application.reference not in html_of(response)
        assert client.get(url("detail", application)).status_code == 404


def test_a_review_body_sees_only_what_it_was_assigned(client, parties):
    assigned = application_in(S.ACCEPTED, parties)
    waiting = application_in(S.SUBMITTED, parties)
    client.force_login(parties.review_body)
    html = html_of(client.get(INDEX))
    assert assigned.reference in html and waiting.reference not in html
    assert client.get(url("detail", assigned)).status_code == 200
    assert client.get(url("detail", waiting)).status_code == 404

    client.force_login(parties.other_review_body)
    html = html_of(client.get(INDEX))
    assert assigned.reference not in html and waiting.reference not in html
    assert client.get(url("detail", assigned)).status_code == 404


def test_applicants_and_editors_cannot_open_the_queue(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.applicant)  # no access to the admin at all
    assert client.get(INDEX).status_code != 200
    assert client.get(url("detail", application)).status_code != 200

    client.force_login(parties.editor)  # in the admin, but neither authority nor review body
    response = client.get(INDEX)
    assert response.status_code != 200
    assert client.get(url("detail", application)).status_code == 404
    # The sidebar menu is JSON in the page: look for the menu item's URL.
    assert INDEX not in html_of(client.get(reverse("wagtailadmin_home")))

    client.force_login(parties.authority)
    assert INDEX in html_of(client.get(reverse("wagtailadmin_home")))


def test_drafts_are_never_listed_and_nothing_is_created_edited_or_deleted(client, parties):
    draft = application_in(S.DRAFT, parties)
    submitted = application_in(S.SUBMITTED, parties)
    root = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    client.force_login(root)
    html = html_of(client.get(INDEX))
    assert submitted.reference in html
    assert client.get(url("detail", draft)).status_code == 404
    for name in ("add", "edit", "delete", "copy", "inspect"):
        with pytest.raises(NoReverseMatch):
            reverse(f"licensing:{name}", args=[submitted.pk] if name != "add" else [])
    # A superuser may look but decides nothing: no organisation, no action buttons.
    assert url("accept", submitted) not in html_of(client.get(url("detail", submitted)))
    assert client.get(url("accept", submitted)).status_code == 404


def test_an_action_the_organisation_plays_no_part_in_is_a_404(client, parties):
    accepted = application_in(S.ACCEPTED, parties)
    client.force_login(parties.authority)
    assert client.get(url("propose_review_dates", accepted)).status_code == 404
    assert client.post(url("submit_review_report", accepted)).status_code == 404
    client.force_login(parties.review_body)
    assert client.post(url("approve", accepted), {"comment": "x"}).status_code == 404
    assert refresh(accepted).state == S.ACCEPTED


# --- the detail page ------------------------------------------------------------------------------


def test_the_detail_page_shows_the_whole_application(client, parties):
    application = with_attachment(parties)
    client.force_login(parties.authority)
    response = client.get(url("detail", application))
    assert response.status_code == 200
    html = html_of(response)
    # items, applicant (masked), every page of the frozen form with its values, the files
    assert "压力容器制造" in html and "D" in html
    assert CONTACT_ID not in html and mask_id_number(CONTACT_ID) in html
    assert "13712345678" not in html and "137****5678" in html
    assert "申请单位基本情况" in html and "质量保证体系" in html
    assert "法定代表人" in html and "张三" in html and "ISO 9001" in html
    attachment = application.attachments.get()
    assert url("attachment", application, attachment.uuid) in html
    # the running deadline and the actions open to the authority now
    assert "受理期限" in html and f"{application.due_on:%Y-%m-%d}" in html
    for action in ("accept", "request_correction", "refuse_acceptance"):
        assert url(action, application) in html
    assert url("approve", application) not in html
    # the audit trail
    assert "提交申请" in html and parties.applicant.display_name in html


def test_the_detail_page_of_a_decided_application(client, parties):
    application = application_in(S.APPROVED, parties)
    client.force_login(parties.authority)
    html = html_of(client.get(url("detail", application)))
    for document in application.documents.all():
        assert url("document", application, document.uuid) in html
    report_file = application.review_report.files.get()
    assert url("review_file", application, report_file.uuid) in html
    assert application.license.number in html
    assert "符合条件" in html
    assert "已受理" in html and "准予许可" in html  # the timeline's states
    assert "中国特种设备检测研究院" in html


def test_an_overdue_application_is_flagged(client, parties):
    application = application_in(S.SUBMITTED, parties)
    Application.objects.filter(pk=application.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(parties.authority)
    assert "已超期" in html_of(client.get(INDEX))
    assert "已超期" in html_of(client.get(url("detail", application)))


def test_the_detail_page_shows_the_feedback(client, parties):
    application = application_in(S.REVIEWED, parties)
    feedback_form = make_form_schema(
        [page("评审反馈", "feedback", [field("multiline", "对评审工作的评价", "ping_jia")])], title="评审反馈表"
    )
    version = FormSchemaVersion.objects.freeze(feedback_form)
    actions.submit_feedback(application, parties.applicant, version, {"ping_jia": "评审组工作认真"})
    client.force_login(parties.review_body)
    html = html_of(client.get(url("detail", application)))
    assert "评审反馈表" in html and "对评审工作的评价" in html and "评审组工作认真" in html


# --- downloads ------------------------------------------------------------------------------------


def test_attachments_and_documents_download_only_for_the_parties(client, parties):
    application = with_attachment(parties)
    actions.accept(application, parties.authority, parties.review_body_org, "材料齐全")
    attachment = application.attachments.get()
    decision = Document.objects.get(application=application, kind=DocumentKind.ACCEPTANCE_DECISION)

    for user in (parties.authority, parties.review_body):
        client.force_login(user)
        response = client.get(url("attachment", application, attachment.uuid))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        response = client.get(url("document", application, decision.uuid))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    for outsider in (parties.other_authority, parties.other_review_body, parties.samr):
        client.force_login(outsider)
        assert client.get(url("attachment", application, attachment.uuid)).status_code == 404
        assert client.get(url("document", application, decision.uuid)).status_code == 404


def test_review_files_download_only_for_the_parties(client, parties):
    application = application_in(S.REVIEWED, parties)
    report_file = application.review_report.files.get()
    client.force_login(parties.authority)
    response = client.get(url("review_file", application, report_file.uuid))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    for outsider in (parties.other_authority, parties.other_review_body):
        client.force_login(outsider)
        assert client.get(url("review_file", application, report_file.uuid)).status_code == 404


# --- the authority's actions ----------------------------------------------------------------------


def test_accept_names_the_review_body_and_issues_the_decision(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    response = client.get(url("accept", application))
    assert response.status_code == 200
    html = html_of(response)
    assert "中国特种设备检测研究院" in html and "刘评审" in html and "010-12345678" in html

    response = client.post(
        url("accept", application), {"review_body": parties.review_body_org.pk, "comment": "齐全", "confirmed": "on"}
    )
    assert response.status_code == 302 and response.url == url("detail", application)
    application = refresh(application)
    assert application.state == S.ACCEPTED
    assert application.review_body_id == parties.review_body_org.pk
    assert Document.objects.filter(application=application, kind=DocumentKind.ACCEPTANCE_DECISION).count() == 1
    assert "已受理" in html_of(client.get(response.url))


def test_accept_needs_a_review_body(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    response = client.post(url("accept", application), {"review_body": "", "comment": ""})
    assert response.status_code == 400
    assert "请选择受委托的鉴定评审机构。" in html_of(response)
    assert refresh(application).state == S.SUBMITTED


def test_a_second_accept_says_so_and_changes_nothing(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    data = {"review_body": parties.review_body_org.pk, "comment": "齐全", "confirmed": "on"}
    client.post(url("accept", application), data)
    documents, events = Document.objects.count(), ApplicationEvent.objects.count()

    response = client.post(url("accept", application), data, follow=True)
    assert response.redirect_chain[-1][0] == url("detail", application)
    html = html_of(response)
    assert "该申请当前状态为“已受理”，不能“受理”" in html
    assert Document.objects.count() == documents and ApplicationEvent.objects.count() == events
    assert refresh(application).state == S.ACCEPTED


def test_the_correction_form_lists_every_page_and_field(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    html = html_of(client.get(url("request_correction", application)))
    for text in ("申请单位基本情况", "质量保证体系", "企业名称", "法定代表人", "质量保证体系说明", "质量手册", "附件"):
        assert text in html
    assert 'name="tick-page-basic"' in html and 'name="tick-attachment-quality_manual"' in html


def test_a_correction_with_two_items_issues_the_notice(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    response = client.post(
        url("request_correction", application),
        {
            "comment": "请一次性补正",
            "tick-field-fa_ding_dai_biao_ren": "on",
            "comment-field-fa_ding_dai_biao_ren": "与营业执照不一致",
            "tick-attachment-quality_manual": "on",
            "comment-attachment-quality_manual": "请上传盖章版",
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    assert refresh(application).state == S.CORRECTION_REQUESTED
    notice = CorrectionNotice.objects.get(application=application)
    assert notice.comment == "请一次性补正"
    items = list(notice.items.values_list("target", "key", "label", "page_number", "comment"))
    assert items == [
        ("field", "fa_ding_dai_biao_ren", "法定代表人", 1, "与营业执照不一致"),
        ("attachment", "quality_manual", "质量手册", 2, "请上传盖章版"),
    ]
    assert Document.objects.filter(application=application, kind=DocumentKind.CORRECTION_NOTICE).exists()
    html = html_of(client.get(response.url))
    assert "补正告知书已签发，共 2 项" in html
    assert "与营业执照不一致" in html and "请上传盖章版" in html and "请一次性补正" in html


def test_a_correction_needs_an_item_and_a_comment_for_each(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    response = client.post(url("request_correction", application), {"comment": "补正"})
    assert response.status_code == 400
    assert "请至少勾选一项需要补正的内容" in html_of(response)
    response = client.post(url("request_correction", application), {"tick-page-quality": "on"})
    assert response.status_code == 400
    assert "请填写“质量保证体系”的补正意见。" in html_of(response)
    assert refresh(application).state == S.SUBMITTED
    assert not CorrectionNotice.objects.exists()


def test_refusal_needs_reasons_and_issues_the_decision(client, parties):
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    response = client.post(url("refuse_acceptance", application), {"reasons": ""})
    assert response.status_code == 400 and "请填写不予受理的理由。" in html_of(response)
    response = client.post(
        url("refuse_acceptance", application), {"reasons": "不属于本机关职权范围", "confirmed": "on"}
    )
    assert response.status_code == 302
    assert refresh(application).state == S.NOT_ACCEPTED
    assert Document.objects.filter(application=application, kind=DocumentKind.NON_ACCEPTANCE_DECISION).exists()


def test_approve_issues_the_licence(client, parties):
    application = application_in(S.REVIEWED, parties)
    client.force_login(parties.authority)
    html = html_of(client.get(url("approve", application)))
    assert "符合条件" in html and "压力容器制造" in html
    response = client.post(url("approve", application), {"comment": "准予许可", "confirmed": "on"})
    assert response.status_code == 302
    assert refresh(application).state == S.APPROVED
    license = License.objects.get(application=application)
    assert license.number in html_of(client.get(response.url))
    kinds = set(application.documents.values_list("kind", flat=True))
    assert {DocumentKind.LICENSE_DECISION, DocumentKind.LICENSE} <= kinds


def test_deny_needs_reasons(client, parties):
    application = application_in(S.REVIEWED, parties)
    client.force_login(parties.authority)
    assert client.post(url("deny", application), {"reasons": " "}).status_code == 400
    response = client.post(url("deny", application), {"reasons": "评审结论不符合条件", "confirmed": "on"})
    assert response.status_code == 302
    assert refresh(application).state == S.DENIED
    assert application.documents.filter(kind=DocumentKind.DENIAL_DECISION).exists()


# --- the review body's actions --------------------------------------------------------------------


def test_the_review_body_proposes_and_then_agrees_a_date(client, parties):
    application = application_in(S.ACCEPTED, parties)
    client.force_login(parties.review_body)
    response = client.post(
        url("propose_review_dates", application),
        {"date_1": f"{future(15):%Y-%m-%d}", "date_2": f"{future(16):%Y-%m-%d}", "comment": "请确认"},
    )
    assert response.status_code == 302
    proposal = application.review_proposals.get()
    assert proposal.side == ProposalSide.REVIEW_BODY and proposal.dates == [
        f"{future(15):%Y-%m-%d}",
        f"{future(16):%Y-%m-%d}",
    ]
    # The review body cannot confirm its own proposal.
    response = client.get(url("agree_review_date", application), follow=True)
    assert "您现在不能执行“确认鉴定评审时间”" in html_of(response)

    actions.propose_review_dates(application, parties.applicant, [future(30), future(31)], "另行提议")
    html = html_of(client.get(url("agree_review_date", application)))
    assert f"{future(31):%Y-%m-%d}" in html
    response = client.post(url("agree_review_date", application), {"day": f"{future(31):%Y-%m-%d}"})
    assert response.status_code == 302
    application = refresh(application)
    assert application.state == S.REVIEW_SCHEDULED and application.review_date == future(31)
    assert application.review_proposals.get(side=ProposalSide.APPLICANT).status == ProposalStatus.AGREED


def test_proposed_dates_must_be_in_the_future(client, parties):
    application = application_in(S.ACCEPTED, parties)
    client.force_login(parties.review_body)
    response = client.post(url("propose_review_dates", application), {"date_1": f"{timezone.localdate():%Y-%m-%d}"})
    assert response.status_code == 400 and "提议的鉴定评审日期须晚于今天。" in html_of(response)
    assert not application.review_proposals.exists()


def test_the_review_report_with_its_files(client, parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    client.force_login(parties.review_body)
    assert client.get(url("submit_review_report", application)).status_code == 200
    data = {
        "reviewed_from": f"{future(20):%Y-%m-%d}",
        "reviewed_to": f"{future(21):%Y-%m-%d}",
        "conclusion": ReviewConclusion.QUALIFIED_AFTER_RECTIFICATION,
        "summary": "整改后符合条件",
        "confirmed": "on",
    }
    response = client.post(url("submit_review_report", application), {**data, "report_file": upload("报告.pdf", PNG)})
    assert response.status_code == 400 and "文件扩展名（.pdf）与文件实际内容（PNG）不符" in html_of(response)
    assert refresh(application).state == S.REVIEW_SCHEDULED

    response = client.post(
        url("submit_review_report", application),
        {
            **data,
            "report_file": upload("评审报告.pdf", PDF),
            "materials": [upload("备忘录.pdf", PDF), upload("整改照片.png", PNG)],
        },
    )
    assert response.status_code == 302
    application = refresh(application)
    assert application.state == S.REVIEWED
    report = application.review_report
    assert report.conclusion == ReviewConclusion.QUALIFIED_AFTER_RECTIFICATION
    files = sorted(report.files.values_list("kind", "original_name", "content_type"))
    assert files == [
        (ReviewFileKind.MATERIAL, "备忘录.pdf", "application/pdf"),
        (ReviewFileKind.MATERIAL, "整改照片.png", "image/png"),
        (ReviewFileKind.REPORT, "评审报告.pdf", "application/pdf"),
    ]


def test_the_review_report_needs_its_file(client, parties):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    client.force_login(parties.review_body)
    response = client.post(
        url("submit_review_report", application),
        {
            "reviewed_from": f"{future(21):%Y-%m-%d}",
            "reviewed_to": f"{future(20):%Y-%m-%d}",
            "conclusion": ReviewConclusion.QUALIFIED,
            "summary": "符合条件",
        },
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "请上传评审报告（PDF 文件）。" in html and "评审结束日期不能早于开始日期。" in html


# --- queue: filters, search, export, query counts -------------------------------------------------


def test_filters_and_search(client, parties):
    late = application_in(S.SUBMITTED, parties)
    Application.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    accepted = application_in(S.ACCEPTED, parties)
    client.force_login(parties.authority)

    html = html_of(client.get(INDEX, {"overdue": "yes"}))
    assert late.reference in html and accepted.reference not in html
    html = html_of(client.get(INDEX, {"overdue": "no"}))
    assert late.reference not in html and accepted.reference in html
    html = html_of(client.get(INDEX, {"state": S.ACCEPTED}))
    assert late.reference not in html and accepted.reference in html
    html = html_of(client.get(INDEX, {"review_body": parties.review_body_org.pk}))
    assert late.reference not in html and accepted.reference in html
    today = f"{timezone.localdate():%Y-%m-%d}"
    html = html_of(client.get(INDEX, {"submitted_at_from": today, "submitted_at_to": today}))
    assert late.reference in html and accepted.reference in html
    html = html_of(client.get(INDEX, {"submitted_at_from": "2000-01-01", "submitted_at_to": "2000-01-31"}))
    assert late.reference not in html
    html = html_of(client.get(INDEX, {"q": accepted.reference}))
    assert late.reference not in html and accepted.reference in html
    assert late.reference in html_of(client.get(INDEX, {"q": parties.applicant.organisation.name}))
    # The search box refreshes the results only (Wagtail's w-swap), through the results URL.
    response = client.get(reverse("licensing:index_results"), {"q": accepted.reference})
    assert response.status_code == 200 and accepted.reference in html_of(response)
    assert late.reference not in html_of(response)


def test_csv_and_xlsx_export(client, parties):
    application = application_in(S.ACCEPTED, parties)
    other = jiangsu_application(parties)
    client.force_login(parties.authority)
    response = client.get(INDEX, {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    assert "申请编号" in content and "办理期限" in content
    assert application.reference in content and "中国特种设备检测研究院" in content
    assert other.reference not in content
    response = client.get(INDEX, {"export": "xlsx"})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]


def jiangsu_application(parties):
    """An application of an enterprise in Jiangsu: Jiangsu's bureau decides it, not Beijing's."""
    user = UserFactory(organisation=OrganisationFactory(region=Region.objects.get(code="320102")))
    draft = fill_completely(ApplicationFactory(user=user, levels=[parties.catalogue["D"]]))
    return services.submit_application(draft, user)


def submitted_applications(parties, count):
    for _index in range(count):
        application_in(S.SUBMITTED, parties)


def test_the_queue_and_the_detail_page_do_not_query_per_application(client, parties, django_assert_max_num_queries):
    accepted = application_in(S.ACCEPTED, parties)
    submitted_applications(parties, 4)
    client.force_login(parties.authority)
    client.get(INDEX)  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as index_five:
        html = html_of(client.get(INDEX))
    assert html.count("TSXK") >= 5
    with CaptureQueriesContext(connection) as detail_five:
        client.get(url("detail", accepted))

    submitted_applications(parties, 20)
    with django_assert_max_num_queries(len(index_five)):
        html = html_of(client.get(INDEX))
    assert Application.objects.exclude(state=S.DRAFT).count() == 25
    assert accepted.reference in html
    with django_assert_max_num_queries(len(detail_five)):
        client.get(url("detail", accepted))
    with django_assert_max_num_queries(len(index_five)):
        response = client.get(INDEX, {"export": "csv"})
        assert b"".join(response.streaming_content).decode().count("TSXK") == 25


def test_the_group_editor_offers_no_application_permissions(client):
    root = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.get(reverse("wagtailusers_groups:add"))
    assert response.status_code == 200
    assert "process_application" not in html_of(response)
