"""One selection, several authorities (选取许可项目, workflows/authority.py, services.start_applications).

Before 点击进入 the page says who decides each level for this account and warns when the account
cannot be routed. A selection of national and provincial levels becomes two drafts, one per 审批机关,
created together and linked: each draft's pages, its check page and, once submitted, its detail page
name the other. Submitting the same choose form twice (a double click, a reload) returns the drafts
the first submission made: the form carries a token, the organisation's row is locked while the
drafts are looked up and created."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Authority, AuthorityLevel, Region
from cms.models import LicenseItemPage, LicenseLevel
from tests.support.builders import make_catalogue
from tests.support.factories import OrganisationFactory, UserFactory
from tests.support.workflow_builders import fill_completely
from workflows import services
from workflows.authority import routing_for
from workflows.models import Application, ApplicationState

pytestmark = pytest.mark.django_db

CHOOSE_PAGE_CEILING = 10  # measured 8 (PostgreSQL), the same with ten more items and twenty levels


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def zhejiang(catalogue):
    return Authority.objects.create(
        name="浙江省市场监督管理局",
        authority_level=AuthorityLevel.PROVINCIAL,
        region=Region.objects.get(code="330000"),
    )


@pytest.fixture
def user(zhejiang):
    """An enterprise in 杭州市西湖区: its provincial levels go to 浙江省市场监督管理局."""
    return UserFactory(organisation=OrganisationFactory(region=Region.objects.get(code="330106")))


def authority_tags(html):
    """{level pk: the authority named next to its checkbox}."""
    return {
        int(pk): re.sub(r"<[^>]+>", "", text).replace("审批机关：", "").strip()
        for pk, text in re.findall(r'data-authority-for="(\d+)">(.*?)</span>\s*</li>', html, re.S)
    }


def choose(client, *levels, selection=None):
    data = {"level": [level.pk for level in levels]}
    if selection:
        data["selection"] = str(selection)
    return client.post(reverse("applications:new"), data)


def token_of(html):
    return re.search(r'name="selection" value="([0-9a-f-]+)"', html).group(1)


# --- the choose page ---------------------------------------------------------------------------


def test_the_choose_page_names_the_authority_of_each_level_for_this_account(client, catalogue, user):
    client.force_login(user)
    html = client.get(reverse("applications:new")).content.decode()
    assert authority_tags(html) == {
        catalogue["A1"].pk: "国家市场监督管理总局",
        catalogue["D"].pk: "浙江省市场监督管理局",
        catalogue["B"].pk: "浙江省市场监督管理局",
    }
    assert "北京市市场监督管理局" not in html
    assert "同时选择两类项目时，将按审批机关分别创建两份申请" in html  # the static hint
    assert 'id="mixed-authorities-note"' in html  # shown by choose_items.js when both kinds are ticked
    assert 'id="routing-problem"' not in html


def test_an_account_without_a_region_cannot_be_routed_to_a_bureau(catalogue):
    # The choose page shows this as its warning; an account without a region may instead be sent
    # to complete it before the page (ApplicantRequiredMixin.requires_region).
    routing = routing_for(OrganisationFactory(region=None))
    assert routing.national == catalogue["samr"] and routing.provincial is None
    assert routing.problems == [routing.provincial_problem]
    assert "账号信息中没有所在地区" in routing.provincial_problem


def test_an_account_in_a_province_without_a_bureau_is_warned(client, catalogue):
    # 浙江省市场监督管理局 is not configured here (no `zhejiang` fixture).
    user = UserFactory(organisation=OrganisationFactory(region=Region.objects.get(code="330106")))
    client.force_login(user)
    html = client.get(reverse("applications:new")).content.decode()
    problem = re.search(r'id="routing-problem">(.*?)</div>', html, re.S).group(1)
    assert "未找到账号所在省份的省级市场监督管理部门" in problem
    assert f'href="{reverse("accounts:account")}"' in problem
    tags = authority_tags(html)
    assert tags[catalogue["A1"].pk] == "国家市场监督管理总局"
    assert tags[catalogue["B"].pk] == "无法确定审批机关"

    response = choose(client, catalogue["B"])
    assert response.status_code == 400
    assert "未找到账号所在省份的省级市场监督管理部门" in response.content.decode()
    assert not Application.objects.exists()


def test_the_choose_page_costs_the_same_queries_with_more_items(client, catalogue, user):
    client.force_login(user)
    url = reverse("applications:new")
    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        item = catalogue["catalogue"].add_child(
            instance=LicenseItemPage(
                title=f"起重机械制造{n}",
                slug=f"crane-{n}",
                category="lifting_machinery",
                activity="manufacture",
                item_name=f"起重机械制造{n}",
                approval_level="provincial",
                application_form=catalogue["form"],
            )
        )
        LicenseLevel.objects.create(item=item, code="A", description="桥式起重机", approval_level="national")
        LicenseLevel.objects.create(item=item, code="B", description="门式起重机")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(authority_tags(html)) == 23
    assert len(many) <= len(few) <= CHOOSE_PAGE_CEILING


# --- a mixed selection -------------------------------------------------------------------------


def test_a_mixed_selection_creates_two_linked_drafts_one_per_authority(client, catalogue, user, zhejiang):
    client.force_login(user)
    response = choose(client, catalogue["A1"], catalogue["D"], catalogue["B"])
    national, provincial = Application.objects.order_by("pk")
    assert response.status_code == 302
    assert response.url == reverse("applications:page", args=[national.uuid, 1])
    assert national.authority == catalogue["samr"] and provincial.authority == zhejiang
    assert [i.level_code for i in national.items.all()] == ["A1"]
    assert [i.level_code for i in provincial.items.all()] == ["D", "B"]
    assert national.selection == provincial.selection is not None
    assert national.state == provincial.state == ApplicationState.DRAFT
    assert national.data["qi_ye_ming_cheng"] == provincial.data["qi_ye_ming_cheng"] == user.organisation.name

    html = client.get(response.url).content.decode()
    message = re.search(r"已按审批机关分别创建2份申请书草稿：(.*?)。", html).group(1)
    assert "压力容器制造（固定式压力容器） A1（审批机关：国家市场监督管理总局）" in message
    assert "压力容器制造（固定式压力容器） D、锅炉安装 B（审批机关：浙江省市场监督管理局）" in message


def linked_notice(html):
    match = re.search(r'id="linked-applications">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def test_each_draft_names_the_other_on_its_pages_and_check_page(client, catalogue, user, zhejiang):
    client.force_login(user)
    choose(client, catalogue["A1"], catalogue["B"])
    national, provincial = Application.objects.order_by("pk")
    for this, other, authority in [
        (national, provincial, "浙江省市场监督管理局"),
        (provincial, national, "国家市场监督管理总局"),
    ]:
        for url in [
            reverse("applications:page", args=[this.uuid, 1]),
            reverse("applications:page", args=[this.uuid, 2]),
            reverse("applications:check", args=[this.uuid]),
        ]:
            notice = linked_notice(client.get(url).content.decode())
            assert "同一次选取还创建了申请" in notice, url
            assert f"审批机关：{authority}" in notice
            assert f'href="{other.get_absolute_url()}"' in notice


def test_the_link_shows_on_the_detail_page_after_submission(client, catalogue, user, zhejiang):
    client.force_login(user)
    choose(client, catalogue["A1"], catalogue["B"])
    national, provincial = Application.objects.order_by("pk")
    fill_completely(national)
    assert client.post(reverse("applications:check", args=[national.uuid])).status_code == 302
    national = Application.objects.get(pk=national.pk)
    assert national.state == ApplicationState.SUBMITTED

    detail = linked_notice(client.get(reverse("applications:detail", args=[national.uuid])).content.decode())
    assert "审批机关：浙江省市场监督管理局" in detail and "草稿" in detail
    draft_page = linked_notice(client.get(reverse("applications:page", args=[provincial.uuid, 1])).content.decode())
    assert national.reference in draft_page and "审批机关：国家市场监督管理总局" in draft_page
    assert f'href="{reverse("applications:detail", args=[national.uuid])}"' in draft_page


def test_a_single_authority_selection_shows_no_link(client, catalogue, user, zhejiang):
    client.force_login(user)
    choose(client, catalogue["D"])
    (draft,) = Application.objects.all()
    assert draft.authority == zhejiang
    assert (
        'id="linked-applications"'
        not in client.get(reverse("applications:page", args=[draft.uuid, 1])).content.decode()
    )


def test_deleting_one_draft_keeps_the_other_and_its_link(client, catalogue, user, zhejiang):
    client.force_login(user)
    choose(client, catalogue["A1"], catalogue["B"])
    national, provincial = Application.objects.order_by("pk")
    assert client.post(reverse("applications:delete", args=[national.uuid])).status_code == 302
    remaining = Application.objects.get()
    assert remaining.pk == provincial.pk and remaining.selection == provincial.selection
    assert [i.level_code for i in remaining.items.all()] == ["B"]
    assert (
        'id="linked-applications"'
        not in client.get(reverse("applications:page", args=[remaining.uuid, 1])).content.decode()
    )


# --- submitting the same choice twice ----------------------------------------------------------


def test_submitting_the_same_choose_form_twice_creates_the_drafts_once(client, catalogue, user, zhejiang):
    client.force_login(user)
    token = token_of(client.get(reverse("applications:new")).content.decode())
    first = choose(client, catalogue["A1"], catalogue["B"], selection=token)
    second = choose(client, catalogue["A1"], catalogue["B"], selection=token)  # the double click
    assert Application.objects.count() == 2
    assert first.url == second.url
    assert {a.selection for a in Application.objects.all()} == {uuid.UUID(token)}


def test_a_new_visit_to_the_choose_page_is_a_new_selection(client, catalogue, user, zhejiang):
    client.force_login(user)
    for _visit in range(2):
        token = token_of(client.get(reverse("applications:new")).content.decode())
        choose(client, catalogue["D"], selection=token)
    assert Application.objects.count() == 2


def test_a_refused_choice_keeps_its_token_for_the_corrected_one(client, catalogue, user, zhejiang):
    client.force_login(user)
    token = str(uuid.uuid4())
    response = choose(client, selection=token)
    assert response.status_code == 400 and f'value="{token}"' in response.content.decode()
    choose(client, catalogue["D"], selection=token)
    choose(client, catalogue["D"], selection=token)
    assert Application.objects.count() == 1


def test_another_organisations_token_does_not_reach_its_drafts(catalogue, user, zhejiang):
    token = uuid.uuid4()
    mine = services.start_applications(user, [catalogue["A1"].pk], token)
    other = UserFactory()
    theirs = services.start_applications(other, [catalogue["A1"].pk], token)
    assert {a.pk for a in mine}.isdisjoint(a.pk for a in theirs)
    assert list(services.linked_applications(mine[0])) == []
    assert list(services.linked_applications(theirs[0])) == []


def test_a_missing_or_forged_token_still_creates_linked_drafts(client, catalogue, user, zhejiang):
    client.force_login(user)
    response = choose(client, catalogue["A1"], catalogue["B"], selection="not-a-uuid")
    assert response.status_code == 302
    national, provincial = Application.objects.order_by("pk")
    assert national.selection == provincial.selection is not None
