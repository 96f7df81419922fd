"""No staff screen shows a mobile number or an ID number whole (PIPL art. 51; core/masking.py).

A crawl: authority staff, review-body staff and a superuser open every staff page an application
reaches in each state of its workflow (许可申请办理's queue and detail, each action form offered in
that state, 许可证登记, 统计分析, 审计记录, 发送记录, 单位管理 and user lists) with ID numbers and
mobiles in the application, its table rows, the applicant's contact and the review body's contact.
No 11-digit mobile and no 18-character ID number may appear anywhere in the HTML, including hidden
inputs and value attributes the forms post back. (Edit forms of 单位管理 are left out on purpose:
there the full value is what is being edited, core/masking.py.)"""

import re

import pytest
from django.urls import reverse

from accounts.models import Organisation
from tests.support.builders import make_catalogue, make_form_schema
from tests.support.factories import UserFactory, make_id_number
from tests.support.personal_data import CONTACT_ID, CONTACT_MOBILE, LEGAL_ID, LEGAL_MOBILE, filled_draft, personal_pages
from tests.support.workflow_builders import advance, future, make_parties, refresh
from workflows import actions, services
from workflows.models import ApplicationState as S
from workflows.staff_admin import staff_actions

pytestmark = pytest.mark.django_db

# Bounded by anything but a letter or digit, like ID_NUMBER: a UUID's last group (in every download
# link) or a hash can hold eleven digits in a row that look like a mobile.
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
BODY_MOBILE = "18655556666"
FREE_TEXT_MOBILE = "17700001111"
FREE_TEXT_ID = make_id_number(66, birth="19800229")
TEXT_CELL_MOBILE = "19912345678"  # typed into a table's 文本 column
TEXT_CELL_ID = make_id_number(67, birth="19910704")

STATES = [S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.REVIEW_SCHEDULED, S.REVIEWED, S.APPROVED, S.DENIED]
LISTS = [
    "licensing:index",
    "licences:index",
    "statistics:index",
    "audit_transitions:index",
    "audit_downloads:index",
    "outbox:index",
    "accounts_applicants:index",
    "accounts_review_bodies:index",
    "accounts_authorities:index",
    "wagtailusers_users:index",
]


@pytest.fixture
def parties():
    p = make_parties(make_catalogue(make_form_schema(personal_pages())))
    organisation = p.applicant.organisation
    organisation.contact_id_number = CONTACT_ID
    organisation.contact_mobile = CONTACT_MOBILE
    organisation.save()
    # The 受理 form lists the review bodies with their contact: one reachable by mobile only.
    body = p.other_review_body.organisation
    body.contact_name, body.contact_phone, body.contact_mobile = "孙评审", "", BODY_MOBILE
    body.save()
    return p


def draft(parties):
    """filled_draft's typed fields and table rows, and more numbers typed into free text and into a
    table's text column."""
    application = filled_draft(parties)
    personnel = application.data["personnel"] + [
        {"name": f"王质检（手机 {TEXT_CELL_MOBILE}）", "id_number": TEXT_CELL_ID}
    ]
    services.save_values(
        application,
        {"quality_system": f"质量负责人 {FREE_TEXT_MOBILE}，身份证 {FREE_TEXT_ID}", "personnel": personnel},
    )
    return application


@pytest.fixture
def applications(parties):
    """One application with personal data in each state, plus one whose applicant proposed dates
    (the review body's 确认鉴定评审日期 form)."""
    built = {}
    for state in STATES:
        built[state] = advance(services.submit_application(draft(parties), parties.applicant), state, parties)
    proposed = advance(services.submit_application(draft(parties), parties.applicant), S.ACCEPTED, parties)
    actions.propose_review_dates(proposed, parties.applicant, [future(20), future(22)], "请确认")
    built["dates_proposed"] = refresh(proposed)
    return built


def unmasked(html):
    # A 统一社会信用代码 may be 18 digits too (the factories' are): an organisation's, not a person's.
    credit_codes = set(
        Organisation.objects.exclude(unified_social_credit_code=None).values_list(
            "unified_social_credit_code", flat=True
        )
    )
    return sorted(set(MOBILE.findall(html)) | (set(ID_NUMBER.findall(html)) - credit_codes))


def staff_pages(application, user):
    yield reverse("licensing:detail", args=[application.pk])
    for action in staff_actions(application, user):
        yield reverse(f"licensing:{action.value}", args=[application.pk])


def crawl(client, user, urls):
    """{url: what it shows whole} for every page of `urls` the user may open, and those pages."""
    client.force_login(user)
    leaks, opened = {}, set()
    for url in urls:
        response = client.get(url)
        if response.status_code in (403, 404) or (response.status_code == 302 and response["Location"] == "/admin/"):
            continue  # not this user's screen (Wagtail sends a user without the permission home)
        assert response.status_code == 200, (url, response.status_code, response.get("Location"))
        opened.add(url)
        found = unmasked(response.content.decode())
        if found:
            leaks[url] = found
    return leaks, opened


@pytest.mark.parametrize("role", ["authority", "review_body"])
def test_no_staff_page_of_an_application_shows_a_mobile_or_id_number_whole(client, parties, applications, role):
    user = getattr(parties, role)
    urls = [url for application in applications.values() for url in staff_pages(application, user)]
    forms = {url for url in urls if re.search(r"/\d+/[a-z-]+/$", url)}
    # Every action form offered in some state: 受理 and 补正 for the authority; the review body's
    # dates, 需要整改 and report (整改确认 needs an uploaded 整改报告, which no state here has).
    expected = {"authority": {"accept", "request-correction", "refuse-acceptance", "approve", "deny"}}.get(
        role, {"propose-review-dates", "agree-review-date", "request-rectification", "submit-review-report"}
    )
    assert {url.split("/")[-2] for url in forms} == expected
    leaks, opened = crawl(client, user, urls + [reverse(name) for name in LISTS])
    assert forms <= opened
    assert leaks == {}


def test_no_list_or_report_shows_them_to_a_superuser(client, parties, applications):
    root = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    urls = [reverse(name) for name in LISTS]
    urls += [reverse("licensing:detail", args=[application.pk]) for application in applications.values()]
    leaks, opened = crawl(client, root, urls)
    assert opened == set(urls)
    assert leaks == {}


def test_the_correction_form_previews_the_values_masked_as_the_detail_page_does(client, parties, applications):
    from core.masking import mask_id_number, mask_mobile

    client.force_login(parties.authority)
    url = reverse("licensing:request_correction", args=[applications[S.SUBMITTED].pk])
    html = client.get(url).content.decode()
    assert LEGAL_ID not in html and LEGAL_MOBILE not in html
    assert mask_id_number(LEGAL_ID) in html and mask_mobile(LEGAL_MOBILE) in html
