"""Browser journeys in real headless Chromium."""

import re

import pytest
from django.contrib.auth import get_user_model

from accounts.sms.backends import locmem
from tests.accounts.helpers import PASSWORD, png_file
from tests.factories import make_id_number, make_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def test_enterprise_registers_with_cascade_upload_and_sms_then_logs_in(page, live_server, regions, tmp_path):
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(png_file().read())

    page.goto(live_server.url + "/accounts/register/")
    page.get_by_role("link", name="企业注册").click()
    page.get_by_label("非法人企业").check()
    page.locator("#id_username").fill("qiye2026")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_name").fill("浙江示范电梯安装有限公司")
    page.locator("#id_enterprise_type").select_option(label="公司")
    page.locator("#id_credit_code").fill(make_uscc(4242))
    page.locator("#id_business_licence").set_input_files(str(licence))

    # Region cascade: each list is filled from the server after the one above is chosen.
    page.locator("#id_province").select_option(label="浙江省")
    page.locator("#id_city option", has_text="杭州市").wait_for(state="attached")
    page.locator("#id_city").select_option(label="杭州市")
    page.locator("#id_county option", has_text="钱塘区").wait_for(state="attached")
    page.locator("#id_county").select_option(label="钱塘区")
    assert page.locator("#id_city option", has_text="宁波市").count() == 1
    assert page.locator("#id_city option", has_text="南京市").count() == 0

    page.locator("#id_address").fill("钱塘区测试路1号")
    page.locator("#id_contact_name").fill("赵六")
    page.locator("#id_contact_id_number").fill(make_id_number(7))
    page.locator("#id_mobile").fill("13712345678")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    # The button counts down before another code may be requested.
    assert re.fullmatch(r"\d+s", page.locator("#send-sms").inner_text())
    code = re.search(r"\d{6}", locmem.outbox[-1]["message"]).group(0)
    page.locator("#id_sms_code").fill(code)
    page.get_by_role("button", name="注册").click()

    page.get_by_role("heading", name="注册成功").wait_for()
    user = get_user_model().objects.get(username="qiye2026")
    assert user.organisation.region.full_name == "浙江省杭州市钱塘区"
    assert user.organisation.business_licence

    page.get_by_role("link", name="去登录").click()
    page.locator("#id_username").fill("qiye2026")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="我的办事").wait_for()
    assert page.get_by_text("特种设备生产单位许可").is_visible()
    assert page.get_by_text("生产企业许可申请管理").is_visible()


def test_error_is_shown_next_to_field_and_file_kept(page, live_server, regions, tmp_path):
    licence = tmp_path / "licence.png"
    licence.write_bytes(png_file().read())
    page.goto(live_server.url + "/accounts/register/enterprise/")
    page.locator("#id_username").fill("ab")
    page.locator("#id_business_licence").set_input_files(str(licence))
    page.get_by_role("button", name="注册").click()
    page.locator("#error-summary").wait_for()
    assert "用户名为4-20个字符" in page.locator("#field-username .error").inner_text()
    assert "已上传：licence.png" in page.locator("#kept-licence").inner_text()


def test_institution_waits_for_staff_approval_in_the_admin(page, live_server, regions):
    from tests.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory

    institution = OrganisationFactory(pending_institution=True, name="示范大学特种设备研究所")
    UserFactory(username="jigou2026", organisation=institution, is_active=False)
    UserFactory(username="root2026", organisation=None, is_staff=True, is_superuser=True)

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("jigou2026")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("正在审核中").wait_for()

    # Staff approve it in the Wagtail admin (单位管理 → 申请单位).
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("root2026")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("button[type=submit]").click()
    page.goto(live_server.url + "/admin/organisations/applicants/?approval_status=pending")
    page.get_by_role("button", name="审核通过").click()
    page.get_by_text("已审核通过").wait_for()
    page.context.clear_cookies()

    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("jigou2026")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="我的办事").wait_for()


def test_individual_registers_and_logs_in(page, live_server, regions):
    page.goto(live_server.url + "/accounts/register/")
    page.get_by_role("link", name="个人注册").click()
    page.locator("#id_real_name").fill("王小明")
    page.locator("#id_id_number").fill(make_id_number(321))
    page.locator("#id_mobile").fill("13612345678")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.locator("#id_sms_code").fill(re.search(r"\d{6}", locmem.outbox[-1]["message"]).group(0))
    page.locator("#id_username").fill("geren2026")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.get_by_role("heading", name="注册成功").wait_for()
    page.get_by_role("link", name="去登录").click()
    page.locator("#id_username").fill("geren2026")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("欢迎您，王小明").wait_for()
