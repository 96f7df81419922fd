"""评审反馈表 (guide 1.6): the configured form on one screen, checked, submitted once, printed."""

import pytest
from django.urls import reverse

from tests.support.builders import field, make_catalogue, make_form_schema, page
from tests.support.pdf import body_text
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import feedback
from workflows.models import ApplicationEvent, ApplicationState, DocumentKind, ReviewFeedback, WorkflowSettings

pytestmark = pytest.mark.django_db

S = ApplicationState

FEEDBACK_PAGES = [
    page(
        "评审组工作情况",
        "work",
        [
            field("radio", "总体评价", "overall", choices=["满意", "基本满意", "不满意"]),
            field("multiline", "不满意的原因", "why_not", show_when={"field": "overall", "value": "不满意"}),
        ],
    ),
    page(
        "意见和建议",
        "advice",
        [
            field("multiline", "意见和建议", "suggestions", required=False),
            field("singleline", "填表人", "respondent"),
        ],
    ),
]


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def configured():
    schema = make_form_schema(FEEDBACK_PAGES, title="鉴定评审反馈表")
    settings = WorkflowSettings.load()
    settings.feedback_form = schema
    settings.save()
    return schema


@pytest.fixture
def reviewed(parties):
    return application_in(S.REVIEWED, parties)


@pytest.fixture
def applicant_client(client, parties):
    client.force_login(parties.applicant)
    return client


def url(application):
    return reverse("applications:feedback", args=[application.uuid])


def test_the_form_shows_every_page_on_one_screen(applicant_client, configured, reviewed):
    response = applicant_client.get(url(reviewed))
    assert response.status_code == 200
    html = response.content.decode()
    assert "鉴定评审反馈表" in html
    assert "评审组工作情况" in html and "意见和建议" in html
    assert 'name="f-overall"' in html and 'name="f-respondent"' in html and 'name="f-suggestions"' in html
    # The conditional field is there for the script, hidden until 不满意 is chosen.
    assert 'data-show-when-field="f-overall"' in html


def test_missing_answers_are_shown_and_nothing_is_submitted(applicant_client, configured, reviewed):
    response = applicant_client.post(url(reviewed), {"f-overall": "不满意"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "评审反馈表还有未填写或填写有误的内容" in html
    assert "请填写填表人。" in html and "请填写不满意的原因。" in html
    assert not ReviewFeedback.objects.exists()


def test_submitting_stores_the_answers_with_the_frozen_form_and_issues_the_pdf(
    applicant_client, parties, configured, reviewed
):
    response = applicant_client.post(
        url(reviewed), {"f-overall": "基本满意", "f-suggestions": "希望提前告知评审组名单", "f-respondent": "李华"}
    )
    assert response.status_code == 302
    assert response.url == reverse("applications:detail", args=[reviewed.uuid])
    answers = ReviewFeedback.objects.get(application=reviewed)
    assert answers.data["overall"] == "基本满意" and answers.data["respondent"] == "李华"
    assert answers.schema_version.schema == configured
    assert answers.submitted_by == parties.applicant
    assert refresh(reviewed).state == S.REVIEWED  # feedback does not change the state
    assert ApplicationEvent.objects.filter(application=reviewed, transition="submit_feedback").exists()
    document = reviewed.documents.get(kind=DocumentKind.REVIEW_FEEDBACK)
    text = body_text(document.read())
    assert "基本满意" in text and "李华" in text
    html = applicant_client.get(response.url).content.decode()
    assert "评审反馈表已提交。" in html
    assert reverse("applications:document", args=[document.uuid]) in html
    # Once only.
    again = applicant_client.get(url(reviewed))
    assert again.status_code == 409 and "不能“提交评审反馈表”" in again.content.decode()
    assert applicant_client.post(url(reviewed), {"f-overall": "满意", "f-respondent": "x"}).status_code == 409
    assert ReviewFeedback.objects.count() == 1


def test_an_edited_form_does_not_change_the_version_answers_belong_to(applicant_client, configured, reviewed):
    version = feedback.feedback_version()
    applicant_client.post(url(reviewed), {"f-overall": "满意", "f-respondent": "李华"})
    assert ReviewFeedback.objects.get().schema_version == version


def test_without_a_configured_form_the_page_says_so(applicant_client, reviewed):
    response = applicant_client.get(url(reviewed))
    assert response.status_code == 200
    assert "评审反馈表尚未配置，请联系审批机关。" in response.content.decode()
    response = applicant_client.post(url(reviewed), {"f-overall": "满意"})
    assert response.status_code == 409
    assert "评审反馈表尚未配置，请联系审批机关。" in response.content.decode()
    assert not ReviewFeedback.objects.exists()


def test_an_unpublished_form_counts_as_not_configured(applicant_client, reviewed):
    settings = WorkflowSettings.load()
    schema = make_form_schema(FEEDBACK_PAGES)
    schema.unpublish()  # what an editor's "取消发布" does
    settings.feedback_form = schema
    settings.save()
    response = applicant_client.get(url(reviewed))
    assert "评审反馈表尚未配置，请联系审批机关。" in response.content.decode()


def test_feedback_before_the_review_report_is_refused(applicant_client, parties, configured):
    application = application_in(S.REVIEW_SCHEDULED, parties)
    response = applicant_client.get(url(application))
    assert response.status_code == 409
    response = applicant_client.post(url(application), {"f-overall": "满意", "f-respondent": "李华"})
    assert response.status_code == 409
    assert not ReviewFeedback.objects.exists()


def test_the_detail_page_offers_the_feedback_form_after_the_report(applicant_client, configured, reviewed):
    html = applicant_client.get(reverse("applications:detail", args=[reviewed.uuid])).content.decode()
    assert url(reviewed) in html and "填写评审反馈表" in html
