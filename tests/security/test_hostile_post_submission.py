"""Hostile text through the applicant's forms after submission, over HTTP:

- 协商鉴定评审时间: confirm one of the review body's dates, or propose others with a note;
- 评审反馈表: the form editors configure in 办理设置, one of plain text fields and one of every
  field type;
- 补齐补正: only the flagged fields, saved and resubmitted;
- 撤回申请, with its reason.

The same strings and checks as tests/security/test_hostile_input.py (SQL, script tags, very long
strings, control characters, full-width characters, emoji): never a server error; a refusal
says why in Chinese; what was accepted comes back as text in the applicant's pages and the staff
detail page, and is printed literally (never interpreted as markup) in the 评审反馈表 and in the
printed application after a correction. Each example runs in a transaction that is rolled back,
on a world built once per test.
"""

import pytest
from django.urls import reverse
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.support.bad_files import MARKER
from tests.support.builders import field, make_catalogue, make_form_schema, page, simple_pages
from tests.support.field_types import all_fields, post_names
from tests.support.hostile import (
    CHINESE,
    FIXED_HOSTILE,
    PAYLOADS,
    POST_SUBMISSION_PROPERTIES,
    assert_chinese_errors,
    assert_clean,
    assert_literal_or_absent,
    compact,
    date_or_junk,
    examples,
    hostile_text,
    pdf_text,
    rolled_back,
)
from tests.support.workflow_builders import application_in, future, make_parties, refresh
from workflows import actions
from workflows.models import ApplicationState, DocumentKind, ReviewFeedback, WorkflowSettings

pytestmark = pytest.mark.django_db

S = ApplicationState


def post_submission_examples(property_name):
    # The hostile-input suite's settings (deadline, health checks), with this property's count.
    return settings(examples("staff action forms"), max_examples=POST_SUBMISSION_PROPERTIES[property_name])


# A control the form does not expect to be free text gets a valid value half of the time, so
# that both the refusal and the acceptance are exercised.
def sometimes(*valid):
    return st.booleans().flatmap(lambda hostile: hostile_text if hostile else st.sampled_from(valid))


@pytest.fixture
def parties():
    return make_parties(make_catalogue(make_form_schema(simple_pages())))


def applicant_pages(client, parties, application, *more):
    """The applicant's pages that show the application (and `more` of them: the action's own page,
    which may now refuse with 409), then the staff detail page for the authority and, once it is
    entrusted, the review body: none turns a payload into markup."""
    client.force_login(parties.applicant)
    urls = [reverse("applications:detail", args=[application.uuid]), reverse("applications:list"), *more]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 or (url in more and response.status_code == 409), (url, response)
        assert_clean(response, url)
    for staff, shown in ((parties.authority, True), (parties.review_body, application.review_body_id is not None)):
        client.force_login(staff)
        response = client.get(reverse("licensing:detail", args=[application.pk]))
        assert response.status_code == (200 if shown else 404), (staff, response.status_code)
        assert_clean(response, staff)
    client.force_login(parties.applicant)


def payloads_in(values):
    return [payload for value in values for payload in PAYLOADS if isinstance(value, str) and payload in value]


def assert_printed_as_text(pdf, values):
    """Every payload among `values` is printed as the very text it is, or not at all; returns
    those that were printed.

    Several payloads may go in at once and only some be kept (a single-line field posted twice
    keeps the last value): every trace of the marker in the text must belong to a payload
    printed whole."""
    if len(values) <= 1:
        return [payload for payload in payloads_in(values) if assert_literal_or_absent(pdf, payload)]
    text = pdf_text(pdf)
    printed = [payload for payload in payloads_in(values) if compact(payload) in text]
    for payload in sorted(printed, key=len, reverse=True):
        text = text.replace(compact(payload), "")
    assert f"alert({MARKER})" not in text, text[:2000]
    return printed


# --- 协商鉴定评审时间 -----------------------------------------------------------------------------


@pytest.fixture
def proposed(parties):
    """Accepted, with the review body's proposal open: the applicant may confirm or counter."""
    application = application_in(S.ACCEPTED, parties)
    actions.propose_review_dates(application, parties.review_body, [future(15), future(16)], "请任选一天")
    return refresh(application)


def review_date_posts():
    agree = st.fixed_dictionaries(
        {"action": st.just("agree"), "date": sometimes(f"{future(15):%Y-%m-%d}", f"{future(16):%Y-%m-%d}")}
    )

    def proposal(action, days, junk_in, junk, comment):
        values = {"action": action, "comment": comment}
        values.update({f"date_{n}": f"{future(day):%Y-%m-%d}" for n, day in enumerate(days, start=1)})
        if junk_in is not None:
            values[junk_in] = junk
        return values

    # Hostile text in the comment always, and in at most one date field (date_or_junk's chance
    # of junk in one of three would leave hardly any proposal accepted).
    propose = st.builds(
        proposal,
        sometimes("propose"),
        st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=3),
        st.sampled_from([None, "date_1", "date_2", "date_3"]),
        date_or_junk(),
        hostile_text,
    )
    return st.one_of(agree, propose)


@post_submission_examples("review date")
@given(values=review_date_posts())
def test_the_review_date_form_survives_hostile_text(client, parties, proposed, values):
    url = reverse("applications:review_date", args=[proposed.uuid])

    def attempt():
        client.force_login(parties.applicant)
        response = client.post(url, values)
        assert_clean(response, values)
        assert response.status_code in (302, 400), response.status_code
        kind = "agree" if values["action"] == "agree" else "propose"
        if response.status_code == 400:
            form = response.context[f"{kind}_form"]
            assert form.errors, values
            event(f"{kind} → 400 ({', '.join(sorted(form.errors))})")
            assert_chinese_errors(form)
            return
        event(f"{kind} → {response.status_code}")
        application = refresh(proposed)
        if values["action"] == "agree":
            assert application.state == S.REVIEW_SCHEDULED
        else:
            assert application.open_proposal().comment == values["comment"].strip()
        applicant_pages(client, parties, application, url)
        # The review body answers the applicant's proposal on its own form.
        client.force_login(parties.review_body)
        answer = client.get(reverse("licensing:agree_review_date", args=[application.pk]))
        assert answer.status_code < 500
        assert_clean(answer)

    rolled_back(attempt)


@pytest.mark.parametrize(
    "junk",
    [
        "明天",
        "2026-02-30",
        "0000-00-00",
        "9999-99-99",
        "1 OR 1=1",
        PAYLOADS[0],
        "\x00",
        "２０３０－０１－０１",
        "x" * 100_000,
    ],
    ids=lambda v: repr(v)[:24],
)
def test_junk_in_a_review_date_is_a_form_error(client, parties, proposed, junk):
    client.force_login(parties.applicant)
    url = reverse("applications:review_date", args=[proposed.uuid])
    for data, form_name in (
        ({"action": "propose", "date_1": junk}, "propose_form"),
        ({"action": "propose", "date_1": f"{future(20):%Y-%m-%d}", "date_3": junk}, "propose_form"),
        ({"action": "agree", "date": junk}, "agree_form"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert_clean(response)
        assert response.context[form_name].errors
        assert_chinese_errors(response.context[form_name])
    assert refresh(proposed).review_proposals.count() == 1


# --- 评审反馈表 -------------------------------------------------------------------------------------

TEXT_FEEDBACK = [
    page(
        "评审组工作情况",
        "work",
        [
            field("radio", "总体评价", "overall", choices=["满意", "基本满意", "不满意"]),
            field("singleline", "评审组组长", "leader", required=False),
            field("multiline", "评价说明", "remarks", required=False),
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
TEXT_FEEDBACK_KEYS = ["leader", "remarks", "suggestions", "respondent"]


def configure_feedback(pages):
    feedback_settings = WorkflowSettings.load()
    feedback_settings.feedback_form = make_form_schema(pages, title="鉴定评审反馈表")
    feedback_settings.save()


@pytest.fixture
def text_feedback():
    configure_feedback(TEXT_FEEDBACK)


@pytest.fixture
def every_type_feedback():
    optional = [{**spec, "value": {**spec["value"], "required": False}} for spec in all_fields()]
    configure_feedback([page("全部字段类型", "all", optional)])


def stored(raw):
    # What the field types keep of a typed value (forms_config: stripped, then without NUL).
    return raw.strip().replace("\x00", "")


@pytest.fixture
def reviewed(parties):
    return application_in(S.REVIEWED, parties)


def feedback_attempt(client, parties, application, post):
    """Posts the feedback: (the keys the form found wrong, the issued PDF if it was accepted).
    When it was accepted, checks the pages."""
    client.force_login(parties.applicant)
    url = reverse("applications:feedback", args=[application.uuid])
    response = client.post(url, post)
    assert_clean(response, post)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert "评审反馈表还有未填写或填写有误的内容" in response.content.decode()
        fields = [f for section in response.context["sections"] for f in section["fields"]]
        for wrong in fields:
            for message in wrong["errors"]:
                assert CHINESE.search(message), (wrong["spec"].key, message)
        return sorted(f["spec"].key for f in fields if f["errors"]), None
    assert ReviewFeedback.objects.filter(application=application).exists()
    applicant_pages(client, parties, application, url)
    document = application.documents.get(kind=DocumentKind.REVIEW_FEEDBACK)
    client.force_login(parties.applicant)
    download = client.get(reverse("applications:document", args=[document.uuid]))
    assert download.status_code == 200
    return [], document.read()


@post_submission_examples("feedback")
@given(
    values=st.fixed_dictionaries(
        {
            "f-overall": sometimes("满意", "基本满意", "不满意"),
            **{f"f-{key}": hostile_text for key in TEXT_FEEDBACK_KEYS},
        }
    )
)
def test_the_feedback_form_survives_hostile_text(client, parties, reviewed, text_feedback, values):

    def attempt():
        wrong, pdf = feedback_attempt(client, parties, reviewed, values)
        event(f"feedback → {'400 (' + ', '.join(wrong) + ')' if pdf is None else 302}")
        if pdf is not None:
            answers = ReviewFeedback.objects.get(application=reviewed).data
            assert answers["respondent"] == stored(values["f-respondent"])
            assert_printed_as_text(pdf, answers.values())

    rolled_back(attempt)


@post_submission_examples("feedback of every field type")
@given(pairs=st.dictionaries(st.sampled_from(post_names()), st.lists(hostile_text, min_size=1, max_size=2), max_size=8))
def test_a_feedback_form_of_every_field_type_survives_hostile_text(
    client, parties, reviewed, every_type_feedback, pairs
):
    """An editor may build the feedback form from any field type (file fields are left out)."""

    def attempt():
        wrong, pdf = feedback_attempt(client, parties, reviewed, pairs)
        event(f"feedback → {'400' if pdf is None else 302}")
        if pdf is not None:
            assert_printed_as_text(pdf, [v for values in pairs.values() for v in values])

    rolled_back(attempt)


@pytest.mark.parametrize("value", FIXED_HOSTILE, ids=lambda v: repr(v)[:24])
def test_a_fixed_hostile_string_in_every_feedback_field_is_printed_as_text(
    client, parties, reviewed, text_feedback, value
):
    post = {"f-overall": "满意", **{f"f-{key}": value for key in TEXT_FEEDBACK_KEYS}}
    wrong, pdf = feedback_attempt(client, parties, reviewed, post)
    if stored(value) == "":
        assert wrong == ["respondent"]  # blank: 填表人 is required, and the form said so
    elif len(stored(value)) > 200:
        assert "respondent" in wrong and "leader" in wrong  # beyond the 200 characters of a single line
    else:
        assert pdf is not None, wrong
        if value in PAYLOADS:
            assert assert_printed_as_text(pdf, [value]) == payloads_in([value])


@pytest.mark.parametrize("letter", ["x", "长", "😀"])
def test_feedback_fields_filled_to_their_limit_with_one_word_are_printed(
    client, parties, reviewed, text_feedback, letter
):
    """The longest answers the fields take (200 characters on a line, 5000 in a paragraph), as
    one unbroken word: the 评审反馈表 lays them out (xhtml2pdf failed on such words in decisions)."""
    post = {
        "f-overall": "满意",
        "f-leader": letter * 200,
        "f-respondent": letter * 200,
        "f-remarks": letter * 5000,
        "f-suggestions": PAYLOADS[0] + letter * 4900,
    }
    wrong, pdf = feedback_attempt(client, parties, reviewed, post)
    assert wrong == [] and pdf is not None
    assert assert_printed_as_text(pdf, [post["f-suggestions"]]) == [PAYLOADS[0]]


# --- 补齐补正 ---------------------------------------------------------------------------------------

CORRECTED_KEYS = ["qi_ye_ming_cheng", "fa_ding_dai_biao_ren", "quality_system"]


@pytest.fixture
def flagged(parties):
    """A 补正告知书 that flags the first page and the quality field: every text field is editable."""
    application = application_in(S.SUBMITTED, parties)
    items = [
        {"target": "page", "key": "basic", "label": "申请单位基本情况", "page_number": 1, "comment": "请核对"},
        {
            "target": "field",
            "key": "quality_system",
            "label": "质量保证体系说明",
            "page_number": 2,
            "comment": "请补充",
        },
    ]
    actions.request_correction(application, parties.authority, items, "请一次性补正")
    return refresh(application)


@post_submission_examples("correction")
@given(
    values=st.fixed_dictionaries(
        {"action": sometimes("save", "resubmit"), **{f"f-{key}": hostile_text for key in CORRECTED_KEYS}}
    )
)
def test_the_correction_form_survives_hostile_text(client, parties, flagged, values):
    url = reverse("applications:correction", args=[flagged.uuid])

    def attempt():
        client.force_login(parties.applicant)
        response = client.post(url, values)
        assert_clean(response, values)
        assert response.status_code in (302, 400), response.status_code
        application = refresh(flagged)
        event(f"correction → {response.status_code}, {application.state}")
        # Stored as typed (like a draft: nothing typed is lost), even when resubmission was refused.
        for key in CORRECTED_KEYS:
            assert application.data[key] == stored(values[f"f-{key}"])
        if response.status_code == 400:
            assert "补正内容还有未填写或填写有误的地方" in response.content.decode()
            assert application.state == S.CORRECTION_REQUESTED
        applicant_pages(client, parties, application, url)
        if application.state != S.SUBMITTED:
            return
        # Resubmitted: the officer prints the application as corrected.
        client.force_login(parties.authority)
        printed = client.get(reverse("licensing:print", args=[application.pk]))
        assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
        assert_printed_as_text(printed.content, application.data.values())

    rolled_back(attempt)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda v: v[:20])
def test_a_corrected_payload_is_text_in_the_changes_and_the_printed_application(client, parties, flagged, payload):
    client.force_login(parties.applicant)
    url = reverse("applications:correction", args=[flagged.uuid])
    post = {"action": "resubmit", **{f"f-{key}": "某某" + payload for key in CORRECTED_KEYS}}
    assert client.post(url, post).status_code == 302
    application = refresh(flagged)
    assert application.state == S.SUBMITTED
    assert application.correction_notice.changes[0]["after"] == "某某" + payload
    applicant_pages(client, parties, application)
    client.force_login(parties.authority)
    printed = client.get(reverse("licensing:print", args=[application.pk]))
    assert printed.status_code == 200
    assert assert_printed_as_text(printed.content, [payload]) == payloads_in([payload])


# --- 撤回申请 ---------------------------------------------------------------------------------------


@pytest.fixture
def submitted(parties):
    return application_in(S.SUBMITTED, parties)


@post_submission_examples("withdraw")
@given(reason=hostile_text)
def test_the_withdraw_form_survives_hostile_text(client, parties, submitted, reason):
    application = submitted

    def attempt():
        client.force_login(parties.applicant)
        response = client.post(reverse("applications:withdraw", args=[application.uuid]), {"reason": reason})
        assert_clean(response, reason)
        assert response.status_code in (302, 400), response.status_code
        event(f"withdraw → {response.status_code}")
        if response.status_code == 400:
            assert_chinese_errors(response.context["form"])
            assert refresh(application).state == S.SUBMITTED
            return
        withdrawn = refresh(application)
        assert withdrawn.state == S.WITHDRAWN
        assert withdrawn.events.get(transition="withdraw").comment == reason.strip()
        applicant_pages(client, parties, withdrawn)

    rolled_back(attempt)


@pytest.mark.parametrize("reason", FIXED_HOSTILE, ids=lambda v: repr(v)[:24])
def test_a_fixed_hostile_withdrawal_reason_is_refused_or_kept_as_text(client, parties, submitted, reason):
    client.force_login(parties.applicant)
    response = client.post(reverse("applications:withdraw", args=[submitted.uuid]), {"reason": reason})
    assert_clean(response)
    if "\x00" in reason or len(reason) > 1000:
        # Django's CharField refuses NUL; the reason has at most 1000 characters.
        assert response.status_code == 400
        assert_chinese_errors(response.context["form"])
        assert refresh(submitted).state == S.SUBMITTED
        return
    assert response.status_code == 302
    assert submitted.events.get(transition="withdraw").comment == reason.strip()
    applicant_pages(client, parties, refresh(submitted))


def test_a_withdrawal_reason_with_script_is_text_for_the_staff(client, parties):
    application = application_in(S.SUBMITTED, parties)
    reason = "\n".join(PAYLOADS)[:1000]
    client.force_login(parties.applicant)
    response = client.post(reverse("applications:withdraw", args=[application.uuid]), {"reason": reason})
    assert response.status_code == 302
    client.force_login(parties.authority)
    detail = client.get(reverse("licensing:detail", args=[application.pk]))
    assert detail.status_code == 200
    assert_clean(detail)
    assert f"&lt;script&gt;alert({MARKER})&lt;/script&gt;" in detail.content.decode()
