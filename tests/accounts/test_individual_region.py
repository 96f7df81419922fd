"""个人注册 asks 所在地 and 详细地址 like 企业注册; an account without 所在地 gives it on 完善所在地
before it may start an application."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.models import Region
from accounts.services import REGION_LOG_ACTION
from tests.support.accounts import individual_data, sms_code_for
from tests.support.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
REGISTER = reverse("accounts:register_individual")
LOGIN = reverse("accounts:login")
COMPLETE = reverse("accounts:complete_region")
NEW = reverse("applications:new")


def post_individual(client, **overrides):
    data = individual_data(**overrides)
    data["sms_code"] = sms_code_for(data["mobile"])
    return client.post(REGISTER, data)


def test_individual_registration_shows_the_region_cascade_and_address(client):
    html = client.get(REGISTER).content.decode()
    assert 'data-form-widget="region"' in html and "js/form_widgets.js" in html
    for text in ("所在地", "选择省", "选择市", "选择区", "详细地址"):
        assert text in html
    assert 'name="province"' in html and 'name="city"' in html and 'name="county"' in html
    assert 'name="address"' in html


def test_individual_registers_with_region_and_address(client):
    response = post_individual(client)
    assert response.status_code == 302, response.content.decode()
    organisation = User.objects.get(username="geren0001").organisation
    assert organisation.kind == "individual"
    assert organisation.region_id == "320106"
    assert organisation.region.full_name == "江苏省南京市鼓楼区"
    assert organisation.address == "鼓楼区测试路18号"


def test_individual_registration_requires_a_region(client):
    response = post_individual(client, province="", city="", county="")
    html = response.content.decode()
    assert response.status_code == 200
    assert "请选择省。" in html and "请选择市。" in html
    assert not User.objects.filter(username="geren0001").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"province": "999999"}, "所选省无效，请重新选择。"),
        ({"city": "330100", "county": "330106"}, "所选城市不属于所选省份。"),
        ({"county": "320205"}, "所选区县不属于所选城市。"),
        ({"county": ""}, "请选择区/县。"),
    ],
)
def test_a_region_that_does_not_fit_is_refused_at_the_field(client, overrides, message):
    response = post_individual(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="geren0001").exists()


def test_a_province_without_a_bureau_is_refused(client):
    # A region row outside the bureau list (the 31 provincial bureaus), e.g. one added by hand.
    province = Region.objects.create(code="710000", name="台湾省", level=1)
    city = Region.objects.create(code="710100", name="台北市", level=2, parent=province)
    response = post_individual(client, province=province.code, city=city.code, county="")
    html = response.content.decode()
    assert "所选省份没有受理特种设备行政许可的审批机关，请重新选择所在地。" in html
    assert not User.objects.filter(username="geren0001").exists()


def test_a_province_whose_bureau_the_administrators_added_is_accepted(client):
    province = Region.objects.create(code="710000", name="台湾省", level=1)
    city = Region.objects.create(code="710100", name="台北市", level=2, parent=province)
    OrganisationFactory(provincial_authority=True, region=province, name="台湾省市场监督管理局")
    response = post_individual(client, province=province.code, city=city.code, county="")
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get(username="geren0001").organisation.region_id == "710100"


def test_the_enterprise_form_refuses_a_province_without_a_bureau_too(client):
    from tests.support.accounts import enterprise_data

    province = Region.objects.create(code="710000", name="台湾省", level=1)
    city = Region.objects.create(code="710100", name="台北市", level=2, parent=province)
    data = enterprise_data(province=province.code, city=city.code, county="")
    data["sms_code"] = sms_code_for(data["mobile"])
    response = client.post(reverse("accounts:register_enterprise"), data)
    assert "所选省份没有受理特种设备行政许可的审批机关" in response.content.decode()


@pytest.fixture
def regionless():
    """An individual account registered before 所在地 was asked."""
    organisation = OrganisationFactory(individual=True, region=None, address="", name="王老五")
    return UserFactory(username="geren_old", organisation=organisation)


def test_an_account_without_region_is_sent_to_complete_it_after_login(client, regionless):
    response = client.post(LOGIN, {"username": "geren_old", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.url == f"{COMPLETE}?next=%2Faccounts%2Fmy%2F"
    html = client.get(response.url).content.decode()
    assert "完善所在地" in html and 'data-form-widget="region"' in html and "详细地址" in html
    assert "请输入详细地址" in html


def test_an_account_with_region_logs_in_as_before(client):
    UserFactory(username="geren_new", organisation=OrganisationFactory(individual=True))
    response = client.post(LOGIN, {"username": "geren_new", "password": DEFAULT_PASSWORD})
    assert response.url == reverse("my_services")
    assert client.get(COMPLETE).url == reverse("my_services")


def test_no_application_is_started_until_the_region_is_saved(client, regionless):
    client.force_login(regionless)
    response = client.get(NEW)
    assert response.status_code == 302
    assert response.url == f"{COMPLETE}?next=%2Fapplications%2Fnew%2F"
    response = client.post(NEW, {"level": ["1"]})
    assert response.status_code == 302 and response.url.startswith(COMPLETE)

    # A region that does not fit is refused on the page, nothing saved.
    response = client.post(COMPLETE, {"province": "320000", "city": "330100", "next": NEW})
    assert response.status_code == 200
    assert "所选城市不属于所选省份。" in response.content.decode()
    regionless.organisation.refresh_from_db()
    assert regionless.organisation.region_id is None
    assert client.get(NEW).status_code == 302

    response = client.post(
        COMPLETE, {"province": "320000", "city": "320100", "county": "320106", "address": "测试路1号", "next": NEW}
    )
    assert response.status_code == 302 and response.url == NEW
    organisation = regionless.organisation
    organisation.refresh_from_db()
    assert organisation.region_id == "320106" and organisation.address == "测试路1号"
    entry = ModelLogEntry.objects.get(object_id=str(organisation.pk), action=REGION_LOG_ACTION)
    assert entry.user_id == regionless.pk
    assert client.get(NEW).status_code == 200


def test_a_second_save_from_another_tab_changes_nothing(client, regionless):
    client.force_login(regionless)
    first = {"province": "320000", "city": "320100", "county": "320106", "address": "甲"}
    assert client.post(COMPLETE, first).status_code == 302
    # The page is gone once the region is set: a stale tab's POST is sent on, the first answer stays.
    second = {"province": "110000", "city": "110100", "county": "110105", "address": "乙"}
    response = client.post(COMPLETE, second)
    assert response.status_code == 302 and response.url == reverse("my_services")
    regionless.organisation.refresh_from_db()
    assert regionless.organisation.region_id == "320106" and regionless.organisation.address == "甲"
    assert ModelLogEntry.objects.filter(action=REGION_LOG_ACTION).count() == 1


def test_next_may_not_leave_the_site(client, regionless):
    client.force_login(regionless)
    data = {"province": "320000", "city": "320100", "county": "320106", "next": "https://evil.example/"}
    response = client.post(COMPLETE, data)
    assert response.url == reverse("my_services")


def test_the_page_is_for_applicants_only(client):
    assert client.get(COMPLETE).url.startswith(LOGIN)
    staff = UserFactory(is_staff=True, organisation=OrganisationFactory(provincial_authority=True))
    client.force_login(staff)
    assert client.get(COMPLETE).status_code == 404
