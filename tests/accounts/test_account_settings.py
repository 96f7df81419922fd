"""账号信息 (/accounts/profile/): an applicant sees its registered details and changes what needs no
变更 application: contact, address, 所在地 within its province, e-mail, mobile (a code to the new
number) and password (the old one first). Staff have no such page; every change is in the log."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import account_settings
from accounts.models import Organisation, Region, SmsPurpose
from accounts.sms.backends import locmem
from tests.support.accounts import PASSWORD, sms_code_for
from tests.support.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db

User = get_user_model()
URL = "/accounts/profile/"
MOBILE_URL = "/accounts/profile/mobile/"
PW_URL = "/accounts/profile/password/"


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="北京示范锅炉制造有限公司",
        contact_name="张三",
        contact_id_number=make_id_number(7),
        address="朝阳区测试路1号",
    )


@pytest.fixture
def member(organisation):
    return UserFactory(username="qiye0100", mobile="13500000100", email="old@example.com", organisation=organisation)


@pytest.fixture
def logged_in(client, member):
    client.force_login(member)
    return client


def form_data(client, **overrides):
    """The page's form as shown (the `loaded` fingerprint included), with some fields changed."""
    form = client.get(URL).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(overrides)
    return data


def log_entries(organisation):
    return list(ModelLogEntry.objects.filter(object_id=str(organisation.pk)).values_list("action", "data"))


def test_reachable_from_my_services_and_the_header(logged_in):
    page = logged_in.get(reverse("my_services")).content.decode()
    assert page.count(f'href="{URL}"') == 2  # the header's link and 我的办事's entry


def test_the_owner_sees_its_details_in_full(logged_in, organisation, member):
    page = logged_in.get(URL).content.decode()
    for value in (
        "北京示范锅炉制造有限公司",
        organisation.unified_social_credit_code,
        "企业用户",
        "北京市朝阳区",
        "朝阳区测试路1号",
        "张三",
        organisation.contact_id_number,  # the owner's own number, unmasked
        "13500000100",
        "old@example.com",
    ):
        assert value in page
    assert '请在<a href="/applications/licences/">我的许可证</a>中办理变更' in page


def test_edits_contact_address_region_and_email(logged_in, organisation, member):
    new_id = make_id_number(8)
    response = logged_in.post(
        URL,
        form_data(
            logged_in,
            contact_name=" 李四 ",
            contact_id_number=new_id.lower(),
            county="110108",
            address="海淀区新地址2号",
            email="new@example.com",
        ),
    )
    assert response.status_code == 302 and response.url == URL
    organisation.refresh_from_db()
    member.refresh_from_db()
    assert (organisation.contact_name, organisation.contact_id_number) == ("李四", new_id)
    assert (organisation.region_id, organisation.address) == ("110108", "海淀区新地址2号")
    assert member.email == "new@example.com"
    # Name and credit code stay whatever the POST says.
    assert organisation.name == "北京示范锅炉制造有限公司"
    assert "账号信息已保存。" in logged_in.get(URL).content.decode()


def test_the_audit_names_the_fields_not_the_values(logged_in, organisation, member):
    logged_in.post(URL, form_data(logged_in, contact_name="李四", address="新地址"))
    [(action, data)] = log_entries(organisation)
    entry = ModelLogEntry.objects.get(object_id=str(organisation.pk))
    assert action == account_settings.EDIT_LOG_ACTION and entry.user_id == member.pk
    assert data == {"fields": ["contact_name", "address"]}
    assert "李四" not in str(data)


def test_unchanged_form_changes_and_logs_nothing(logged_in, organisation):
    response = logged_in.post(URL, form_data(logged_in), follow=True)
    assert "账号信息没有改动。" in response.content.decode()
    assert log_entries(organisation) == []


def test_a_wrong_contact_id_number_is_refused_at_the_field(logged_in, organisation):
    response = logged_in.post(URL, form_data(logged_in, contact_id_number="110105199001010000"))
    assert response.status_code == 400
    assert response.context["form"].errors["contact_id_number"]
    organisation.refresh_from_db()
    assert organisation.contact_id_number == make_id_number(7)


def test_a_region_in_another_province_is_refused(logged_in, organisation):
    response = logged_in.post(URL, form_data(logged_in, province="320000", city="320100", county="320106"))
    assert response.status_code == 400
    [message] = response.context["form"].errors["province"]
    assert "所在地只能在北京市范围内修改" in message and "审批机关" in message
    organisation.refresh_from_db()
    assert organisation.region_id == "110105"
    # Only the own province is offered.
    assert '<option value="320000"' not in logged_in.get(URL).content.decode()


def test_the_service_refuses_another_province_too(member):
    with pytest.raises(account_settings.AccountRefusal):
        account_settings.update_details(
            member,
            {"region": Region.objects.get(code="320106")},
            account_settings.fingerprint(member.organisation, member),
        )


def test_a_page_loaded_before_another_change_is_refused_not_merged(logged_in, organisation, member, client):
    stale = form_data(logged_in, address="第一个标签页的地址")
    # Another tab saves first.
    logged_in.post(URL, form_data(logged_in, contact_name="王五"))
    response = logged_in.post(URL, stale)
    assert response.status_code == 409
    assert "未保存本次修改" in response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.contact_name, organisation.address) == ("王五", "朝阳区测试路1号")
    # The redisplayed form now carries the current state: saving again is a knowing choice.
    again = logged_in.post(URL, {**stale, "loaded": response.context["form"].data["loaded"]})
    assert again.status_code == 302
    organisation.refresh_from_db()
    assert organisation.address == "第一个标签页的地址"


def test_an_individual_changes_address_not_name_or_id_number(client):
    person = OrganisationFactory(
        individual=True, name="王小明", contact_name="王小明", contact_id_number=make_id_number(9)
    )
    user = UserFactory(username="geren0100", organisation=person)
    client.force_login(user)
    page = client.get(URL)
    assert "contact_name" not in page.context["form"].fields
    assert make_id_number(9) in page.content.decode()
    response = client.post(
        URL, form_data(client, address="新住址", contact_name="张冒名", contact_id_number=make_id_number(1))
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.address, person.contact_name, person.contact_id_number) == ("新住址", "王小明", make_id_number(9))


# --- mobile ----------------------------------------------------------------------------------


def test_mobile_change_with_the_code_sent_to_the_new_number(logged_in, organisation, member):
    organisation.contact_mobile = member.mobile
    organisation.save()
    sent = logged_in.post(reverse("accounts:send_sms_code"), {"mobile": "13700000200", "purpose": "change_mobile"})
    assert sent.json()["ok"]
    message = locmem.outbox[-1]
    assert message["mobile"] == "13700000200"
    code = re.search(r"\d{6}", message["message"]).group(0)
    response = logged_in.post(MOBILE_URL, {"mobile": "13700000200", "sms_code": code})
    assert response.status_code == 302 and response.url == URL
    member.refresh_from_db()
    organisation.refresh_from_db()
    assert member.mobile == organisation.contact_mobile == "13700000200"
    assert log_entries(organisation) == [(account_settings.MOBILE_LOG_ACTION, {"fields": ["mobile"]})]


def test_a_wrong_code_changes_nothing(logged_in, organisation, member):
    sms_code_for("13700000201", SmsPurpose.CHANGE_MOBILE)
    response = logged_in.post(MOBILE_URL, {"mobile": "13700000201", "sms_code": "000000"})
    assert response.status_code == 400
    assert "短信验证码不正确" in response.context["form"].errors["sms_code"][0]
    member.refresh_from_db()
    assert member.mobile == "13500000100"
    assert log_entries(organisation) == []


def test_a_code_sent_to_the_old_number_does_not_change_it(logged_in, member):
    code = sms_code_for(member.mobile, SmsPurpose.CHANGE_MOBILE)
    response = logged_in.post(MOBILE_URL, {"mobile": "13700000202", "sms_code": code})
    assert response.status_code == 400 and response.context["form"].errors["sms_code"]
    member.refresh_from_db()
    assert member.mobile == "13500000100"


def test_a_registration_code_does_not_count(logged_in, member):
    code = sms_code_for("13700000203", SmsPurpose.REGISTER)
    response = logged_in.post(MOBILE_URL, {"mobile": "13700000203", "sms_code": code})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.mobile == "13500000100"


def test_a_registered_mobile_is_refused(logged_in, member):
    UserFactory(mobile="13700000204")
    refused = logged_in.post(reverse("accounts:send_sms_code"), {"mobile": "13700000204", "purpose": "change_mobile"})
    assert refused.status_code == 400 and refused.json()["message"] == "该手机号已注册，请直接登录或找回密码。"
    response = logged_in.post(MOBILE_URL, {"mobile": "13700000204", "sms_code": "123456"})
    assert response.context["form"].errors["mobile"] == ["该手机号已注册，请直接登录或找回密码。"]


def test_the_mobile_taken_after_the_code_was_sent_is_refused(logged_in, member):
    code = sms_code_for("13700000205", SmsPurpose.CHANGE_MOBILE)
    UserFactory(mobile="13700000205")  # someone registered it meanwhile
    with pytest.raises(account_settings.AccountRefusal) as refusal:
        account_settings.change_mobile(member, "13700000205", code)
    assert refusal.value.field == "mobile"
    member.refresh_from_db()
    assert member.mobile == "13500000100"


def test_the_same_code_cannot_change_the_mobile_twice(logged_in, member):
    code = sms_code_for("13700000206", SmsPurpose.CHANGE_MOBILE)
    assert logged_in.post(MOBILE_URL, {"mobile": "13700000206", "sms_code": code}).status_code == 302
    with pytest.raises(account_settings.AccountRefusal):
        account_settings.change_mobile(User.objects.get(pk=member.pk), "13700000206", code)


# --- password --------------------------------------------------------------------------------


def test_password_change_needs_the_old_one(logged_in, member):
    response = logged_in.post(
        PW_URL, {"old_password": "Wrong0ne!x", "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["old_password"] == ["原密码不正确，请重新输入。"]
    member.refresh_from_db()
    assert member.check_password(DEFAULT_PASSWORD)


def test_the_new_password_follows_the_rules(logged_in, member):
    response = logged_in.post(
        PW_URL, {"old_password": DEFAULT_PASSWORD, "new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 400
    assert "密码长度应为8-20个字符。" in response.context["form"].errors["new_password2"]


def test_password_change_keeps_this_session(logged_in, organisation, member):
    response = logged_in.post(
        PW_URL, {"old_password": DEFAULT_PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert logged_in.get(URL).status_code == 200  # still logged in
    assert log_entries(organisation) == [(account_settings.PASSWORD_LOG_ACTION, {"fields": ["password"]})]


def test_the_old_password_is_checked_again_under_the_lock(member):
    # Another tab changed the password after this one's form was validated.
    account_settings.change_password(member, DEFAULT_PASSWORD, PASSWORD)
    with pytest.raises(account_settings.AccountRefusal):
        account_settings.change_password(User.objects.get(pk=member.pk), DEFAULT_PASSWORD, "Other123!x")


# --- who may use it --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, MOBILE_URL, PW_URL])
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("url", [URL, MOBILE_URL, PW_URL])
def test_staff_have_no_account_page(client, url):
    authority = OrganisationFactory(provincial_authority=True)
    staff = UserFactory(username="staff0100", organisation=authority, is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"contact_name": "x", "old_password": DEFAULT_PASSWORD}).status_code == 404
    assert Organisation.objects.get(pk=authority.pk).contact_name == "张三"


def test_query_ceiling(logged_in, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        assert logged_in.get(URL).status_code == 200
