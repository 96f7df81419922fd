"""The registration pages in the old portal guide's words (seed section 1.3): its placeholders, its
stars (a star marks what must be filled, and only that) and 返回首页 on every page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.support.accounts import enterprise_data, png_file, sms_code_for

pytestmark = pytest.mark.django_db
User = get_user_model()

ENTERPRISE = reverse("accounts:register_enterprise")
# The guide's screen, field by field: what the empty box says.
ENTERPRISE_PLACEHOLDERS = {
    "username": "4-20个字符，支持字母、数字组合",
    "password1": "8-20个字符，必须由(大写字母+小写字母+数字+特殊字符)组成",
    "password2": "请输入密码",
    "name": "请输入企业名称",
    "credit_code": "请输入9位或18位的社会信用代码/组织机构代码",
    "address": "请输入详细地址",
    "contact_name": "请输入联系人",
    "contact_id_number": "请输入联系人身份证号码",
    "mobile": "请输入手机号码",
    "sms_code": "短信验证码",
}


def placeholder(html, name):
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    found = re.search(r'placeholder="([^"]*)"', tag)
    return found.group(1) if found else None


def label_starred(html, field_id):
    label = re.search(rf'<label for="{field_id}">(.*?)</label>', html, re.S).group(1)
    return '<span class="req"' in label


def test_enterprise_registration_has_the_guides_placeholders(client):
    html = client.get(ENTERPRISE).content.decode()
    for name, text in ENTERPRISE_PLACEHOLDERS.items():
        assert placeholder(html, name) == text, name
    for text in ("选择省", "选择市", "选择区"):
        assert text in html


def test_institution_and_individual_registration_have_placeholders(client):
    html = client.get(reverse("accounts:register_institution")).content.decode()
    assert placeholder(html, "name") == "请输入机构名称"
    assert placeholder(html, "credit_code") == "请输入9位或18位的社会信用代码/组织机构代码"
    assert placeholder(html, "contact_name") == "请输入联系人"
    html = client.get(reverse("accounts:register_individual")).content.decode()
    expected = {
        "real_name": "请输入姓名",
        "id_number": "请输入身份证号码",
        "address": "请输入详细地址",
        "mobile": "请输入手机号码",
        "sms_code": "短信验证码",
        "username": "4-20个字符，支持字母、数字组合",
        "password2": "请输入密码",
    }
    for name, text in expected.items():
        assert placeholder(html, name) == text, name


@pytest.mark.parametrize(
    "url",
    [
        "accounts:register",
        "accounts:register_individual",
        "accounts:register_enterprise",
        "accounts:register_institution",
        "accounts:user_type_guide",
    ],
)
def test_every_registration_page_links_back_to_the_home_page(client, url):
    html = client.get(reverse(url)).content.decode()
    assert re.search(r'<a[^>]*href="/"[^>]*>返回首页</a>', html), url


def test_enterprise_type_is_not_starred_as_in_the_guide(client):
    html = client.get(ENTERPRISE).content.decode()
    assert not label_starred(html, "id_enterprise_type")
    # What the guide stars keeps its star.
    for field_id in ("id_username", "id_password1", "id_password2", "id_name", "id_credit_code", "id_contact_name"):
        assert label_starred(html, field_id), field_id
    assert not label_starred(html, "id_address")
    assert not label_starred(html, "id_contact_id_number")
    assert re.search(r'<legend><span class="req"[^>]*>\*</span>所在地</legend>', html)


def test_enterprise_type_may_be_left_empty(client):
    data = enterprise_data(enterprise_type="")
    data["sms_code"] = sms_code_for(data["mobile"])
    data["business_licence"] = png_file()
    response = client.post(ENTERPRISE, data)
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get(username="qiye0001").organisation.enterprise_type == ""
