"""Hostile text (SQL, script tags, very long strings, control characters including NUL, full-width
characters, emoji, RTL marks) through every door a person types into, over HTTP:

- every field of the three registration forms (个人 / 企业 / 机构注册);
- every field type of the application form, through the form page, autosave, the check page and
  the printed page (PDF);
- every staff action form of 许可申请办理 (受理, 补正, 不予受理, 提议/确认评审日期, 评审报告, 准予/不予许可).

The answer is never a server error, and a stored value comes back as text: escaped in every HTML
page that shows it (the applicant's pages, the staff detail page, the admin's 单位管理) and printed
literally (or not at all) in the PDFs, never interpreted as markup. Every injection payload
carries bad_files.MARKER so `executable_payloads` can tell it from the page's own scripts.

tests/forms_config/test_field_junk.py feeds junk to the field types' Python API; this file goes
through the views and templates around them.
"""

import itertools
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from tests.support.accounts import enterprise_data, individual_data, sms_code_for
from tests.support.bad_files import PDF
from tests.support.builders import ApplicationFactory, make_catalogue, make_form_schema, page, simple_pages
from tests.support.factories import UserFactory
from tests.support.field_types import all_fields, post_names
from tests.support.hostile import (
    FIXED_HOSTILE,
    PAYLOADS,
    any_text,
    assert_chinese_errors,
    assert_clean,
    assert_literal_or_absent,
    date_or_junk,
    examples,
    hostile_text,
    rolled_back,
)
from tests.support.workflow_builders import application_in, future, make_parties, refresh
from workflows import actions, services
from workflows.models import ApplicationState, ReviewConclusion

pytestmark = pytest.mark.django_db

S = ApplicationState
User = get_user_model()


# The fixed strings that are also printed to PDF: markup, control characters, very long text,
# emoji and bidirectional marks are what could break or fool xhtml2pdf.
PRINTED = PAYLOADS + [
    s for s in FIXED_HOSTILE if len(s) > 1000 or re.search(r"[\x00-\x1f\x7f-\x9f\u200b-\u202e\U0001f300-\U0001faff]", s)
]


# What the staff forms get: the same, without the very long strings that no issued document
# can print yet (pinned by test_a_very_long_reason_in_a_decision_is_not_a_server_error).
document_text = st.one_of(
    st.sampled_from([s for s in FIXED_HOSTILE if len(s) < 10_000]),
    any_text,
    st.builds(lambda before, payload, after: before + payload + after, any_text, st.sampled_from(PAYLOADS), any_text),
)

_numbers = itertools.count(100)


# --- registration --------------------------------------------------------------------------------

REGISTRATION = {
    "individual": individual_data,
    "enterprise": enterprise_data,
    "institution": lambda n: enterprise_data(n, institution_type="public_institution"),
}
REGISTRATION_FIELDS = {
    "individual": sorted(individual_data(1)),
    "enterprise": sorted(enterprise_data(1)) + ["business_licence_token"],
    "institution": sorted(enterprise_data(1)) + ["institution_type", "business_licence_token"],
}


def registration_post(client, kind, field, value):
    n = next(_numbers)
    cache.clear()  # SMS and registration rate limits belong to other tests
    data = REGISTRATION[kind](n)
    data["sms_code"] = sms_code_for(data["mobile"])
    data[field] = value
    return client.post(reverse(f"accounts:register_{kind}"), data, REMOTE_ADDR=f"10.9.{n % 250}.{n // 250 % 250}")


@examples("registration")
@given(
    st.sampled_from(sorted(REGISTRATION)).flatmap(
        lambda kind: st.tuples(st.just(kind), st.sampled_from(REGISTRATION_FIELDS[kind]), hostile_text)
    )
)
def test_registration_survives_hostile_text_in_any_field(client, drawn):
    kind, field, value = drawn
    response = registration_post(client, kind, field, value)
    assert_clean(response, drawn)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert_chinese_errors(response.context["form"])


def test_stored_registration_values_are_escaped_in_the_admin_and_the_form(client):
    """Names, addresses and contacts that registration accepts as they are, shown to staff and
    prefilled into the application form."""
    superuser = UserFactory(username="root9999", organisation=None, is_staff=True, is_superuser=True)
    catalogue = make_catalogue(make_form_schema(simple_pages()))
    for payload in PAYLOADS[:4]:
        # The free-text fields take it as it is.
        n = next(_numbers)
        cache.clear()
        data = enterprise_data(
            n,
            name="某某" + payload[:80] + "有限公司",
            address=payload,
            contact_name=payload[:50],
            # Beijing: the catalogue's provincial level is decided by the Beijing bureau.
            province="110000",
            city="110100",
            county="110105",
        )
        data["sms_code"] = sms_code_for(data["mobile"])
        response = client.post(reverse("accounts:register_enterprise"), data, REMOTE_ADDR=f"10.8.{n % 250}.1")
        assert response.status_code == 302, response.context["form"].errors
        user = User.objects.get(username=data["username"])
        organisation = user.organisation
        assert organisation.address == payload

        client.force_login(superuser)
        for url in (
            reverse("accounts_applicants:index"),
            reverse("accounts_applicants:index") + "?q=" + payload[:20],
            reverse("accounts_applicants:edit", args=[organisation.pk]),
        ):
            assert_clean(client.get(url), url)
        client.force_login(user)
        assert_clean(client.get(reverse("my_services")))
        draft = ApplicationFactory(user=user, levels=[catalogue["D"]])
        form_page = client.get(reverse("applications:page", args=[draft.uuid, 1]))
        assert form_page.status_code == 200
        assert_clean(form_page)
        assert_clean(client.get(reverse("applications:check", args=[draft.uuid])))
        printed = client.get(reverse("applications:print_page", args=[draft.uuid, 1]))
        assert printed.status_code == 200
        assert_literal_or_absent(printed.content, organisation.name)
        client.logout()


# NUL (\u0000) is dropped from raw form values (forms_config.schema.without_nul): PostgreSQL's jsonb
# refuses it, and it used to be a 500 there.


# --- the application form: every field type -------------------------------------------------------


@pytest.fixture
def every_type_draft():
    form = make_form_schema([page("全部字段类型", "all", all_fields())])
    user = UserFactory()
    return ApplicationFactory(user=user, levels=[make_catalogue(form)["D"]]), user


@examples("application form page")
@given(
    st.dictionaries(st.sampled_from(post_names()), st.lists(hostile_text, min_size=1, max_size=2), max_size=8),
    st.sampled_from(["save", "next", "check"]),
)
def test_every_field_type_survives_hostile_text(client, every_type_draft, pairs, action):
    application, user = every_type_draft
    client.force_login(user)
    page_url = reverse("applications:page", args=[application.uuid, 1])
    response = client.post(page_url, {**pairs, "action": action})
    assert_clean(response, pairs)
    assert response.status_code in (200, 302, 400)
    autosave = client.post(reverse("applications:autosave", args=[application.uuid, 1]), pairs)
    assert autosave.status_code == 200 and autosave.json()["ok"] is True
    shown = client.get(page_url + "?errors=1")
    assert shown.status_code == 200
    assert_clean(shown, pairs)
    check = client.get(reverse("applications:check", args=[application.uuid]))
    assert check.status_code == 200
    assert_clean(check, pairs)


@pytest.mark.parametrize("value", FIXED_HOSTILE, ids=lambda v: repr(v)[:24])
def test_every_field_type_with_a_fixed_hostile_string_prints_it_as_text(client, every_type_draft, value):
    application, user = every_type_draft
    client.force_login(user)
    page_url = reverse("applications:page", args=[application.uuid, 1])
    pairs = {name: value for name in post_names()}
    pairs["f-k_table-TOTAL"] = "3"
    response = client.post(page_url, {**pairs, "action": "save"})
    assert_clean(response)
    for url in (page_url + "?errors=1", reverse("applications:check", args=[application.uuid])):
        shown = client.get(url)
        assert shown.status_code == 200
        assert_clean(shown, url)
    if value not in PRINTED:
        return  # SQL and template syntax mean nothing to a PDF; the HTML pages were the point
    printed = client.get(reverse("applications:print_page", args=[application.uuid, 1]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    if value in PAYLOADS:
        # The text fields took the payload as it is, and the PDF prints it literally.
        assert assert_literal_or_absent(printed.content, value), value
    else:
        assert_literal_or_absent(printed.content, value)


# --- a stored value through to the staff detail page and the printed application ----------------


@pytest.fixture
def parties():
    return make_parties(make_catalogue(make_form_schema(simple_pages())))


def submitted_with(parties, value):
    draft = ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]])
    services.save_values(
        draft, {"qi_ye_ming_cheng": "某某" + value, "fa_ding_dai_biao_ren": value, "quality_system": value}
    )
    return services.submit_application(draft, parties.applicant)


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda v: v[:20])
def test_a_submitted_payload_is_text_for_the_staff_and_in_the_printed_application(client, parties, payload):
    application = submitted_with(parties, payload)
    client.force_login(parties.authority)
    detail = client.get(reverse("licensing:detail", args=[application.pk]))
    assert detail.status_code == 200
    assert_clean(detail)
    for action in ("accept", "request_correction", "refuse_acceptance"):
        assert_clean(client.get(reverse(f"licensing:{action}", args=[application.pk])), action)
    printed = client.get(reverse("licensing:print", args=[application.pk]))
    assert printed.status_code == 200
    assert assert_literal_or_absent(printed.content, payload)
    client.force_login(parties.applicant)
    assert_clean(client.get(reverse("applications:detail", args=[application.uuid])))
    assert_clean(client.get(reverse("applications:list")))


# --- every staff action form -----------------------------------------------------------------------


def action_posts(parties_applications):
    """(action, who, application, strategy of POST data) for every staff action form."""
    apps = parties_applications
    text = document_text
    correction_keys = ["page-basic", "field-qi_ye_ming_cheng", "field-fa_ding_dai_biao_ren", "field-quality_system"]
    # The decisions' "我已确认…" box is ticked, so the hostile text reaches the action itself.
    confirmed = {"confirmed": st.just("on")}
    correction = st.fixed_dictionaries(
        {"comment": text, **confirmed},
        optional={
            **{f"tick-{key}": st.sampled_from(["on", "", "\x00", "<b>"]) for key in correction_keys},
            **{f"comment-{key}": text for key in correction_keys},
        },
    )
    fields = st.fixed_dictionaries
    review_body = st.sampled_from([apps["body_pk"], "", "1 OR 1=1", "<x>"])
    conclusion = st.sampled_from([*ReviewConclusion.values, "", "<script>"])
    day = st.one_of(st.just(f"{future(30):%Y-%m-%d}"), text)
    dates = {"date_1": date_or_junk(), "date_2": date_or_junk(), "date_3": date_or_junk()}
    report = {"reviewed_from": date_or_junk(), "reviewed_to": date_or_junk(), "conclusion": conclusion}
    return [
        ("accept", "authority", apps["submitted"], fields({"review_body": review_body, "comment": text, **confirmed})),
        ("request_correction", "authority", apps["submitted"], correction),
        ("refuse_acceptance", "authority", apps["submitted"], fields({"reasons": text, **confirmed})),
        ("propose_review_dates", "review_body", apps["accepted"], fields({**dates, "comment": text})),
        ("agree_review_date", "review_body", apps["proposed"], fields({"day": day})),
        ("submit_review_report", "review_body", apps["scheduled"], fields({**report, "summary": text, **confirmed})),
        ("approve", "authority", apps["reviewed"], fields({"comment": text, **confirmed})),
        ("deny", "authority", apps["reviewed"], fields({"reasons": text, **confirmed})),
    ]


@pytest.fixture
def applications_in_every_state(parties):
    accepted = application_in(S.ACCEPTED, parties)
    proposed = application_in(S.ACCEPTED, parties)
    actions.propose_review_dates(proposed, parties.applicant, [future(30)], PAYLOADS[0])
    return {
        "submitted": application_in(S.SUBMITTED, parties),
        "accepted": accepted,
        "proposed": refresh(proposed),
        "scheduled": application_in(S.REVIEW_SCHEDULED, parties),
        "reviewed": application_in(S.REVIEWED, parties),
        "body_pk": str(parties.review_body_org.pk),
    }


@examples("staff action forms")
@given(data=st.data())
def test_every_staff_action_form_survives_hostile_text(client, parties, applications_in_every_state, data):
    posts = action_posts(applications_in_every_state)
    action, role, application, strategy = data.draw(st.sampled_from(posts), label="action")
    values = data.draw(strategy, label="post")
    staff = getattr(parties, role)

    def attempt():
        client.force_login(staff)
        response = client.post(reverse(f"licensing:{action}", args=[application.pk]), values)
        assert_clean(response, (action, values))
        assert response.status_code in (302, 400), (action, response.status_code)
        event(f"{action} → {response.status_code}")
        if response.status_code == 400:
            assert_chinese_errors(response.context["form"])
            return
        detail = client.get(reverse("licensing:detail", args=[application.pk]))
        assert detail.status_code == 200
        assert_clean(detail, (action, values))
        client.force_login(parties.applicant)
        for url in (
            reverse("applications:detail", args=[application.uuid]),
            reverse("applications:list"),
            reverse("applications:notifications"),
        ):
            page_response = client.get(url)
            assert page_response.status_code == 200, url
            assert_clean(page_response, (action, url))

    rolled_back(attempt)


@pytest.mark.parametrize(
    ("reasons", "status"),
    [("x" * 100_000, 400), ("长" * 20_000, 400), ("x" * 2000, 302), ("长" * 2000, 302)],
    ids=["latin-word", "chinese-paragraph", "longest-latin-word", "longest-chinese-paragraph"],
)
def test_a_very_long_reason_in_a_decision_is_refused_or_printed(client, parties, reasons, status):
    """Reasons are printed into the decision letter: beyond the limit the form says so; up to it,
    even one unbroken word is laid out (xhtml2pdf used to fail on it: a 500)."""
    application = application_in(S.REVIEWED, parties)
    client.force_login(parties.authority)
    response = client.post(reverse("licensing:deny", args=[application.pk]), {"reasons": reasons, "confirmed": "on"})
    assert response.status_code == status
    if status == 400:
        assert "最多 2000 个字" in response.content.decode()


def test_payloads_in_staff_forms_are_printed_as_text_in_every_document(client, parties):
    """One application through every staff action, each text being a payload: every issued
    document (补正告知书, 受理决定书, 不予受理决定书, 不予许可决定书, ...) prints it literally or not at all."""
    payload = PAYLOADS[0] + "\n" + PAYLOADS[1]
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    url = lambda name, app=application: reverse(f"licensing:{name}", args=[app.pk])  # noqa: E731
    response = client.post(
        url("request_correction"),
        {
            "comment": payload,
            "tick-field-fa_ding_dai_biao_ren": "on",
            "comment-field-fa_ding_dai_biao_ren": payload,
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    client.force_login(parties.applicant)
    correction = client.get(reverse("applications:correction", args=[application.uuid]))
    assert_clean(correction)
    refused = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    assert client.post(url("refuse_acceptance", refused), {"reasons": payload, "confirmed": "on"}).status_code == 302
    accepted = application_in(S.SUBMITTED, parties)
    response = client.post(
        url("accept", accepted), {"review_body": parties.review_body_org.pk, "comment": payload, "confirmed": "on"}
    )
    assert response.status_code == 302
    client.force_login(parties.review_body)
    response = client.post(
        url("propose_review_dates", accepted), {"date_1": f"{future(20):%Y-%m-%d}", "comment": payload}
    )
    assert response.status_code == 302
    actions.agree_review_date(accepted, parties.applicant, future(20))
    response = client.post(
        url("submit_review_report", accepted),
        {
            "reviewed_from": f"{future(20):%Y-%m-%d}",
            "reviewed_to": f"{future(21):%Y-%m-%d}",
            "conclusion": ReviewConclusion.NOT_QUALIFIED,
            "summary": payload,
            "report_file": SimpleUploadedFile("报告.pdf", PDF),
            "confirmed": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    client.force_login(parties.authority)
    assert client.post(url("deny", accepted), {"reasons": payload, "confirmed": "on"}).status_code == 302

    printed_literally = 0
    for app in (refresh(application), refresh(refused), refresh(accepted)):
        for viewer in (parties.authority, parties.applicant):
            client.force_login(viewer)
            if viewer == parties.authority:
                page_response = client.get(url("detail", app))
            else:
                page_response = client.get(reverse("applications:detail", args=[app.uuid]))
            assert page_response.status_code == 200
            assert_clean(page_response)
        for document in app.documents.all():
            for line in payload.splitlines():
                printed_literally += assert_literal_or_absent(document.read(), line)
    # At least the reasons and comments of the notices and decisions were printed, as text.
    assert printed_literally >= 4
