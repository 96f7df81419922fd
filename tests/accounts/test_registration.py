"""Registration (注册): every rule of seed section 1.3, its Chinese message, and nothing saved on error."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import ApprovalStatus, Organisation
from tests.support.accounts import enterprise_data, individual_data, png_file, sms_code_for
from tests.support.factories import OrganisationFactory, UserFactory, make_uscc

pytestmark = pytest.mark.django_db
User = get_user_model()
ENTERPRISE_URL = reverse("accounts:register_enterprise")


def post_enterprise(client, with_code=True, files=None, **overrides):
    data = enterprise_data(**overrides)
    if with_code:
        code = sms_code_for(data["mobile"]) if len(data["mobile"]) == 11 else ""
        data["sms_code"] = overrides.get("sms_code", code)
    if files is not None:
        data.update(files)
    return client.post(ENTERPRISE_URL, data)


def test_type_choice_page_links_every_user_type_and_the_guide(client):
    html = client.get(reverse("accounts:register")).content.decode()
    for text in ("个人注册", "企业注册", "机构注册", "用户类型选择说明"):
        assert text in html
    guide = client.get(reverse("accounts:user_type_guide")).content.decode()
    assert "法人企业" in guide and "审核通过后方可登录" in guide


def test_enterprise_registration_creates_organisation_user_and_group(client):
    response = post_enterprise(client, files={"business_licence": png_file()})
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="qiye0001")
    org = user.organisation
    assert org.kind == "enterprise" and org.name == "江苏示范压力容器制造有限公司1"
    assert org.region.full_name == "江苏省南京市鼓楼区"
    assert org.business_licence.name.startswith("accounts/organisation/")
    assert "licence" not in org.business_licence.name
    assert user.groups.filter(pk=org.group_id).exists()
    assert user.check_password("Abcd1234!x") and user.is_active


def test_optional_email_is_kept_for_notices(client):
    response = post_enterprise(client, files={"business_licence": png_file()}, email="  li.si@example.com ")
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get(username="qiye0001").email == "li.si@example.com"


def test_registration_without_email_still_succeeds(client):
    html = client.get(ENTERPRISE_URL).content.decode()
    assert 'name="email"' in html and "选填，用于接收办理进度通知。" in html
    response = post_enterprise(client, files={"business_licence": png_file()})
    assert response.status_code == 302
    assert User.objects.get(username="qiye0001").email == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "abc", "用户名为4-20个字符，只能由字母和数字组成。"),
        ("username", "abc_def", "用户名为4-20个字符，只能由字母和数字组成。"),
        ("username", "a" * 21, "4-20"),
        ("password1", "abcdefgh", "缺少：大写字母、数字、特殊字符"),
        ("password1", "Ab1!", "密码长度应为8-20个字符。"),
        ("password2", "Different1!", "两次输入的密码不一致。"),
        ("name", "", "请填写企业名称。"),
        ("credit_code", "91350100M000100Y44", "统一社会信用代码校验位不正确"),
        ("credit_code", "91350100m000100y43", "字母必须大写。"),
        ("credit_code", "1234567", "请输入9位组织机构代码或18位统一社会信用代码"),
        ("province", "", "请选择省。"),
        ("contact_name", "", "请填写联系人。"),
        ("contact_id_number", "110105199001011234", "身份证号码校验位不正确"),
        ("mobile", "12345678901", "请输入11位中国大陆手机号码。"),
        ("sms_code", "000000", "短信验证码不正确"),
        ("email", "not-an-address", "请输入有效的电子邮箱地址"),
    ],
)
def test_each_rule_has_its_message_and_nothing_is_saved(client, field, value, message):
    response = post_enterprise(client, **{field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "提交的内容有" in html and "处需要修改" in html
    assert not User.objects.filter(username="qiye0001").exists()
    assert not Organisation.objects.filter(kind="enterprise").exists()


def test_county_must_belong_to_city(client):
    response = post_enterprise(client, county="110105")
    assert "所选区县不属于所选城市。" in response.content.decode()
    assert not User.objects.exists()


def test_duplicate_username_credit_code_and_mobile_are_refused(client):
    existing = UserFactory(username="Qiye0001", mobile="13700000001")
    OrganisationFactory(unified_social_credit_code=make_uscc(9001))
    response = post_enterprise(client, with_code=False, sms_code="123456")
    html = response.content.decode()
    assert "该用户名已被注册" in html
    assert "该统一社会信用代码/组织机构代码已注册" in html
    assert "该手机号已注册" in html
    assert User.objects.count() == 1 and existing.pk


def test_uploaded_licence_is_kept_when_another_field_fails(client):
    data = enterprise_data(password2="Mismatch1!")
    data["sms_code"] = sms_code_for(data["mobile"])
    data["business_licence"] = png_file("营业执照.png")
    response = client.post(ENTERPRISE_URL, data)
    html = response.content.decode()
    assert "已上传：营业执照.png" in html
    token = response.context["form"].data["business_licence_token"]
    assert token
    # Second try: the user fixes the password and does not pick the file again.
    data.pop("business_licence")
    data.update(password2=data["password1"], business_licence_token=token)
    response = client.post(ENTERPRISE_URL, data)
    assert response.status_code == 302
    org = Organisation.objects.get(kind="enterprise")
    assert org.business_licence.read().startswith(b"\x89PNG")


def test_bad_licence_file_is_refused_with_message(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = post_enterprise(client, files={"business_licence": fake})
    assert response.status_code == 200
    assert response.context["form"].errors["business_licence"]
    assert not User.objects.exists()


def test_sms_code_is_consumed_by_registration(client):
    data = enterprise_data()
    data["sms_code"] = sms_code_for(data["mobile"])
    assert client.post(ENTERPRISE_URL, data).status_code == 302
    from accounts.models import SmsCode

    assert SmsCode.objects.get(mobile=data["mobile"]).used_at is not None


def test_individual_registration(client):
    data = individual_data()
    data["sms_code"] = sms_code_for(data["mobile"])
    response = client.post(reverse("accounts:register_individual"), data)
    assert response.status_code == 302
    user = User.objects.get(username="geren0001")
    assert user.organisation.kind == "individual" and user.real_name == "王小明"
    assert user.is_active


def test_individual_id_number_is_checked(client):
    data = individual_data(id_number="110105199001011234")
    data["sms_code"] = sms_code_for(data["mobile"])
    response = client.post(reverse("accounts:register_individual"), data)
    assert "身份证号码校验位不正确" in response.content.decode()


def test_institution_registers_inactive_and_pending(client):
    data = enterprise_data(institution_type="public_institution", name="某某特种设备检验所")
    data["sms_code"] = sms_code_for(data["mobile"])
    response = client.post(reverse("accounts:register_institution"), data)
    assert response.status_code == 302
    done = client.get(response.url).content.decode()
    assert "审核" in done
    user = User.objects.get(username="qiye0001")
    assert not user.is_active
    assert user.organisation.approval_status == ApprovalStatus.PENDING
    login = client.post(reverse("accounts:login"), {"username": "qiye0001", "password": "Abcd1234!x"})
    assert "正在审核中" in login.content.decode()
    user.organisation.approve(by=None)
    login = client.post(reverse("accounts:login"), {"username": "qiye0001", "password": "Abcd1234!x"})
    assert login.status_code == 302


def test_region_cascade_endpoint_lists_children(client):
    data = client.get(reverse("accounts:region_children", args=["320100"])).json()
    names = [r["name"] for r in data["regions"]]
    assert "鼓楼区" in names and len(names) == 11


def test_redisplayed_form_narrows_city_and_county_lists(client):
    response = post_enterprise(client, name="")
    html = response.content.decode()
    assert "南京市" in html and "鼓楼区" in html
    assert "石家庄市" not in html  # cities of other provinces are not listed
