"""The licence register: 我的许可证 in the portal for the holder's members, 许可证登记 in
the Wagtail admin for the authority that issued a licence (SAMR: all of them), the application
kind shown in the applicant's pages, and query ceilings for the two portal pages."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Authority, Region
from tests.support.builders import make_catalogue
from tests.support.factories import UserFactory
from tests.support.licence_builders import approved_licence, licence_row, months_after, set_valid_until
from tests.support.workflow_builders import make_parties, staff_of
from workflows import licensing, services
from workflows.models import ApplicationKind, License

pytestmark = pytest.mark.django_db

LIST = reverse("applications:licences")
REGISTER = reverse("licences:index")
DAY = datetime.timedelta(days=1)


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def today():
    return timezone.localdate()


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def supersede(old, new):
    License.objects.filter(pk=old.pk).update(superseded_by=new)


# --- 我的许可证 -------------------------------------------------------------------------------


def test_the_holder_sees_its_licences_with_their_status(client, parties):
    valid = licence_row(parties, months_after(today(), 30), number="TS-VALID")
    expired = licence_row(parties, today() - DAY, number="TS-EXPIRED")
    superseded = licence_row(parties, months_after(today(), 20), number="TS-OLD")
    supersede(superseded, valid)
    others = licence_row(parties, months_after(today(), 30), user=parties.other_enterprise, number="TS-OTHERS")

    client.force_login(parties.applicant)
    page = html(client.get(LIST))
    for licence in (valid, expired, superseded):
        assert reverse("applications:licence", args=[licence.pk]) in page
    assert others.number not in page
    assert "有效" in page and "已过期" in page and "已换发" in page and "换发为 TS-VALID" in page
    # The renewal window of a valid licence.
    assert f"{licensing.renewal_opens_on(valid):%Y-%m-%d} — {licensing.renewal_deadline(valid):%Y-%m-%d}" in page

    client.force_login(parties.other_enterprise)
    page = html(client.get(LIST))
    assert "TS-OTHERS" in page and "TS-VALID" not in page


def test_a_real_licence_page(client, parties):
    licence = approved_licence(parties)
    client.force_login(parties.applicant)
    page = html(client.get(reverse("applications:licence", args=[licence.pk])))

    assert licence.number in page and "北京市市场监督管理局" in page
    assert "压力容器制造（固定式压力容器）" in page and "中、低压容器" in page
    assert f"{licence.issued_on:%Y-%m-%d}" in page and f"{licence.valid_until:%Y-%m-%d}" in page
    opens, deadline = licensing.renewal_opens_on(licence), licensing.renewal_deadline(licence)
    assert f"{opens:%Y-%m-%d} 起可以提出，须在 {deadline:%Y-%m-%d} 前提交" in page
    document = licence.application.documents.get(kind="license")
    assert reverse("applications:document", args=[document.uuid]) + "?download=1" in page
    # Renewal is not open yet: its button is disabled with licensing's reason; the others post.
    assert f"换证申请自 {opens:%Y-%m-%d} 起可以提出（有效期届满前12个月）。" in page
    assert 'disabled aria-describedby="refusal-renewal"' in page
    assert reverse("applications:licence_change", args=[licence.pk]) in page
    assert reverse("applications:licence_add_items", args=[licence.pk]) in page
    assert reverse("applications:licence_renew", args=[licence.pk]) not in page


def test_licence_page_lists_follow_ups_and_the_reason_for_the_blocked_buttons(client, parties):
    licence = set_valid_until(licence_row(parties, today()), months_after(today(), 9))
    draft = services.start_follow_up(parties.applicant, licence, ApplicationKind.RENEWAL)
    client.force_login(parties.applicant)
    page = html(client.get(reverse("applications:licence", args=[licence.pk])))
    assert "换证" in page and reverse("applications:page", args=[draft.uuid, 1]) in page
    assert page.count("该许可证已有一份正在办理的换证申请（草稿），办结或撤回后才能再提出。") == 3


@pytest.mark.parametrize("who", ["other_enterprise", "authority", "samr", "review_body"])
def test_nobody_else_sees_a_licence(client, parties, who):
    licence = licence_row(parties, months_after(today(), 30))
    client.force_login(getattr(parties, who))
    assert client.get(reverse("applications:licence", args=[licence.pk])).status_code == 404


def test_anonymous_users_are_sent_to_the_login(client, parties):
    licence = licence_row(parties, months_after(today(), 30))
    for url in (LIST, reverse("applications:licence", args=[licence.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_my_services_and_the_application_list_link_to_my_licences(client, parties):
    client.force_login(parties.applicant)
    assert LIST in html(client.get(reverse("my_services")))
    assert LIST in html(client.get(reverse("applications:list")))


def test_the_application_kind_and_previous_licence_in_the_applicant_pages(client, parties):
    licence = licence_row(parties, months_after(today(), 30), number="TS-PREVIOUS")
    draft = services.start_follow_up(parties.applicant, licence, ApplicationKind.CHANGE)
    client.force_login(parties.applicant)

    listing = html(client.get(reverse("applications:list")))
    assert '<span class="kind-tag">变更</span>' in listing and "原许可证 TS-PREVIOUS" in listing
    form_page = html(client.get(reverse("applications:page", args=[draft.uuid, 1])))
    assert 'id="application-kind">变更<' in form_page and "TS-PREVIOUS" in form_page
    # A first application (取证) says nothing about its kind.
    plain = html(client.get(reverse("applications:page", args=[licence.application.uuid, 1])))
    assert "application-kind" not in plain


def test_portal_pages_have_query_ceilings(client, parties, django_assert_max_num_queries):
    first = licence_row(parties, months_after(today(), 10))
    client.force_login(parties.applicant)
    html(client.get(LIST))  # the session's first request loads more than the following ones
    with CaptureQueriesContext(connection) as one:
        html(client.get(LIST))

    licences = [first] + [licence_row(parties, months_after(today(), 11 + i)) for i in range(5)]
    supersede(licences[0], licences[1])
    services.start_follow_up(parties.applicant, licences[2], ApplicationKind.CHANGE)
    # Session, user, the licences with their authority and successor, their open follow-ups:
    # the same for one licence or six.
    with django_assert_max_num_queries(len(one.captured_queries)):
        html(client.get(LIST))
    assert len(one.captured_queries) <= 8
    # Plus the licence's application, the previous licence, follow-ups, the PDF and three
    # follow-up checks.
    with django_assert_max_num_queries(14):
        html(client.get(reverse("applications:licence", args=[licences[2].pk])))


# --- 许可证登记 (Wagtail admin) ---------------------------------------------------------------


@pytest.fixture
def register(parties):
    """Two Beijing licences (one superseded), one issued by Jiangsu, one by SAMR."""
    beijing = licence_row(parties, months_after(today(), 30), number="TS-BJ-NEW")
    old = licence_row(parties, months_after(today(), 5), number="TS-BJ-OLD")
    supersede(old, beijing)
    jiangsu = licence_row(parties, months_after(today(), 20), number="TS-JS")
    License.objects.filter(pk=jiangsu.pk).update(authority=parties.other_authority.organisation)
    samr = licence_row(parties, today() - DAY, number="TS-SAMR")
    License.objects.filter(pk=samr.pk).update(authority=parties.samr.organisation)
    return parties


def numbers_in(page):
    """The licences listed (by their number column: a successor's number also shows in 换发为)."""
    return {n for n in ("TS-BJ-NEW", "TS-BJ-OLD", "TS-JS", "TS-SAMR") if f'<td class="licence-number">{n}</td>' in page}


def test_each_authority_sees_the_licences_it_issued_and_samr_all(client, register):
    p = register
    client.force_login(p.authority)
    assert numbers_in(html(client.get(REGISTER))) == {"TS-BJ-NEW", "TS-BJ-OLD"}
    client.force_login(p.other_authority)
    assert numbers_in(html(client.get(REGISTER))) == {"TS-JS"}
    client.force_login(p.samr)
    assert numbers_in(html(client.get(REGISTER))) == {"TS-BJ-NEW", "TS-BJ-OLD", "TS-JS", "TS-SAMR"}


@pytest.mark.parametrize("who", ["review_body", "editor"])
def test_review_bodies_and_editors_have_no_register(client, register, who):
    client.force_login(getattr(register, who))
    response = client.get(REGISTER)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    # The sidebar menu is JSON in the page: look for the menu item's URL.
    assert REGISTER not in html(client.get(reverse("wagtailadmin_home")))


def test_applicants_never_reach_the_register(client, register):
    client.force_login(register.applicant)
    response = client.get(REGISTER)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_register_menu_entry_for_authority_staff(client, register):
    client.force_login(register.authority)
    assert REGISTER in html(client.get(reverse("wagtailadmin_home")))


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"status": "valid"}, {"TS-BJ-NEW", "TS-JS"}),
        ({"status": "superseded"}, {"TS-BJ-OLD"}),
        ({"status": "expired"}, {"TS-SAMR"}),
        ({"expiring": "12"}, set()),
        ({"q": "TS-JS"}, {"TS-JS"}),
    ],
)
def test_register_filters_and_search(client, register, query, expected):
    client.force_login(register.samr)
    assert numbers_in(html(client.get(REGISTER, query))) == expected


def test_register_search_by_holder_and_expiring(client, register):
    p = register
    other = licence_row(p, months_after(today(), 3), user=p.other_enterprise, number="TS-EXPIRING")
    client.force_login(p.samr)
    page = html(client.get(REGISTER, {"q": p.other_enterprise.organisation.name}))
    assert "TS-EXPIRING" in page and numbers_in(page) == set()
    page = html(client.get(REGISTER, {"expiring": "6"}))
    assert other.number in page and numbers_in(page) == set()
    page = html(client.get(REGISTER, {"q": p.other_enterprise.organisation.credit_code}))
    assert "TS-EXPIRING" in page


def test_register_export(client, register):
    client.force_login(register.authority)
    response = client.get(REGISTER, {"export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["许可证编号", "持证单位", "统一社会信用代码"]
    assert sorted(row[0] for row in rows[1:]) == ["TS-BJ-NEW", "TS-BJ-OLD"]
    by_number = {row[0]: row for row in rows[1:]}
    assert "已换发" in by_number["TS-BJ-OLD"] and "TS-BJ-NEW" in by_number["TS-BJ-OLD"]

    xlsx = client.get(REGISTER, {"export": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]


def test_a_provincial_authority_without_licences_sees_an_empty_register(client, parties):
    hubei, _created = Authority.objects.get_or_create(
        authority_level="provincial",
        region=Region.objects.get(code="420000"),
        defaults={"name": "湖北省市场监督管理局"},
    )
    staff = staff_of(hubei)
    staff.groups.add(*parties.authority.groups.exclude(pk=parties.authority.organisation.group_id))
    licence_row(parties, months_after(today(), 30), number="TS-BJ-ONLY")
    client.force_login(staff)
    assert "TS-BJ-ONLY" not in html(client.get(REGISTER))


def test_superusers_see_every_licence(client, register):
    admin = UserFactory(organisation=None, is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert numbers_in(html(client.get(REGISTER))) == {"TS-BJ-NEW", "TS-BJ-OLD", "TS-JS", "TS-SAMR"}
