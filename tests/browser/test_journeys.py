"""Browser journeys in real headless Chromium, all in this one module so that one xdist worker
runs them (`--dist loadfile`): registration, the application journey, and the form widgets of
static/js/form_widgets.js (region cascade, table rows) checked by what the server reads back."""

import base64
import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.sms.backends import locmem
from tests.support.accounts import PASSWORD, png_file
from tests.support.factories import make_id_number, make_uscc
from tests.support.field_types import one, query_dict, schema_of
from tests.support.workflow_builders import PDF_BYTES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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
    from tests.support.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory

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
    # First admin login: the second factor is set up with the secret the page shows.
    page.wait_for_url("**/admin/2fa/enrol/**")
    page.locator("#id_token").fill(_totp_code(page.locator("#otp-secret").inner_text()))
    page.get_by_role("button", name="完成设置").click()
    page.wait_for_url(live_server.url + "/admin/")
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
    # 所在地 as on the enterprise page: the same cascade.
    page.locator("#id_province").select_option(label="江苏省")
    page.locator("#id_city option", has_text="南京市").wait_for(state="attached")
    page.locator("#id_city").select_option(label="南京市")
    page.locator("#id_county option", has_text="鼓楼区").wait_for(state="attached")
    page.locator("#id_county").select_option(label="鼓楼区")
    page.locator("#id_address").fill("鼓楼区测试路18号")
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
    assert get_user_model().objects.get(username="geren2026").organisation.region.full_name == "江苏省南京市鼓楼区"


def test_a_province_chosen_before_the_cascade_script_ran_still_fills_the_cities(page, live_server, regions):
    # A quick hand (or a slow connection) picks the province while static/js/form_widgets.js is
    # still loading: its change event fires before any listener exists. The script, once it runs,
    # must fill the city list itself (this failed in CI as a race before the script did so).
    held = []
    page.route("**/js/form_widgets*.js*", lambda route: held.append(route))
    page.goto(live_server.url + "/accounts/register/individual/", wait_until="commit")
    page.locator("#id_province").select_option(label="江苏省")
    page.wait_for_timeout(100)
    assert held, "the page asked for the cascade script"
    assert page.locator("#id_city option", has_text="南京市").count() == 0
    held[0].continue_()
    page.locator("#id_city option", has_text="南京市").wait_for(state="attached")
    page.locator("#id_city").select_option(label="南京市")
    page.locator("#id_county option", has_text="鼓楼区").wait_for(state="attached")


def test_an_individual_without_region_completes_it_before_applying(page, live_server, regions):
    from tests.support.factories import DEFAULT_PASSWORD, OrganisationFactory, UserFactory

    organisation = OrganisationFactory(individual=True, region=None, address="", name="王老五")
    UserFactory(username="geren_old", organisation=organisation)
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_username").fill("geren_old")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="完善所在地").wait_for()
    page.goto(live_server.url + "/applications/new/")
    page.get_by_role("heading", name="完善所在地").wait_for()
    page.locator("#id_province").select_option(label="江苏省")
    page.locator("#id_city option", has_text="南京市").wait_for(state="attached")
    page.locator("#id_city").select_option(label="南京市")
    page.locator("#id_county option", has_text="鼓楼区").wait_for(state="attached")
    page.locator("#id_county").select_option(label="鼓楼区")
    page.locator("#id_address").fill("鼓楼区测试路18号")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(live_server.url + "/applications/new/")
    page.get_by_text("所在地已保存").wait_for()
    organisation.refresh_from_db()
    assert organisation.region.full_name == "江苏省南京市鼓楼区"


def _pdf_file(path):
    path.write_bytes(PDF_BYTES)  # a real minimal PDF: uploads are parsed with pypdf
    return str(path)


def _login(page, base, username):
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("Demo@2026pass")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="我的办事").wait_for()


def test_enterprise_fills_prints_resumes_and_submits_a_five_page_application(browser, live_server, tmp_path):
    """Guide 1.5 end to end on the standard form: catalogue → items → six pages with a repeating
    table and uploads → jump, autosave, logout and session expiry without losing anything →
    print the current page → fix what the check page lists → submit."""
    from io import BytesIO

    from django.core.management import call_command
    from pypdf import PdfReader

    from tests.support.factories import make_id_number
    from workflows.models import Application

    call_command("load_demo", force=True, verbosity=0)
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)

    _login(page, base, "demo_enterprise")
    # 在线办理 → the catalogue → 直接办理 → choose items → 点击进入
    page.get_by_role("link", name="在线办理").click()
    page.get_by_role("heading", name="许可目录").wait_for()
    page.get_by_role("link", name="直接办理").first.click()
    page.locator("#id_q").fill("压力容器制造")
    page.get_by_role("button", name="搜索").click()
    page.get_by_label("D 中、低压容器").first.check()
    page.get_by_role("button", name="点击进入").click()

    # Page 1: prefilled from the account, authority derived and read-only.
    page.get_by_role("heading", name="申请单位基本情况").wait_for()
    assert page.locator("#authority").inner_text() == "北京市市场监督管理局"
    assert page.locator('[name="f-org_name"]').input_value() == "北京示范锅炉制造有限公司"
    page.locator('[name="f-production_address"]').fill("北京市朝阳区示范工业园8号")
    page.locator('[name="f-legal_representative"]').fill("欧阳明")
    page.locator('[name="f-postcode"]').fill("100020")
    # An enterprise must give its business licence; the demo enterprise registered without one.
    page.locator('[name="f-business_licence"]').set_input_files(_pdf_file(tmp_path / "营业执照.pdf"))
    page.get_by_role("button", name="下一页").click()

    # Page 2: 申请类别 follows how the draft started (新申请, locked), so the field that only a
    # renewal shows stays hidden; the signed 许可项目表 is uploaded.
    page.get_by_role("heading", name="申请类别").wait_for()
    assert page.locator('[name="f-application_type"]:checked').get_attribute("value") == "新申请"
    assert page.locator('[name="f-application_type"]:not([disabled])').count() == 0
    assert page.locator('[name="f-original_license_number"]').is_hidden()
    page.locator('[name="f-items_table"]').set_input_files(_pdf_file(tmp_path / "许可项目表.pdf"))
    page.get_by_role("button", name="下一页").click()

    # Page 3: the repeating table, with a wrong ID number in the added row.
    page.get_by_role("heading", name="资源条件（人员）").wait_for()
    page.locator('[name="f-technical_staff-0-name"]').fill("张工")
    page.locator('[name="f-technical_staff-0-id_number"]').fill(make_id_number(11))
    page.locator('[name="f-technical_staff-0-certificate_number"]').fill("TSZ-001")
    page.locator('[name="f-technical_staff-0-certificate_valid_until"]').fill("2028-06-30")
    page.get_by_role("button", name="添加一行").click()
    page.locator('[name="f-technical_staff-1-name"]').fill("李工")
    page.locator('[name="f-technical_staff-1-id_number"]').fill("110105199001011230")
    page.get_by_role("button", name="下一页").click()
    page.locator("#error-summary").wait_for()
    assert "第 2 行“身份证号码”" in page.locator("#error-summary").inner_text()
    page.locator('[name="f-technical_staff-1-id_number"]').fill(make_id_number(12))
    page.locator('[name="f-technical_staff-1-certificate_number"]').fill("TSZ-002")
    page.locator('[name="f-technical_staff-1-certificate_valid_until"]').fill("2027-12-31")

    # 打印当前页: saves the page first, then the PDF holds what was typed.
    with context.expect_page() as popup:
        page.get_by_role("button", name="打印当前页").click()
    pdf_url = popup.value.url
    popup.value.close()
    pdf = page.request.get(pdf_url)
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.body())).pages)
    assert "张工" in text and "李工" in text and "TSZ-001" in text and "北京市市场监督管理局" in text

    # Jump with the page list (it saves), then page 4 with a table and two uploads.
    page.get_by_role("button", name="资源条件（设备与场地）").click()
    page.get_by_role("heading", name="资源条件（设备与场地）").wait_for()
    page.locator('[name="f-production_equipment-0-name"]').fill("卷板机")
    page.locator('[name="f-production_equipment-0-model"]').fill("W11-20")
    page.locator('[name="f-production_equipment-0-quantity"]').fill("2")
    page.locator('[name="f-site_area"]').fill("3500")
    png = tmp_path / "厂房照片.png"
    png.write_bytes(png_file().read())
    page.locator('[name="f-site_proof"]').set_input_files([str(png), _pdf_file(tmp_path / "租赁合同.pdf")])
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="租赁合同.pdf").wait_for()
    page.get_by_role("link", name="厂房照片.png").wait_for()

    # Autosave: typed, not submitted, still there after leaving by a link.
    page.locator('[name="f-site_area"]').fill("3600")
    page.locator("#autosave-status", has_text="已保存").wait_for()
    # The demo enterprise's own demo applications are submitted already; this one is the draft.
    application = Application.objects.get(state="draft")
    page_4 = f"{base}/applications/{application.uuid}/pages/4/"

    # The session ends while typing: the value waits in the browser and comes back after login.
    context.clear_cookies()
    page.locator('[name="f-site_area"]').fill("3700")
    page.locator("#autosave-status", has_text="登录已过期").wait_for()
    _login(page, base, "demo_enterprise")
    page.goto(page_4)
    assert page.locator('[name="f-site_area"]').input_value() == "3700"
    page.locator("#autosave-status", has_text="已保存").wait_for()

    # Log out and come back from 许可申请管理: nothing lost.
    page.get_by_role("button", name="退出").click()
    _login(page, base, "demo_enterprise")
    page.get_by_role("link", name="直接办理").click()
    page.get_by_role("link", name="继续填写").click()
    page.get_by_role("button", name="资源条件（人员）").click()
    assert page.locator('[name="f-technical_staff-1-name"]').input_value() == "李工"

    # The check page lists what is missing, each with a link to the field.
    page.get_by_role("button", name="核对并提交").first.click()
    page.get_by_role("heading", name="核对并提交").wait_for()
    problems = page.locator(".problems").inner_text()
    assert "质量手册" in problems and "承诺书" in problems
    page.locator(".problems").get_by_role("link", name="质量保证体系文件版本").click()
    page.locator('[name="f-qms_version"]').fill("第2版")
    page.locator('[name="f-quality_engineer"]').fill("陈质保")
    page.locator('[name="f-quality_manual"]').set_input_files(_pdf_file(tmp_path / "质量手册.pdf"))
    page.get_by_role("button", name="下一页").click()
    page.get_by_role("heading", name="承诺书").wait_for()
    page.locator('[name="f-declaration"]').check()
    page.locator('[name="f-declaration_date"]').fill("2026-11-26")
    page.get_by_role("button", name="核对并提交").last.click()
    page.get_by_role("heading", name="核对并提交").wait_for()
    assert page.locator(".problems").count() == 0, page.locator(".problems").inner_text()
    page.get_by_text("申请书各页均已填写完整").wait_for()
    _confirmed(page, page.get_by_role("button", name="提交"), page.get_by_text("提交成功"))
    submitted = Application.objects.get(pk=application.pk)
    assert submitted.state == "submitted" and submitted.reference in page.content()
    assert submitted.data["site_area"] == "3700" and len(submitted.data["site_proof"]) == 2
    context.close()


# ----- form widgets (static/js/form_widgets.js) -----

COLUMNS = [
    {"label": "姓名", "key": "name", "type": "text", "required": True},
    {"label": "身份证号码", "key": "id_number", "type": "id_number", "required": True},
]


def widget_fields():
    return [one("region", "所在地", "region"), one("table", "技术人员", "staff", columns=COLUMNS)]


def open_form(page, live_server, data):
    schema = schema_of(*widget_fields())
    html = schema.page_form(schema.page(1), data).as_div()
    # Same origin as the live server, so the script's fetch reaches /accounts/regions/.
    page.goto(live_server.url + "/accounts/login/")
    page.set_content(f'<!DOCTYPE html><html><body><form id="f">{html}</form></body></html>')
    # By URL, as the real pages load it: the Content Security Policy refuses inline scripts.
    page.add_script_tag(url=live_server.url + "/static/js/form_widgets.js")
    return schema


def submitted_raw(page, schema):
    pairs = page.evaluate("Array.from(new FormData(document.getElementById('f')).entries())")
    post = query_dict([(name, [value]) for name, value in pairs])
    return schema.page_form(schema.page(1), {}).raw_from_post(post, MultiValueDict())


def test_region_cascade_fills_each_list_from_the_server(page, live_server, regions):
    schema = open_form(page, live_server, {})
    page.locator("#id_f-region-province").select_option(label="浙江省")
    page.locator("#id_f-region-city option", has_text="杭州市").wait_for(state="attached")
    page.locator("#id_f-region-city").select_option(label="杭州市")
    page.locator("#id_f-region-county option", has_text="钱塘区").wait_for(state="attached")
    page.locator("#id_f-region-county").select_option(label="钱塘区")
    assert page.locator("#id_f-region-city option", has_text="南京市").count() == 0
    assert submitted_raw(page, schema)["region"] == "330114"

    # Choosing another province empties the lists below it.
    page.locator("#id_f-region-province").select_option(label="江苏省")
    page.locator("#id_f-region-city option", has_text="南京市").wait_for(state="attached")
    assert page.locator("#id_f-region-county option").count() == 1
    assert submitted_raw(page, schema)["region"] == "320000"


def test_table_rows_are_added_and_deleted(page, live_server, regions):
    first = {"name": "张三", "id_number": make_id_number(1)}
    schema = open_form(page, live_server, {"staff": [first]})
    assert page.get_by_role("button", name="添加一行").is_visible()
    page.get_by_role("button", name="添加一行").click()
    assert page.locator("[data-table-row]").count() == 3
    page.locator('input[name="f-staff-1-name"]').fill("李四")
    page.locator('input[name="f-staff-1-id_number"]').fill(make_id_number(2))
    page.locator('input[name="f-staff-2-name"]').fill("王五")
    page.locator('input[name="f-staff-2-id_number"]').fill(make_id_number(3))

    page.locator("[data-table-row]").nth(0).get_by_role("button", name="删除").click()
    assert page.locator("[data-table-row]").count() == 2
    assert page.locator('input[name="f-staff-0-name"]').input_value() == "李四"
    assert page.locator('input[name="f-staff-TOTAL"]').input_value() == "2"
    assert page.locator('input[name="f-staff-1-name"]').get_attribute("aria-label") == "第 2 行 姓名"
    assert submitted_raw(page, schema)["staff"] == [
        {"name": "李四", "id_number": make_id_number(2)},
        {"name": "王五", "id_number": make_id_number(3)},
    ]


# ----- the whole process across the three roles -----


def _pdf_text(body):
    from io import BytesIO

    from pypdf import PdfReader

    return "".join(p.extract_text() for p in PdfReader(BytesIO(body)).pages)


def _role_page(browser, base, username, staff=False):
    """A browser context of its own for one role, logged in through the real login page: the
    portal's for applicants, the Wagtail admin's for staff."""
    from tests.support.factories import DEFAULT_PASSWORD

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + ("/admin/login/" if staff else "/accounts/login/"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    if staff:
        # The staff member's authenticator app, set up before: the code it shows now.
        device = TOTPDevice.objects.create(user=get_user_model().objects.get(username=username), confirmed=True)
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/admin/2fa/verify/**")
        page.locator("#id_token").fill(_totp_code(base64.b32encode(device.bin_key).decode()))
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(base + "/admin/")
    else:
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="我的办事").wait_for()
    return page


def _totp_code(secret):
    """What an authenticator app set up with this base32 secret shows now."""
    return f"{totp(base64.b32decode(secret + '=' * (-len(secret) % 8))):06d}"


def _staff_action(page, label):
    """On the staff detail page: the action's button in the 办理 section."""
    page.locator(".licensing-actions").get_by_role("link", name=label, exact=True).click()
    page.locator("#header-title", has_text=label).wait_for()


def _confirmed(page, button, done):
    """An irreversible step: tick the "我已确认…" box where the form has one, press `button`, OK
    the confirmation dialog (static/js/confirm.js), then wait for `done`."""
    confirmation = page.locator('input[type=checkbox][name="confirmed"]')
    if confirmation.count():
        confirmation.check()
    button.click()
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    dialog.locator("[data-ok]").click()
    done.wait_for()


def test_application_goes_from_submission_through_correction_and_review_to_a_downloaded_licence(
    browser, live_server, regions, tmp_path
):
    """The whole process end to end in three browser contexts (applicant, authority, review body): submit →
    补正 → resubmit → 受理 → dates agreed → 评审报告 → 评审反馈表 → 准予许可 → the licence PDF."""
    from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema
    from tests.support.builders import page as form_page
    from tests.support.workflow_builders import fill_completely, future, make_parties
    from workflows.models import Application, License, WorkflowSettings

    catalogue = make_catalogue()
    parties = make_parties(catalogue)
    feedback_form = make_form_schema(
        [
            form_page(
                "评审组工作情况",
                "work",
                [
                    field("radio", "总体评价", "overall", choices=["满意", "基本满意", "不满意"]),
                    field("singleline", "填表人", "respondent"),
                ],
            )
        ],
        title="鉴定评审反馈表",
    )
    workflow_settings = WorkflowSettings.load()
    workflow_settings.feedback_form = feedback_form
    workflow_settings.save()
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[catalogue["D"]]))
    body = parties.review_body_org

    def state():
        return Application.objects.get(pk=draft.pk).state

    base = live_server.url
    applicant = _role_page(browser, base, parties.applicant.username)

    # The applicant submits the prepared draft on the check page.
    applicant.goto(base + "/applications/")
    applicant.get_by_role("link", name="继续填写").click()
    applicant.get_by_role("button", name="核对并提交").first.click()
    applicant.get_by_role("heading", name="核对并提交").wait_for()
    applicant.get_by_text("申请书各页均已填写完整").wait_for()
    _confirmed(applicant, applicant.get_by_role("button", name="提交", exact=True), applicant.get_by_text("提交成功"))
    assert state() == "submitted"
    reference = Application.objects.get(pk=draft.pk).reference
    detail = applicant.url
    assert detail.endswith(f"/applications/{draft.uuid}/")

    # 1. The authority finds it in its queue and issues a 补正告知书 for one field.
    authority = _role_page(browser, base, parties.authority.username, staff=True)
    authority.goto(base + "/admin/licensing/")
    authority.get_by_role("link", name=reference).click()
    authority.get_by_role("heading", name="办理", exact=True).wait_for()
    staff_detail = authority.url
    _staff_action(authority, "补正告知")
    authority.get_by_label("法定代表人", exact=True).check()
    authority.locator('[name="comment-field-fa_ding_dai_biao_ren"]').fill("与营业执照不一致")
    authority.get_by_label("补正说明").fill("请一次性补正")
    _confirmed(
        authority, authority.get_by_role("button", name="发出补正告知书"), authority.get_by_text("补正告知书已签发")
    )
    assert authority.url == staff_detail
    assert state() == "correction_requested"

    # 2. The applicant sees the notice, corrects the flagged field and resubmits.
    applicant.goto(detail)
    assert applicant.locator("#state").inner_text() == "待补正"
    applicant.get_by_text("与营业执照不一致").wait_for()
    applicant.get_by_role("link", name="补齐补正").click()
    applicant.get_by_role("heading", name="补齐补正").wait_for()
    # Only the flagged field can be changed.
    assert applicant.locator('[name="f-quality_system"]').count() == 0
    applicant.locator('[name="f-fa_ding_dai_biao_ren"]').fill("李四")
    applicant.get_by_role("button", name="保存", exact=True).click()
    applicant.get_by_text("已保存。确认无误后").wait_for()
    change = applicant.locator('.changes tr[data-key="fa_ding_dai_biao_ren"]')
    assert "张三" in change.inner_text() and "李四" in change.inner_text()
    _confirmed(applicant, applicant.get_by_role("button", name="提交补正"), applicant.get_by_text("补正材料已提交"))
    assert applicant.url == detail
    assert state() == "submitted"
    assert Application.objects.get(pk=draft.pk).data["fa_ding_dai_biao_ren"] == "李四"

    # 3. The authority accepts it and entrusts the review body.
    authority.goto(staff_detail)
    _staff_action(authority, "受理")
    authority.get_by_label("受委托的鉴定评审机构").select_option(label=f"{body.name}（联系人：刘评审 010-12345678）")
    _confirmed(
        authority, authority.get_by_role("button", name="受理"), authority.get_by_text("已受理，受理决定书已签发")
    )
    assert state() == "accepted"
    assert Application.objects.get(pk=draft.pk).review_body == body

    # 4. The applicant sees 已受理 and the 受理决定书 naming the review body and its contact.
    applicant.goto(detail)
    assert applicant.locator("#state").inner_text() == "已受理"
    decision = applicant.get_by_role("link", name="查看受理决定书")
    response = applicant.request.get(base + decision.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.body())
    assert body.name in text and "刘评审" in text

    # 5. The review body proposes two dates; the applicant confirms the second one.
    first_day, second_day = future(20), future(21)
    reviewer = _role_page(browser, base, parties.review_body.username, staff=True)
    reviewer.goto(base + "/admin/licensing/")
    reviewer.get_by_role("link", name=reference).click()
    reviewer.get_by_role("heading", name="办理", exact=True).wait_for()
    reviewer_detail = reviewer.url
    _staff_action(reviewer, "提议鉴定评审时间")
    reviewer.get_by_label("提议日期一").fill(f"{first_day:%Y-%m-%d}")
    reviewer.get_by_label("提议日期二").fill(f"{second_day:%Y-%m-%d}")
    reviewer.get_by_label("说明").fill("请确认其中一个日期")
    reviewer.get_by_role("button", name="提议鉴定评审时间").click()
    reviewer.get_by_text("已向申请单位提议鉴定评审日期").wait_for()
    assert state() == "accepted"

    applicant.goto(detail)
    applicant.get_by_role("link", name="协商鉴定评审时间").click()
    applicant.get_by_role("heading", name="协商鉴定评审时间").wait_for()
    applicant.get_by_label(f"{second_day:%Y-%m-%d}").check()
    applicant.get_by_role("button", name="确认该日期").click()
    applicant.get_by_text("鉴定评审日期已确定").wait_for()
    assert applicant.locator("#state").inner_text() == "已约定评审时间"
    assert applicant.locator("#review-date").inner_text() == f"{second_day:%Y-%m-%d}"
    assert state() == "review_scheduled"

    # 6. The review body submits its report (a PDF) with the conclusion 符合条件.
    reviewer.goto(reviewer_detail)
    _staff_action(reviewer, "提交评审报告")
    reviewer.get_by_label("评审开始日期").fill(f"{second_day:%Y-%m-%d}")
    reviewer.get_by_label("评审结束日期").fill(f"{second_day:%Y-%m-%d}")
    reviewer.get_by_label("符合条件", exact=True).check()
    reviewer.get_by_label("评审意见").fill("资源条件、质量保证体系符合要求。")
    reviewer.get_by_label("评审报告（PDF）").set_input_files(_pdf_file(tmp_path / "评审报告.pdf"))
    _confirmed(reviewer, reviewer.get_by_role("button", name="提交评审报告"), reviewer.get_by_text("评审报告已提交"))
    assert state() == "reviewed"
    assert reviewer.get_by_role("link", name="评审报告.pdf").is_visible()

    # 7. The applicant fills in the 评审反馈表.
    applicant.goto(detail)
    assert applicant.locator("#state").inner_text() == "已评审"
    applicant.get_by_role("link", name="填写评审反馈表").click()
    applicant.get_by_role("heading", name="鉴定评审反馈表").wait_for()
    applicant.get_by_label("满意", exact=True).check()
    applicant.locator('[name="f-respondent"]').fill("王经理")
    _confirmed(
        applicant, applicant.get_by_role("button", name="提交", exact=True), applicant.get_by_text("评审反馈表已提交")
    )
    submitted = Application.objects.get(pk=draft.pk)
    assert submitted.state == "reviewed"
    assert submitted.review_feedback.data == {"overall": "满意", "respondent": "王经理"}

    # 8. The authority approves: 准予许可.
    authority.goto(staff_detail)
    authority.get_by_text("王经理").wait_for()  # the feedback is on the authority's page
    _staff_action(authority, "准予许可")
    authority.get_by_label("审查意见").fill("经审查，符合许可条件。")
    _confirmed(
        authority, authority.get_by_role("button", name="准予许可"), authority.get_by_text("已准予许可，许可证编号")
    )
    assert state() == "approved"
    license = License.objects.get(application_id=draft.pk)
    authority.get_by_text(license.number).first.wait_for()

    # 9. The applicant downloads the licence: its number and items are in the PDF.
    applicant.goto(detail)
    assert applicant.locator("#state").inner_text() == "准予许可"
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name="下载许可证").click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = _pdf_text(Path(download.value.path()).read_bytes())
    assert license.number in text
    for item in license.items:
        assert item["item_name"] in text and item["level_code"] in text
    assert "压力容器制造" in text

    for role_page in (applicant, authority, reviewer):
        role_page.context.close()


# Records every Content-Security-Policy violation of the page (a blocked inline script, eval, ...).
CSP_VIOLATION_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ''}`);
});
"""


def test_admin_needs_no_inline_script(browser, live_server):
    """The admin's script-src has no 'unsafe-inline', and Wagtail's InlinePanel,
    chooser and date pickers, started by static/js/admin-init.js from JSON blocks, still work."""
    from tests.support.builders import make_catalogue
    from tests.support.factories import UserFactory

    item = make_catalogue()["vessel"]
    UserFactory(username="admin0001", is_superuser=True, is_staff=True, organisation=None)
    base = live_server.url
    page = _role_page(browser, base, "admin0001", staff=True)
    page.context.add_init_script(CSP_VIOLATION_RECORDER)
    console_errors, page_errors = [], []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: page_errors.append(str(error)))

    # The licence item's editor: 级别/参数 (InlinePanel), 申请书表单 (snippet chooser), go-live date.
    response = page.goto(f"{base}/admin/pages/{item.pk}/edit/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    page.wait_for_load_state("load")
    levels = page.locator("#id_levels-FORMS > [data-inline-panel-child]:not(.deleted)")
    before = levels.count()
    assert before == item.levels.count() > 0
    page.locator("#id_levels-ADD").click()
    assert levels.count() == before + 1
    assert page.locator("#id_levels-TOTAL_FORMS").input_value() == str(before + 1)
    page.locator(f"#id_levels-{before}-code").fill("X9")  # the new child form is a real form
    # initDateTimeChooser ran: jQuery's datetimepicker is attached to the go-live field.
    assert page.evaluate("() => !!window.jQuery('#id_go_live_at').data('xdsoft_datetimepicker')")
    # The snippet chooser was constructed: its button opens the chooser dialog.
    chooser = page.locator("#id_application_form-chooser .chosen")
    chooser.locator("button").first.click()  # the 操作 menu of the chosen form
    chooser.locator("[data-chooser-action-choose]").click()
    page.locator(".modal").get_by_text("特种设备生产单位许可申请书").first.wait_for()  # the chooser lists it

    # A list with date-range filters: initDateChooser on both inputs, and the picker opens.
    page.goto(f"{base}/admin/licensing/")
    page.wait_for_load_state("load")
    for field in ("#id_submitted_at_0", "#id_submitted_at_1"):
        assert page.evaluate(f"() => !!window.jQuery('{field}').data('xdsoft_datetimepicker')"), field

    page.goto(f"{base}/admin/pages/{item.pk}/edit/")  # once more, after a navigation
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__cspViolations") == []
    # Chromium logs a blocked script as "Refused to execute ... Content Security Policy"; a failed
    # initialiser logs "admin-init: <name>". (Other console errors are not asserted: the live
    # server's SQLite can refuse Wagtail's background session pings with a 400 under load.)
    assert [error for error in console_errors if "Content Security Policy" in error or "admin-init" in error] == []
    assert page_errors == []
    page.context.close()


def _publish_form(page):
    """发布 in the snippet editor's footer: the action menu's dropdown, then its 发布 item."""
    footer = page.locator("footer")
    footer.locator("[data-w-dropdown-target=toggle]").click()
    footer.locator('button[name="action-publish"]').click()


def test_an_editor_publishes_a_form_confirms_the_second_publication_and_reads_the_diff(browser, live_server):
    """版本 and 确认发布 (forms_config/versions.py): a form nothing uses is published at once; once
    live licence items use it and an applicant has a draft, 发布 asks first and says how many;
    版本 then lists both publications with the changed fields."""
    from forms_config.models import ApplicationFormSchema
    from tests.support.builders import ApplicationFactory, make_catalogue, make_form_schema
    from tests.support.factories import UserFactory

    schema = make_form_schema(title="压力管道元件制造许可申请书", publish=False)
    UserFactory(username="editor0001", real_name="赵编辑", is_superuser=True, is_staff=True, organisation=None)
    base = live_server.url
    urls = "wagtailsnippets_forms_config_applicationformschema"
    edit_url = base + reverse(f"{urls}:edit", args=[schema.pk])
    list_url = base + reverse(f"{urls}:list")
    page = _role_page(browser, base, "editor0001", staff=True)

    # 1. A new form nothing uses yet: 发布 publishes at once.
    page.goto(edit_url)
    _publish_form(page)
    page.wait_for_url(list_url)
    assert ApplicationFormSchema.objects.get(pk=schema.pk).live

    # 2. Two live licence items take it up and an applicant starts a draft with it.
    catalogue = make_catalogue(form=schema)
    draft = ApplicationFactory(user=UserFactory(), levels=[catalogue["D"]])

    # 3. The editor relabels 企业名称, makes 法定代表人 optional and publishes: 确认发布 first.
    page.goto(edit_url)
    page.locator('input[name="pages-0-value-fields-0-value-label"]').fill("申请单位名称")
    page.locator('input[name="pages-0-value-fields-1-value-required"]').uncheck()
    _publish_form(page)
    page.wait_for_url(re.compile(r"/admin/snippets/forms_config/applicationformschema/publish/"))
    text = page.locator("main").inner_text()
    assert "正被 2 个已发布的许可项目使用，有 1 份尚未提交的申请草稿" in text
    assert "压力容器制造" in text and "锅炉安装" in text
    assert "标签：“企业名称” → “申请单位名称”" in text  # 本次发布的变化
    live_fields = ApplicationFormSchema.objects.get(pk=schema.pk).pages[0].value["fields"]
    assert live_fields[0].value["label"] == "企业名称"  # nothing published before 确认发布
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_url(list_url)
    page.get_by_text("申请书表单“压力管道元件制造许可申请书”已发布。").wait_for()

    # 4. 版本, from the form's row in the list: two publications, the second with its diff.
    row = page.locator("tr", has_text="压力管道元件制造许可申请书")
    row.locator("[data-w-dropdown-target=toggle]").click()
    row.get_by_role("link", name="版本").click()
    page.wait_for_url(re.compile(r"/admin/snippets/forms_config/applicationformschema/versions/"))
    second = page.get_by_role("region", name=re.compile("^第 2 版"))
    text = second.inner_text()
    assert "当前发布" in text and "赵编辑" in text and "与第 1 版相比" in text
    assert "字段“申请单位名称”（qi_ye_ming_cheng）" in text and "标签：“企业名称” → “申请单位名称”" in text
    assert "字段“法定代表人”（fa_ding_dai_biao_ren）" in text and "必填：是 → 否" in text
    first = page.get_by_role("region", name="第 1 版", exact=True).inner_text()
    assert "赵编辑" in first and "1 份" in first and "首次发布" in first  # the draft froze version 1
    frozen = type(draft).objects.get(pk=draft.pk).schema_version.parsed
    assert frozen.fields_by_key["qi_ye_ming_cheng"].label == "企业名称"
    page.context.close()


# ----- the licence register and public verification -----


def _qr_texts(pdf):
    """Every QR code in the PDF's images, decoded as a phone would (zxing-cpp)."""
    from io import BytesIO

    import zxingcpp
    from pypdf import PdfReader

    return [
        result.text
        for pdf_page in PdfReader(BytesIO(pdf)).pages
        for image in pdf_page.images
        for result in zxingcpp.read_barcodes(image.image)
    ]


def test_approved_licence_is_in_the_register_and_verified_publicly_through_its_qr_code(
    browser, page, live_server, regions, settings
):
    """准予许可 in the admin → 我的许可证 → 许可证查询 by number shows it 有效 → the QR code of the
    downloaded licence is that page's URL, and opening it shows the same licence."""
    from tests.support.builders import make_catalogue
    from tests.support.workflow_builders import application_in, make_parties
    from workflows.models import ApplicationState, License

    base = live_server.url
    # The QR code carries the public site's address: here, the live server's.
    settings.PORTAL_BASE_URL = base
    parties = make_parties(make_catalogue())
    application = application_in(ApplicationState.REVIEWED, parties)

    # 1. The authority's officer approves the reviewed application.
    authority = _role_page(browser, base, parties.authority.username, staff=True)
    authority.goto(base + "/admin/licensing/")
    authority.get_by_role("link", name=application.reference).click()
    authority.get_by_role("heading", name="办理", exact=True).wait_for()
    _staff_action(authority, "准予许可")
    authority.get_by_label("审查意见").fill("经审查，符合许可条件。")
    # An irreversible decision: a "我已确认…" box, and the confirmation dialog where JavaScript has one.
    confirmation = authority.locator('input[type=checkbox][name="confirmed"]')
    if confirmation.count():
        confirmation.check()
    authority.get_by_role("button", name="准予许可").click()
    done = authority.get_by_text("已准予许可，许可证编号")
    dialog_ok = authority.locator("dialog[open] [data-ok]")
    done.or_(dialog_ok).first.wait_for()
    if dialog_ok.count():
        dialog_ok.click()
    done.wait_for()
    license = License.objects.get(application_id=application.pk)
    number = license.number

    # 2. The applicant finds it in 我的许可证, valid, and downloads the PDF.
    applicant = _role_page(browser, base, parties.applicant.username)
    applicant.get_by_role("link", name="查看许可证").click()
    applicant.get_by_role("heading", name="我的许可证").wait_for()
    row = applicant.locator("table.licences tbody tr", has_text=number)
    assert "有效" in row.inner_text()
    row.get_by_role("link", name=number).click()
    applicant.get_by_role("heading", name=f"许可证 {number}").wait_for()
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name="下载许可证").click()
    pdf = Path(download.value.path()).read_bytes()
    assert f"校验码：{license.verification_code}" in _pdf_text(pdf)
    qr_urls = _qr_texts(pdf)

    # 3. Anyone, not logged in, looks the number up on 许可证查询 (linked from every page's header).
    page.goto(base + "/accounts/login/")
    page.get_by_role("link", name="许可证查询").click()
    page.get_by_role("heading", name="许可证查询").wait_for()
    page.get_by_label("许可证编号").fill(number)
    page.get_by_role("button", name="查询").click()
    record = page.locator(f"#license-{number}")
    record.wait_for()
    assert record.locator("[data-status]").inner_text() == "有效"
    assert license.holder_name in record.inner_text()
    assert license.verification_code in record.inner_text()

    # 4. The licence's QR code is exactly that page's address for this number, and opening it
    #    (as a phone does after scanning) shows the same licence as valid.
    assert qr_urls == [f"{base}/verify/?number={number}"]
    page.goto(qr_urls[0])
    scanned = page.locator(f"#license-{number}")
    scanned.wait_for()
    assert scanned.locator("[data-status]").inner_text() == "有效"
    assert page.locator("#results article").count() == 1

    for role_page in (authority, applicant):
        role_page.context.close()


# ----- accessibility: keyboard only, phones, screenshots -----
# axe-core runs on every page of every journey (tests/browser/axe.py, hooked in conftest.py).


def _focused(page, selector):
    return page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)


def _tab_to(page, selector, limit=120, key="Tab"):
    """Tab (or Shift+Tab) until the focus is on `selector`: the control is reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press(key)
        if _focused(page, selector):
            return
    described = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"{selector} not reached with {key}; the focus is on {described}")


def _focus_ring(page):
    """The focused element's outline: what shows a keyboard user where they are."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth] }"
    )


def _tab_type(page, selector, text):
    _tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def _press_on(page, selector, key="Enter"):
    _tab_to(page, selector)
    page.keyboard.press(key)


def _choose_by_arrows(page, label, limit=60):
    """On the focused select, ArrowDown until `label` is chosen (each step fires change, as a
    keyboard user's does; the cascade ignores stale answers)."""
    for _ in range(limit):
        if page.evaluate("() => { const s = document.activeElement; return s.options[s.selectedIndex].text }") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {label} not reached with ArrowDown")


def _wait_for_option(page, select, label):
    page.locator(f"{select} option", has_text=label).wait_for(state="attached")


def _type_date(page, iso):
    """Into the focused date field, segment by segment. Chromium lays the field out in its own
    locale (en-US here: month, day, year), whatever the page's language."""
    year, month, day = iso.split("-")
    page.keyboard.type(month + day + year)
    value = page.evaluate("() => document.activeElement.value")
    assert value == iso, f"date field holds {value!r}, not {iso}"


def _upload_by_keyboard(page, selector, *paths):
    """Tab to the file field and open its chooser with Space, as a keyboard user does (Enter in a
    form field submits the form, as in any browser)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    _tab_to(page, selector)
    for attempt in range(3):
        # Under load Chromium now and then drops the chooser of a Space press (seen once in CI on
        # PostgreSQL, never locally): press again, still on the field, rather than fail the journey.
        try:
            with page.expect_file_chooser(timeout=5_000) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            assert _focused(page, selector), f"the focus left {selector}"
    chooser.value.set_files([str(path) for path in paths])


def _tab_to_label(page, text, limit=200):
    """Tab to the first control whose wrapping <label> reads `text`."""
    script = "() => { const l = document.activeElement.closest('label'); return l ? l.innerText.trim() : '' }"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if re.sub(r"\s+", " ", page.evaluate(script)) == text:
            return
    raise AssertionError(f"no control labelled {text} reached with Tab")


def test_enterprise_registers_with_the_keyboard_only(page, live_server, regions, tmp_path):
    """Registration without a mouse: Tab, Shift+Tab, arrows, Space, Enter and typing."""
    licence = tmp_path / "营业执照.png"
    licence.write_bytes(png_file().read())
    page.goto(live_server.url + "/accounts/register/")
    page.keyboard.press("Tab")
    assert _focused(page, ".skip-link"), "the first Tab stop is the skip link"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    # After the skip link the focus continues inside <main>, not in the header.
    assert page.evaluate("() => !!document.activeElement.closest('main')")
    _tab_to(page, "a[href$='/register/enterprise/']")
    assert _focus_ring(page) == ["solid", "3px"], "a focused link shows the focus ring"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="企业注册").wait_for()

    _tab_to(page, "input[name=enterprise_category]")
    radio_group = page.evaluate("() => document.activeElement.name")
    # Arrow keys move the choice inside a radio group.
    checked_label = (
        "(n) => { const c = document.querySelector(`input[name=${n}]:checked`); return c && c.labels[0].innerText }"
    )
    for _ in range(4):
        if (page.evaluate(checked_label, radio_group) or "").strip() == "非法人企业":
            break
        page.keyboard.press("ArrowDown")
    assert page.get_by_label("非法人企业").is_checked()
    _tab_type(page, "#id_username", "jianpan2026")
    assert _focus_ring(page) == ["solid", "3px"], "a focused input shows the focus ring"
    _tab_type(page, "#id_password1", PASSWORD)
    _tab_type(page, "#id_password2", PASSWORD)
    _tab_type(page, "#id_name", "浙江键盘电梯安装有限公司")
    _tab_to(page, "#id_enterprise_type")
    _choose_by_arrows(page, "公司")
    _tab_type(page, "#id_credit_code", make_uscc(4343))
    _upload_by_keyboard(page, "#id_business_licence", licence)

    # The 省 → 市 → 区 cascade with arrow keys: each list fills after the one above changes.
    _tab_to(page, "#id_province")
    _choose_by_arrows(page, "浙江省")
    _wait_for_option(page, "#id_city", "杭州市")
    _tab_to(page, "#id_city")
    _choose_by_arrows(page, "杭州市")
    _wait_for_option(page, "#id_county", "钱塘区")
    _tab_to(page, "#id_county")
    _choose_by_arrows(page, "钱塘区")
    _tab_type(page, "#id_address", "钱塘区键盘路1号")
    _tab_type(page, "#id_contact_name", "赵六")
    _tab_type(page, "#id_contact_id_number", make_id_number(8))
    _tab_type(page, "#id_mobile", "13712345679")
    _tab_to(page, "#send-sms")
    assert _focus_ring(page) == ["solid", "3px"], "a focused button shows the focus ring"
    page.keyboard.press("Enter")
    page.get_by_text("验证码已发送").wait_for()
    code = re.search(r"\d{6}", locmem.outbox[-1]["message"]).group(0)
    _tab_type(page, "#id_sms_code", code)
    # Back with Shift+Tab to check the form is walkable both ways, then on to 注册.
    _tab_to(page, "#id_mobile", key="Shift+Tab")
    _press_on(page, "#register-form button[type=submit].primary")

    page.get_by_role("heading", name="注册成功").wait_for()
    user = get_user_model().objects.get(username="jianpan2026")
    assert user.organisation.region.full_name == "浙江省杭州市钱塘区"
    assert user.organisation.business_licence
    assert user.organisation.name == "浙江键盘电梯安装有限公司"


def test_error_messages_are_tied_to_their_fields_and_announced(page, live_server, regions):
    """Each error is the field's accessible description, and the summary takes the focus."""
    page.goto(live_server.url + "/accounts/register/enterprise/")
    _tab_type(page, "#id_username", "ab")
    _press_on(page, "#register-form button[type=submit].primary")
    page.locator("#error-summary").wait_for()
    assert _focused(page, "#error-summary")
    described = page.locator("#id_username").get_attribute("aria-describedby") or ""
    assert "id_username_error" in described.split()
    assert page.locator("#id_username").get_attribute("aria-invalid") == "true"
    assert "用户名为4-20个字符" in page.locator("#id_username_error").inner_text()


def test_whole_application_with_the_keyboard_only(browser, live_server, tmp_path):
    """Choose items, every page of the standard form (region cascade, repeating tables,
    uploads, a conditional field, the declaration), the check page and 提交, all from the keyboard."""
    from django.core.management import call_command

    from workflows.models import Application

    call_command("load_demo", force=True, verbosity=0)
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(base + "/accounts/login/")
    _tab_type(page, "#id_username", "demo_enterprise")
    _tab_type(page, "#id_password", "Demo@2026pass")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="我的办事").wait_for()
    page.goto(base + "/applications/")
    _press_on(page, "main a[href$='/applications/new/']")
    page.get_by_role("heading", name="选取许可项目").wait_for()
    _tab_type(page, "#id_q", "压力容器制造")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=*")
    _tab_to_label(page, "D 中、低压容器")
    page.keyboard.press("Space")
    _press_on(page, "#choose-items button[type=submit]")

    # Page 1: the region cascade, changed from the prefilled Beijing to Tianjin.
    page.get_by_role("heading", name="申请单位基本情况").wait_for()
    _tab_to(page, 'select[name="f-region-province"], select[name^="f-region"]')
    _choose_by_arrows(page, "天津市")
    levels = page.locator("[data-form-widget=region] select[data-region-level]")
    second, third = (f'[id="{levels.nth(i).get_attribute("id")}"]' for i in (1, 2))
    _wait_for_option(page, second, "市辖区")
    _tab_to(page, second)
    _choose_by_arrows(page, "市辖区")
    _wait_for_option(page, third, "和平区")
    _tab_to(page, third)
    _choose_by_arrows(page, "和平区")
    _tab_type(page, '[name="f-address"]', "和平区键盘路2号")
    _tab_type(page, '[name="f-production_address"]', "天津市和平区示范工业园9号")
    _tab_type(page, '[name="f-legal_representative"]', "欧阳明")
    _tab_type(page, '[name="f-postcode"]', "300000")
    # The demo enterprise registered without a business licence: an enterprise must give one.
    _upload_by_keyboard(page, '[name="f-business_licence"]', _pdf_file(tmp_path / "营业执照.pdf"))
    _press_on(page, "button[name=action][value=next]")

    # Page 2: 申请类别 follows how the draft started (新申请, shown disabled); the signed 许可项目表.
    page.get_by_role("heading", name="申请类别").wait_for()
    assert page.locator('[name="f-application_type"]:checked').get_attribute("value") == "新申请"
    assert page.locator('[name="f-application_type"]:not([disabled])').count() == 0
    _upload_by_keyboard(page, '[name="f-items_table"]', _pdf_file(tmp_path / "许可项目表.pdf"))
    _press_on(page, "button[name=action][value=next]")

    # Page 3: the repeating table: type a row, add rows with Enter, delete one with Enter.
    page.get_by_role("heading", name="资源条件（人员）").wait_for()
    _tab_type(page, '[name="f-technical_staff-0-name"]', "张工")
    _tab_type(page, '[name="f-technical_staff-0-id_number"]', make_id_number(21))
    _tab_type(page, '[name="f-technical_staff-0-certificate_number"]', "TSZ-101")
    _tab_to(page, '[name="f-technical_staff-0-certificate_valid_until"]')
    _type_date(page, "2028-06-30")
    _press_on(page, "[data-table-add]")
    assert _focused(page, '[name="f-technical_staff-1-name"]'), "添加一行 puts the focus in the new row"
    page.keyboard.type("误填")
    _press_on(page, "[data-table-add]", key="Space")
    assert _focused(page, '[name="f-technical_staff-2-name"]')
    page.keyboard.type("李工")
    # Delete the second row (误填) from its own 删除 button, reached with Shift+Tab.
    _tab_to(page, "[data-table-row]:nth-child(2) [data-table-delete]", key="Shift+Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "删除第 2 行"
    page.keyboard.press("Enter")
    assert page.locator("#field-f-technical_staff [data-table-row]").count() == 2
    # The focus stays in the table (on the row that moved up), not lost to the page's top.
    assert page.evaluate("() => !!document.activeElement.closest('[data-form-widget=table]')")
    assert page.locator('[name="f-technical_staff-1-name"]').input_value() == "李工"
    _tab_type(page, '[name="f-technical_staff-1-id_number"]', make_id_number(22))
    _tab_type(page, '[name="f-technical_staff-1-certificate_number"]', "TSZ-102")
    _tab_to(page, '[name="f-technical_staff-1-certificate_valid_until"]')
    _type_date(page, "2027-12-31")
    _press_on(page, "button[name=action][value=next]")

    # Page 4: a table row, a number and two uploads through the file chooser.
    page.get_by_role("heading", name="资源条件（设备与场地）").wait_for()
    _tab_type(page, '[name="f-production_equipment-0-name"]', "卷板机")
    _tab_type(page, '[name="f-production_equipment-0-model"]', "W11-20")
    _tab_type(page, '[name="f-production_equipment-0-quantity"]', "2")
    _tab_type(page, '[name="f-site_area"]', "3500")
    png = tmp_path / "厂房照片.png"
    png.write_bytes(png_file().read())
    _upload_by_keyboard(page, '[name="f-site_proof"]', png, _pdf_file(tmp_path / "租赁合同.pdf"))
    _press_on(page, "button[name=action][value=next]")

    # Page 5: text and a single upload.
    page.get_by_role("heading", name="质量保证体系").wait_for()
    _tab_type(page, '[name="f-qms_version"]', "第2版")
    _tab_type(page, '[name="f-quality_engineer"]', "陈质保")
    _upload_by_keyboard(page, '[name="f-quality_manual"]', _pdf_file(tmp_path / "质量手册.pdf"))
    _press_on(page, "button[name=action][value=next]")

    # Page 6: the declaration with Space, its date, then 核对并提交.
    page.get_by_role("heading", name="承诺书").wait_for()
    _tab_to(page, '[name="f-declaration"]')
    page.keyboard.press("Space")
    _tab_to(page, '[name="f-declaration_date"]')
    _type_date(page, "2026-11-26")
    _press_on(page, "button[name=action][value=next]")

    page.get_by_role("heading", name="核对并提交").wait_for()
    assert page.locator(".problems").count() == 0, page.locator(".problems").inner_text()
    _press_on(page, "main form button[type=submit].primary")
    # The confirmation dialog (if any) opens with the focus inside it: Enter confirms.
    if page.locator("dialog[open]").count():
        assert page.evaluate("() => !!document.activeElement.closest('dialog')")
        _press_on(page, "dialog[open] [value=ok], dialog[open] button.primary")
    page.get_by_text("提交成功").wait_for()

    application = Application.objects.exclude(reference="").latest("submitted_at")
    assert application.state == "submitted"
    data = application.data
    assert data["region"].startswith("120101") or data["region"] == "120101", data["region"]
    assert data["application_type"] == "新申请" and data["items_table"] and data["business_licence"]
    assert [row["name"] for row in data["technical_staff"]] == ["张工", "李工"]
    assert data["technical_staff"][0]["certificate_valid_until"] == "2028-06-30"
    assert len(data["site_proof"]) == 2 and data["quality_manual"]
    context.close()


def _demo_staff_page(browser, base, username, viewport):
    """A demo staff member logged in to the admin with the demo password and authenticator."""
    from demo.accounts import DEMO_PASSWORD, DEMO_TOTP_SECRET

    context = browser.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/2fa/verify/**")
    page.locator("#id_token").fill(_totp_code(DEMO_TOTP_SECRET))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(base + "/admin/")
    return page


def _demo_world(review=True):
    """load_demo's applications, one more step each: a draft, a 补正告知书 on the submitted one,
    and (`review`) the accepted one reviewed (its dates agreed, the report in) so that 准予许可 is
    open; without it the accepted one waits for the applicant to agree a review date."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cms.models import LicenseLevel
    from demo.applications import DEMO_SUBMITTED_LEVEL
    from tests.support.workflow_builders import report_file
    from workflows import actions, services
    from workflows.models import Application, License, ReviewAppointment, ReviewConclusion

    call_command("load_demo", force=True, verbosity=0)
    users = get_user_model().objects
    applicant, officer, reviewer = (users.get(username=n) for n in ("demo_enterprise", "bj_staff", "csei_staff"))
    slug, code = DEMO_SUBMITTED_LEVEL
    draft = services.start_application(applicant, [LicenseLevel.objects.get(item__slug=slug, code=code).pk])
    submitted = Application.objects.get(applicant=applicant.organisation, state="submitted")
    actions.request_correction(
        submitted,
        officer,
        [
            {
                "target": "field",
                "key": "legal_representative",
                "label": "法定代表人",
                "page_number": 1,
                "comment": "与营业执照不一致，请核对",
            }
        ],
        "请一次性补正以下内容",
    )
    accepted = Application.objects.get(applicant=applicant.organisation, state="accepted")
    if review:
        day = datetime.date.fromisoformat(ReviewAppointment.objects.filter(application=accepted).latest("pk").dates[0])
        actions.agree_review_date(accepted, applicant, day)
        actions.submit_review_report(
            Application.objects.get(pk=accepted.pk),
            reviewer,
            reviewed_from=day,
            reviewed_to=day,
            conclusion=ReviewConclusion.QUALIFIED,
            summary="资源条件、质量保证体系符合要求。",
            report_file=report_file(),
            materials=[],
        )
    approved = Application.objects.get(applicant=applicant.organisation, state="approved")
    return {
        "draft": draft,
        "corrected": Application.objects.get(pk=submitted.pk),
        "reviewed": Application.objects.get(pk=accepted.pk),
        "approved": approved,
        "licence": License.objects.get(application=approved),
    }


def _portal_pages(world):
    """Every portal page, anonymous and the applicant's, by a name for its screenshot."""
    from cms.models import GuidePage, LicenseCatalogPage, LicenseItemPage

    draft, corrected = world["draft"], world["corrected"]
    reviewed, approved, licence = world["reviewed"], world["approved"], world["licence"]
    anonymous = [
        ("home", "/"),
        ("catalogue", LicenseCatalogPage.objects.live().first().url),
        ("licence-item", LicenseItemPage.objects.live().first().url),
        ("guide", GuidePage.objects.live().first().url),
        ("login", "/accounts/login/"),
        ("register", "/accounts/register/"),
        ("register-guide", "/accounts/register/guide/"),
        ("register-person", "/accounts/register/individual/"),
        ("register-enterprise", "/accounts/register/enterprise/"),
        ("register-institution", "/accounts/register/institution/"),
        ("password-reset", "/accounts/password-reset/"),
        ("verify", "/verify/"),
        ("verify-result", f"/verify/?number={licence.number}&code={licence.verification_code}"),
    ]
    pages = draft.schema_version.parsed.pages
    applicant = [
        ("my-services", "/accounts/my/"),
        ("applicant-list", "/applications/"),
        ("choose-items", "/applications/new/"),
        ("choose-items-search", "/applications/new/?q=压力容器"),
        *[(f"application-page-{p.number}", f"/applications/{draft.uuid}/pages/{p.number}/") for p in pages],
        ("check", f"/applications/{draft.uuid}/check/"),
        ("delete-draft", f"/applications/{draft.uuid}/delete/"),
        ("applicant-detail-correction", f"/applications/{corrected.uuid}/"),
        ("correction", f"/applications/{corrected.uuid}/correction/"),
        ("withdraw", f"/applications/{corrected.uuid}/withdraw/"),
        ("applicant-detail-accepted", f"/applications/{reviewed.uuid}/"),
        ("review-date", f"/applications/{reviewed.uuid}/review-date/"),
        ("applicant-detail-approved", f"/applications/{approved.uuid}/"),
        ("feedback", f"/applications/{approved.uuid}/feedback/"),
        ("notifications", "/applications/notifications/"),
        ("licences", "/applications/licences/"),
        ("licence-detail", f"/applications/licences/{licence.pk}/"),
        ("api-token", "/accounts/api-token/"),
    ]
    return anonymous, applicant


def _visit_at_phone_width(page, base, name, path, folder):
    from tests.browser.screens import horizontal_overflow, save_screen

    response = page.goto(base + path)
    assert response is not None and response.ok, f"{name}: {path} answered {response and response.status}"
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.__axeState === 'done'")  # axe-core has checked this page
    overflow = horizontal_overflow(page)
    assert overflow["overflow"] <= 0, f"{name} ({path}) scrolls sideways at 375 px: {overflow}"
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    if name in PHONE_SCREENS:
        save_screen(page, f"phone-{name}")


PHONE_SCREENS = {"home", "register-enterprise", "application-page-3", "check", "applicant-list", "correction"}


def test_every_portal_page_works_at_375px(browser, live_server, tmp_path):
    """At 375 px every portal page fits (no sideways scrolling, tables reflow into one
    block per row), each is screenshotted (tmp_path, or docs/screens/ with `make screenshots`) and
    checked by axe-core."""
    from tests.browser.screens import PHONE

    world = _demo_world(review=False)
    base = live_server.url
    anonymous, applicant = _portal_pages(world)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(15_000)
    for name, path in anonymous:
        _visit_at_phone_width(page, base, name, path, tmp_path)
    _login(page, base, "demo_enterprise")
    for name, path in applicant:
        _visit_at_phone_width(page, base, name, path, tmp_path)
    # The repeating table at phone width: every cell is labelled by its column.
    page.goto(f"{base}/applications/{world['draft'].uuid}/pages/3/")
    first_cell = page.locator("[data-form-widget=table] tbody td[data-label]").first
    assert first_cell.get_attribute("data-label") == "序号"
    assert page.evaluate("() => getComputedStyle(document.querySelector('[data-form-widget=table] tr')).display") == (
        "block"
    )
    assert len(list(tmp_path.glob("*.png"))) == len(anonymous) + len(applicant)
    context.close()


def test_a_visitor_verifies_a_signed_licence_by_uploading_it(browser, live_server, tmp_path):
    """核验文件: the licence PDF issued by the real 准予许可 with the authority's signing identity,
    uploaded by a visitor on 许可证查询, is 签名有效, signed by that authority and on record; its
    altered copy is 签名无效. Saves docs/screens/verify-signature.png (`make screenshots`)."""
    from tests.browser.screens import DESKTOP, save_screen
    from tests.support.builders import make_catalogue
    from tests.support.signed_files import issued_licence, with_byte_changed
    from tests.support.workflow_builders import make_parties
    from workflows import signature_check

    licence, document, _identity = issued_licence(make_parties(make_catalogue()))
    signed = tmp_path / "许可证.pdf"
    signed.write_bytes(document.read())
    altered = tmp_path / "许可证-副本.pdf"
    altered.write_bytes(with_byte_changed(document.read()))
    assert b"/ByteRange" in document.read()  # signed by documents.issue, not after the fact

    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/")
    page.get_by_role("link", name="许可证查询").first.click()
    page.get_by_role("heading", name="核验文件").wait_for()
    page.get_by_label("待核验文件").set_input_files(str(signed))
    page.get_by_role("button", name="核验", exact=True).click()
    verdict = page.locator("#verdict")
    verdict.wait_for()
    assert page.locator("#verdict-headline").inner_text() == "签名有效"
    assert page.locator("#verdict-signer .signer-authority").inner_text() == licence.authority.name
    assert licence.number in page.locator("#verdict-record").inner_text()
    assert "有效" in page.locator("#verdict-licence [data-status]").inner_text()
    page.wait_for_function("() => window.__axeState === 'done'")
    save_screen(page, "verify-signature")

    page.get_by_label("待核验文件").set_input_files(str(altered))
    page.get_by_role("button", name="核验", exact=True).click()
    page.locator('#verdict[data-status="altered"]').wait_for()
    assert page.locator("#verdict-headline").inner_text() == "签名无效（文件在签名后被修改）"
    context.close()
    # Checked here too, in the test's own thread where Playwright's loop runs.
    assert signature_check.check_pdf(document.read()).is_valid


def test_key_screens_of_each_role(browser, live_server):
    """The screens docs/screens/ shows (`make screenshots`), at desktop width, each checked by
    axe-core: registration, the application's pages and check page, the applicant's list, detail
    and correction notice, and the staff's queue, detail and decision."""
    from tests.browser.screens import DESKTOP, save_screen

    world = _demo_world()
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/register/enterprise/")
    save_screen(page, "registration")
    page.locator("#register-form button[type=submit].primary").click()
    page.locator("#error-summary").wait_for()
    save_screen(page, "registration-errors")
    # The admin's branded login and a refused address's Chinese page, before anyone logs in.
    for name, path, ok in [("admin-login", "/admin/login/", True), ("error-404", "/no-such-page/", False)]:
        assert page.goto(base + path).ok is ok, path
        page.wait_for_load_state("load")
        page.wait_for_function("() => window.__axeState === 'done'")
        save_screen(page, name)
    _login(page, base, "demo_enterprise")
    draft, corrected = world["draft"], world["corrected"]
    shots = [
        ("applicant-list", "/applications/"),
        ("choose-items", "/applications/new/?q=压力容器"),
        ("application-page-1", f"/applications/{draft.uuid}/pages/1/"),
        ("application-page-3-table", f"/applications/{draft.uuid}/pages/3/"),
        ("application-page-4-uploads", f"/applications/{draft.uuid}/pages/4/"),
        ("check", f"/applications/{draft.uuid}/check/"),
        ("applicant-detail", f"/applications/{world['approved'].uuid}/"),
        ("correction-notice", f"/applications/{corrected.uuid}/"),
        ("correction", f"/applications/{corrected.uuid}/correction/"),
        ("licences", "/applications/licences/"),
        ("licence-detail", f"/applications/licences/{world['licence'].pk}/"),
        ("verify-result", f"/verify/?number={world['licence'].number}&code={world['licence'].verification_code}"),
    ]
    for name, path in shots:
        assert page.goto(base + path).ok, path
        page.wait_for_load_state("load")
        page.wait_for_function("() => window.__axeState === 'done'")
        save_screen(page, name)
    context.close()

    staff = _demo_staff_page(browser, base, "bj_staff", DESKTOP)
    reviewed = world["reviewed"]
    for name, path in [
        ("staff-dashboard", "/admin/"),
        ("staff-queue", "/admin/licensing/"),
        ("staff-detail", f"/admin/licensing/{reviewed.pk}/"),
        ("staff-decision", f"/admin/licensing/{reviewed.pk}/approve/"),
        ("staff-detail-correction", f"/admin/licensing/{world['corrected'].pk}/"),
        # The statistics and licence register staff screens: axe checks them like the rest.
        ("staff-statistics", "/admin/statistics/"),
        ("staff-licences", "/admin/licences/"),
    ]:
        assert staff.goto(base + path).ok, path
        staff.wait_for_load_state("load")
        staff.wait_for_function("() => window.__axeState === 'done'", timeout=30_000)
        save_screen(staff, name)
    staff.context.close()

    from forms_config.models import ApplicationFormSchema

    form = ApplicationFormSchema.objects.filter(live=True).order_by("pk").first()
    editor = _demo_staff_page(browser, base, "editor", DESKTOP)
    for name, path in [
        ("editor-forms", reverse("wagtailsnippets_forms_config_applicationformschema:list")),
        ("editor-form-import", reverse("wagtailsnippets_forms_config_applicationformschema:import")),
        (
            "editor-form-versions",
            reverse("wagtailsnippets_forms_config_applicationformschema:versions", args=[form.pk]),
        ),
    ]:
        assert editor.goto(base + path).ok, path
        editor.wait_for_load_state("load")
        editor.wait_for_function("() => window.__axeState === 'done'", timeout=30_000)
        save_screen(editor, name)
    editor.context.close()


# ----- comforts: error summary, autosave, session warning, uploads, confirmations, print -----


def _demo_draft():
    """load_demo's applicant with a fresh draft of the standard form (page 4 has a file field)."""
    from django.core.management import call_command

    from cms.models import LicenseLevel
    from demo.applications import DEMO_SUBMITTED_LEVEL
    from workflows import services

    call_command("load_demo", force=True, verbosity=0)
    slug, code = DEMO_SUBMITTED_LEVEL
    applicant = get_user_model().objects.get(username="demo_enterprise")
    return services.start_application(applicant, [LicenseLevel.objects.get(item__slug=slug, code=code).pk])


def _follow_summary_link(page, field_selector):
    """Click the error summary's link to a field: the focus lands in that field."""
    field_id = page.locator(field_selector).get_attribute("id")
    page.locator(f'#error-summary a[href="#{field_id}"]').click()
    assert _focused(page, field_selector), "the summary's link did not move the focus to its field"


def test_error_summary_takes_the_focus_and_its_links_lead_to_the_fields(page, live_server):
    from playwright.sync_api import expect

    draft = _demo_draft()
    base = live_server.url

    # A wrong login: the summary is announced and focused first.
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill("demo_enterprise")
    page.locator("#id_password").fill("wrong-Password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#error-summary")).to_be_focused()

    # An application page with an invalid postcode: the same, and its link reaches the field.
    _login(page, base, "demo_enterprise")
    page.goto(f"{base}/applications/{draft.uuid}/pages/1/")
    page.locator('[name="f-postcode"]').fill("12")
    page.get_by_role("button", name="下一页").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.locator('[name="f-postcode"]').get_attribute("aria-invalid") == "true"
    _follow_summary_link(page, '[name="f-postcode"]')


def test_autosave_says_when_it_saved_and_keeps_the_value_when_it_fails(page, live_server):
    from playwright.sync_api import expect

    from workflows.models import Application

    draft = _demo_draft()
    base = live_server.url
    _login(page, base, "demo_enterprise")
    page.goto(f"{base}/applications/{draft.uuid}/pages/1/")
    status = page.locator("#autosave-status")

    with page.expect_response(lambda r: r.url.endswith("/pages/1/autosave/"), timeout=10_000) as saved:
        page.locator('[name="f-legal_representative"]').fill("欧阳明")
    answer = saved.value.json()
    assert saved.value.ok and answer["ok"]
    expect(status).to_have_text(re.compile(r"^已保存 \d{2}:\d{2}$"))
    expect(status).to_have_text(f"已保存 {answer['saved_time']}")
    assert Application.objects.get(pk=draft.pk).data["legal_representative"] == "欧阳明"

    # The network fails: a message says so, the value stays in the field and in the browser.
    page.route("**/pages/1/autosave/", lambda route: route.abort())
    page.locator('[name="f-legal_representative"]').fill("欧阳亮")
    expect(status).to_contain_text("未能保存", timeout=10_000)
    expect(status).to_have_class(re.compile(r"\berror\b"))
    assert page.locator('[name="f-legal_representative"]').input_value() == "欧阳亮"
    assert Application.objects.get(pk=draft.pk).data["legal_representative"] == "欧阳明"

    # The network is back: opening the page again restores the value and delivers it.
    page.unroute("**/pages/1/autosave/")
    page.goto(f"{base}/applications/{draft.uuid}/pages/1/")
    assert page.locator('[name="f-legal_representative"]').input_value() == "欧阳亮"
    expect(status).to_have_text(re.compile(r"^已保存 \d{2}:\d{2}$"), timeout=10_000)
    assert Application.objects.get(pk=draft.pk).data["legal_representative"] == "欧阳亮"


def test_session_warning_keeps_the_login_and_then_says_it_expired(page, live_server, settings):
    from playwright.sync_api import expect

    # The live server thread reads the same settings object: a five-minute idle timeout, of
    # which the page can count on four (portal/sessions.py renews at most once a minute).
    settings.SESSION_COOKIE_AGE = 300
    settings.SESSION_RENEW_SECONDS = 60
    _demo_draft()
    base = live_server.url
    # The page's clock, not the server's, is moved on: the session stays valid on the server.
    page.clock.install()
    _login(page, base, "demo_enterprise")
    page.goto(base + "/applications/")
    dialog = page.locator("#session-dialog")
    assert dialog.get_attribute("data-session-seconds") == "240"
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("02:05")  # two minutes before the end
    expect(dialog).to_be_visible(timeout=5_000)
    keep = dialog.get_by_role("button", name="继续保持登录")
    expect(keep).to_be_focused()
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/keepalive/")) as kept:
        keep.click()
    assert kept.value.status == 200 and kept.value.json()["expires_in"] == 300
    expect(dialog).to_be_hidden(timeout=5_000)
    page.wait_for_timeout(1_500)  # a tick or two: the renewed countdown does not reopen it
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("04:05")  # past the renewed end
    expired = dialog.get_by_role("link", name="重新登录")
    expect(expired).to_be_visible(timeout=5_000)
    expect(dialog.get_by_role("heading", name="登录已过期")).to_be_visible()
    expect(expired).to_be_focused()
    assert expired.get_attribute("href") == "/accounts/login/?next=/applications/"
    page.keyboard.press("Escape")  # the notice stays until the user logs in again
    expect(expired).to_be_visible()
    # By now the server has ended the session too: the link logs in again and comes back here.
    page.context.clear_cookies()
    expired.click()
    page.wait_for_url(base + "/accounts/login/?next=/applications/")
    page.locator("#id_username").fill("demo_enterprise")
    page.locator("#id_password").fill("Demo@2026pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/applications/")


def test_upload_failures_are_explained_next_to_the_field_and_nothing_typed_is_lost(page, live_server, tmp_path):
    from playwright.sync_api import expect

    draft = _demo_draft()
    base = live_server.url
    page_4 = f"{base}/applications/{draft.uuid}/pages/4/"
    _login(page, base, "demo_enterprise")
    page.goto(page_4)
    page.get_by_role("heading", name="资源条件（设备与场地）").wait_for()
    png = tmp_path / "厂房照片.png"
    png.write_bytes(png_file().read())
    page.locator('[name="f-site_area"]').fill("3500")
    page.locator('[name="f-site_proof"]').set_input_files(str(png))
    error = page.locator('[name="f-site_proof"] + p.upload-error')

    def answer_with(outcome):
        def handle(route):
            if route.request.method != "POST":
                return route.continue_()
            if outcome == "abort":
                return route.abort()
            return route.fulfill(status=413, body="Request Entity Too Large", content_type="text/plain")

        page.unroute(page_4)
        page.route(page_4, handle)

    answer_with("abort")
    page.get_by_role("button", name="保存").click()
    expect(error).to_contain_text("网络中断，文件未能上传")

    answer_with(413)
    page.get_by_role("button", name="保存").click()
    expect(error).to_contain_text("文件太大，服务器拒绝接收")
    assert error.count() == 1  # the earlier message was replaced, not added to
    assert page.locator('[name="f-site_area"]').input_value() == "3500"
    assert page.locator('[name="f-site_proof"]').evaluate("(input) => input.files.length") == 1
    assert page.locator('[name="f-site_proof"]').get_attribute("aria-invalid") == "true"
    expect(page.get_by_role("button", name="保存")).to_be_enabled()

    page.unroute(page_4)
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="厂房照片.png").wait_for()
    assert page.locator('[name="f-site_area"]').input_value() == "3500"
    assert page.locator("p.upload-error").count() == 0


def test_confirmation_dialog_focuses_cancel_and_escape_keeps_the_draft(page, live_server):
    from playwright.sync_api import expect

    from workflows.models import Application

    draft = _demo_draft()
    base = live_server.url
    _login(page, base, "demo_enterprise")
    page.goto(f"{base}/applications/{draft.uuid}/delete/")
    delete = page.get_by_role("button", name="确定删除")
    delete.click()
    dialog = page.locator("dialog#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("不能恢复")
    expect(dialog.locator("[data-cancel]")).to_be_focused()
    expect(dialog.locator("[data-cancel]")).to_have_text("取消")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()  # back where the user was
    page.wait_for_timeout(500)  # had the form gone up, the request would be on its way by now
    assert page.url == f"{base}/applications/{draft.uuid}/delete/"
    assert Application.objects.filter(pk=draft.pk).exists()

    # 取消 likewise; then the dialog's own 确定删除 does it.
    delete.click()
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert Application.objects.filter(pk=draft.pk).exists()
    delete.click()
    dialog.locator("[data-ok]").click()
    page.wait_for_url(base + "/applications/")
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_print_shows_the_application_without_the_site_around_it(page, live_server):
    from playwright.sync_api import expect

    from workflows.models import Application

    _demo_draft()
    organisation = get_user_model().objects.get(username="demo_enterprise").organisation
    submitted = Application.objects.get(applicant=organisation, state="submitted")
    base = live_server.url
    _login(page, base, "demo_enterprise")
    page.goto(f"{base}/applications/{submitted.uuid}/")
    around = [".site-header", ".site-nav", ".site-footer", ".breadcrumb"]
    for selector in around:
        expect(page.locator(selector).first).to_be_visible()
    buttons = page.locator("main .button, main button")
    assert buttons.count(), "the detail page has actions to hide in print"

    page.emulate_media(media="print")
    for selector in around:
        expect(page.locator(selector).first).to_be_hidden()
    for i in range(buttons.count()):
        expect(buttons.nth(i)).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    summaries = page.locator("dl.application-summary")
    for i in range(summaries.count()):
        expect(summaries.nth(i)).to_be_visible()
    expect(page.locator(".stages")).to_be_visible()
    expect(page.locator("#state")).to_have_text(submitted.get_state_display())


# ----- 所在地 for individuals, one selection for two authorities -----


def _register_individual(page, base, username, real_name, mobile, region, address):
    """个人注册 through the real form: 所在地 with the 省 → 市 → 区 cascade, 详细地址, the SMS code
    from the locmem backend; then 去登录 and log in."""
    province, city, county = region
    page.goto(base + "/accounts/register/")
    page.get_by_role("link", name="个人注册").click()
    page.locator("#id_real_name").fill(real_name)
    page.locator("#id_id_number").fill(make_id_number(654))
    page.locator("#id_province").select_option(label=province)
    page.locator("#id_city option", has_text=city).wait_for(state="attached")
    page.locator("#id_city").select_option(label=city)
    page.locator("#id_county option", has_text=county).wait_for(state="attached")
    page.locator("#id_county").select_option(label=county)
    page.locator("#id_address").fill(address)
    page.locator("#id_mobile").fill(mobile)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.locator("#id_sms_code").fill(re.search(r"\d{6}", locmem.outbox[-1]["message"]).group(0))
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.get_by_role("heading", name="注册成功").wait_for()
    page.get_by_role("link", name="去登录").click()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text(f"欢迎您，{real_name}").wait_for()


def test_individual_registers_with_region_and_takes_a_provincial_application_to_the_licence(
    browser, live_server, regions, tmp_path
):
    """个人注册 with 所在地 (北京市市辖区朝阳区) and 详细地址 → 选取许可项目 routes the provincial level D
    to 北京市市场监督管理局 → fill, check, submit → 受理 and 准予许可 in the admin → the licence PDF
    names the individual and the full 住所 from the registration."""
    from tests.support.builders import make_catalogue
    from tests.support.workflow_builders import future, make_parties, report_file
    from workflows import actions
    from workflows.models import Application, License, ReviewConclusion

    parties = make_parties(make_catalogue())
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    applicant = context.new_page()
    applicant.set_default_timeout(10_000)

    _register_individual(
        applicant, base, "geren2027", "李小红", "13612345670", ("北京市", "市辖区", "朝阳区"), "朝阳区示范路88号"
    )
    user = get_user_model().objects.get(username="geren2027")
    assert user.organisation.kind == "individual"
    assert user.organisation.region.full_name == "北京市朝阳区"
    assert user.organisation.address == "朝阳区示范路88号"

    # 选取许可项目: the 审批机关 follows from 所在地; the provincial level D goes to Beijing's bureau.
    applicant.goto(base + "/applications/new/?q=压力容器")
    assert "北京市市场监督管理局" in applicant.locator("#routing").inner_text()
    assert applicant.locator("#routing-problem").count() == 0
    level_d = parties.catalogue["D"].pk
    assert "北京市市场监督管理局" in applicant.locator(f'[data-authority-for="{level_d}"]').inner_text()
    applicant.get_by_label("D 中、低压容器").check()
    applicant.get_by_role("button", name="点击进入").click()
    applicant.get_by_text("已创建申请书草稿，审批机关：北京市市场监督管理局").wait_for()
    applicant.get_by_role("heading", name="申请单位基本情况").wait_for()
    assert applicant.locator('[name="f-qi_ye_ming_cheng"]').input_value() == "李小红"
    applicant.locator('[name="f-fa_ding_dai_biao_ren"]').fill("李小红")
    applicant.get_by_role("button", name="下一页").click()
    applicant.get_by_role("heading", name="质量保证体系").wait_for()
    applicant.locator('[name="f-quality_system"]').fill("按 ISO 9001 建立质量保证体系。")
    applicant.get_by_role("button", name="核对并提交").last.click()
    applicant.get_by_role("heading", name="核对并提交").wait_for()
    applicant.get_by_text("申请书各页均已填写完整").wait_for()
    _confirmed(applicant, applicant.get_by_role("button", name="提交", exact=True), applicant.get_by_text("提交成功"))
    application = Application.objects.get(applicant=user.organisation)
    assert application.state == "submitted" and application.authority == parties.catalogue["beijing"]
    detail = applicant.url

    # 受理 in the admin by Beijing's officer, naming the review body.
    authority = _role_page(browser, base, parties.authority.username, staff=True)
    authority.goto(base + "/admin/licensing/")
    authority.get_by_role("link", name=application.reference).click()
    authority.get_by_role("heading", name="办理", exact=True).wait_for()
    staff_detail = authority.url
    _staff_action(authority, "受理")
    body = parties.review_body_org
    authority.get_by_label("受委托的鉴定评审机构").select_option(label=f"{body.name}（联系人：刘评审 010-12345678）")
    _confirmed(
        authority, authority.get_by_role("button", name="受理"), authority.get_by_text("已受理，受理决定书已签发")
    )

    # The review date and the review report through the actions: their screens are walked by
    # test_application_goes_from_submission_through_correction_and_review_to_a_downloaded_licence.
    actions.propose_review_dates(
        Application.objects.get(pk=application.pk), parties.review_body, [future(20)], "请确认"
    )
    actions.agree_review_date(Application.objects.get(pk=application.pk), user, future(20))
    actions.submit_review_report(
        Application.objects.get(pk=application.pk),
        parties.review_body,
        reviewed_from=future(20),
        reviewed_to=future(20),
        conclusion=ReviewConclusion.QUALIFIED,
        summary="符合条件",
        report_file=report_file(),
        materials=[],
    )

    # 准予许可 in the admin.
    authority.goto(staff_detail)
    _staff_action(authority, "准予许可")
    authority.get_by_label("审查意见").fill("经审查，符合许可条件。")
    _confirmed(
        authority, authority.get_by_role("button", name="准予许可"), authority.get_by_text("已准予许可，许可证编号")
    )
    license = License.objects.get(application_id=application.pk)
    assert license.holder_name == "李小红"
    assert license.holder_address == "北京市朝阳区示范路88号"  # 市辖区 is left out, 朝阳区 kept once

    # The individual downloads the licence: its holder and 住所 are the registration's.
    applicant.goto(detail)
    assert applicant.locator("#state").inner_text() == "准予许可"
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name="下载许可证").click()
    text = _pdf_text(Path(download.value.path()).read_bytes())
    assert license.number in text and "李小红" in text
    assert "朝阳区示范路88号" in text.replace(" ", "").replace("\n", "")
    authority.context.close()
    context.close()


def test_enterprise_chooses_a_national_and_a_provincial_level_and_gets_two_linked_drafts(page, live_server, regions):
    """选取许可项目 with A1 (national) and D (provincial) ticked: each level shows its 审批机关, the
    page warns that two drafts will be made; 点击进入 makes one per authority, linked, each draft's
    pages naming the other with its authority and a link to it."""
    from tests.support.builders import make_catalogue
    from tests.support.factories import DEFAULT_PASSWORD, UserFactory
    from workflows.models import Application

    catalogue = make_catalogue()
    user = UserFactory(username="qiye2027")
    base = live_server.url
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill("qiye2027")
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="我的办事").wait_for()

    page.goto(base + "/applications/new/?q=压力容器")
    routing = page.locator("#routing").inner_text()
    assert "国家市场监督管理总局" in routing and "北京市市场监督管理局" in routing
    a1, d = page.get_by_label("A1 大型高压容器"), page.get_by_label("D 中、低压容器")
    assert "国家市场监督管理总局" in page.locator(f'[data-authority-for="{catalogue["A1"].pk}"]').inner_text()
    assert "北京市市场监督管理局" in page.locator(f'[data-authority-for="{catalogue["D"].pk}"]').inner_text()
    note = page.locator("#mixed-authorities-note")
    a1.check()
    assert note.is_hidden()
    d.check()
    note.wait_for(state="visible")
    assert "创建两份申请书草稿" in note.inner_text()
    page.get_by_role("button", name="点击进入").click()
    page.get_by_text("已按审批机关分别创建2份申请书草稿").wait_for()
    page.get_by_role("heading", name="申请单位基本情况").wait_for()

    drafts = list(Application.objects.filter(applicant=user.organisation).order_by("pk"))
    assert len(drafts) == 2 and drafts[0].selection == drafts[1].selection is not None
    assert {d.authority.name for d in drafts} == {"国家市场监督管理总局", "北京市市场监督管理局"}
    assert all(d.state == "draft" for d in drafts)
    first, second = drafts
    assert first.uuid.hex in page.url.replace("-", "")

    # Each draft's page names the other, with its items and authority, and links to it.
    for this, other in ((first, second), (second, first)):
        linked = page.locator("#linked-applications")
        text = linked.inner_text()
        items = "、".join(f"{i.item_name} {i.level_code}" for i in other.items.all())
        assert items in text and f"审批机关：{other.authority.name}" in text and "状态：草稿" in text
        assert this.authority.name not in text
        linked.get_by_role("link").click()
        page.wait_for_url(f"**/applications/{other.uuid}/pages/**")
        page.get_by_role("heading", name="申请单位基本情况").wait_for()
    # Back on the first draft after following both links.
    assert str(first.uuid) in page.url
    # The check page shows the link too.
    page.goto(f"{base}/applications/{second.uuid}/check/")
    assert f"审批机关：{first.authority.name}" in page.locator("#linked-applications").inner_text()


# ----- the law's clocks and 整改 -----


def _received_days_ago(application, days):
    """The application as if received `days` ago: its submission and its 受理 clock moved back, so
    the 5 working days of the working-day calendar ran out long before today."""
    from django.utils import timezone

    from workflows import deadlines
    from workflows.models import Application

    day = timezone.localdate() - datetime.timedelta(days=days)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    )
    application = Application.objects.get(pk=application.pk)
    deadlines.start_clock(application, today=day)
    Application.objects.filter(pk=application.pk).update(
        clock=application.clock, clock_started_on=application.clock_started_on, due_on=application.due_on
    )
    return Application.objects.get(pk=application.pk), day


def test_the_acceptance_limit_passes_and_both_sides_see_it_accepted_from_receipt(browser, live_server, regions):
    """No 补正 and no decision within the 受理 limit: the daily sweep records 视为受理; the
    applicant's detail page and the staff page show it in 办理记录 (by the system, from the
    receipt day), the officer is offered only 受理, and 受理 dates the decision the receipt day."""
    from django.utils import timezone

    from tests.support.builders import make_catalogue
    from tests.support.workflow_builders import application_in, make_parties
    from workflows import deadline_sweep
    from workflows.models import Application, ApplicationState

    deemed_text = "逾期未告知补正，自收到申请之日起即为受理"
    parties = make_parties(make_catalogue())
    application, received = _received_days_ago(application_in(ApplicationState.SUBMITTED, parties), 30)
    assert application.due_on < timezone.localdate()
    deadline_sweep.sweep()  # the daily run, today
    assert Application.objects.get(pk=application.pk).deemed_accepted_on == received

    base = live_server.url
    applicant = _role_page(browser, base, parties.applicant.username)
    applicant.goto(f"{base}/applications/{application.uuid}/")
    assert applicant.locator("#state").inner_text() == "已提交"
    event = applicant.locator("#timeline li.event-deemed_acceptance")
    text = event.inner_text()
    assert "视为受理" in text and "系统（依法自动记录）" in text
    assert deemed_text in text and f"收到申请日期：{received:%Y-%m-%d}" in text

    # The staff page: the same record, and 受理 is the one step left (no 补正告知, no 不予受理).
    authority = _role_page(browser, base, parties.authority.username, staff=True)
    authority.goto(f"{base}/admin/licensing/{application.pk}/")
    authority.get_by_role("heading", name="办理", exact=True).wait_for()
    record = authority.locator("section[aria-labelledby=licensing-events-heading] tr", has_text="视为受理")
    assert deemed_text in record.inner_text() and "系统（依法自动记录）" in record.inner_text()
    offered = authority.locator(".licensing-actions")
    assert offered.get_by_role("link", name="受理", exact=True).count() == 1
    assert offered.get_by_role("link", name="补正告知", exact=True).count() == 0
    assert offered.get_by_role("link", name="不予受理", exact=True).count() == 0
    _staff_action(authority, "受理")
    body = parties.review_body_org
    authority.get_by_label("受委托的鉴定评审机构").select_option(label=f"{body.name}（联系人：刘评审 010-12345678）")
    _confirmed(
        authority, authority.get_by_role("button", name="受理"), authority.get_by_text("已受理，受理决定书已签发")
    )
    assert f"{received:%Y-%m-%d}" in authority.locator("dt:text-is('受理时间') + dd").inner_text()

    # The applicant: 已受理 from the receipt day, and the 受理决定书 says why.
    applicant.goto(f"{base}/applications/{application.uuid}/")
    assert applicant.locator("#state").inner_text() == "已受理"
    assert applicant.locator("dt:text-is('受理时间') + dd").inner_text().startswith(f"{received:%Y-%m-%d}")
    decision = applicant.get_by_role("link", name="查看受理决定书")
    pdf = _pdf_text(applicant.request.get(base + decision.get_attribute("href")).body())
    assert "自收到申请材料之日起即为受理" in pdf
    assert f"{received.year}年{received.month}月{received.day}日" in pdf
    for role_page in (applicant, authority):
        role_page.context.close()


def test_a_rectification_round_completes_before_the_review_report(browser, live_server, regions, tmp_path):
    """整改 in the browser: the review body records 需要整改 (two items, a deadline) → the applicant
    sees them and uploads its 整改报告 → the review body opens it and confirms (整改确认) → the
    review report with 整改后符合条件 goes in; both sides see the round as 已确认."""
    from tests.support.builders import make_catalogue
    from tests.support.workflow_builders import application_in, future, make_parties
    from workflows.models import Application, ApplicationState, RectificationRequest

    parties = make_parties(make_catalogue())
    application = application_in(ApplicationState.REVIEW_SCHEDULED, parties)
    base = live_server.url
    deadline = future(30)

    # 1. The review body asks for rectification; the review report waits until it is confirmed.
    reviewer = _role_page(browser, base, parties.review_body.username, staff=True)
    reviewer.goto(f"{base}/admin/licensing/{application.pk}/")
    reviewer.get_by_role("heading", name="办理", exact=True).wait_for()
    reviewer_detail = reviewer.url
    _staff_action(reviewer, "需要整改")
    reviewer.get_by_label("整改事项").fill("压力试验记录不完整\n焊工资格证书过期")
    reviewer.get_by_label("整改期限").fill(f"{deadline:%Y-%m-%d}")
    reviewer.get_by_role("button", name="需要整改").click()
    reviewer.get_by_text(f"已通知申请单位整改（共 2 项），整改期限 {deadline:%Y-%m-%d}").wait_for()
    assert reviewer.url == reviewer_detail
    assert "待提交整改报告" in reviewer.locator("#rectifications").inner_text()
    assert reviewer.locator(".licensing-actions").get_by_role("link", name="提交评审报告", exact=True).count() == 0

    # 2. The applicant reads the items and the deadline and uploads its 整改报告.
    applicant = _role_page(browser, base, parties.applicant.username)
    applicant.goto(f"{base}/applications/{application.uuid}/")
    section = applicant.locator("#rectifications")
    assert "压力试验记录不完整" in section.inner_text() and "焊工资格证书过期" in section.inner_text()
    assert f"{deadline:%Y-%m-%d}" in section.inner_text()
    assert section.locator(".rectification-status").inner_text() == "待提交整改报告"
    applicant.get_by_role("link", name="上传整改报告").click()
    applicant.get_by_role("heading", name="上传整改报告").wait_for()
    applicant.get_by_label("整改报告").set_input_files(_pdf_file(tmp_path / "整改报告.pdf"))
    applicant.get_by_role("button", name="提交整改报告").click()
    applicant.get_by_text("整改报告已提交，请等待鉴定评审机构确认").wait_for()
    assert applicant.locator("#rectifications .rectification-status").inner_text() == "待确认"
    assert applicant.get_by_role("link", name="上传整改报告").count() == 0

    # 3. The review body downloads the report and confirms the rectification.
    reviewer.goto(reviewer_detail)
    report = reviewer.locator("#rectifications").get_by_role("link", name="整改报告.pdf")
    response = reviewer.request.get(base + report.get_attribute("href"))
    assert response.ok and response.body() == Path(tmp_path / "整改报告.pdf").read_bytes()
    _staff_action(reviewer, "整改确认")
    reviewer.get_by_label("确认意见").fill("整改到位。")
    _confirmed(reviewer, reviewer.get_by_role("button", name="整改确认"), reviewer.get_by_text("已确认整改"))
    assert "已确认" in reviewer.locator("#rectifications").inner_text()

    # 4. Now the review report goes in, concluding 整改后符合条件.
    day = Application.objects.get(pk=application.pk).review_date
    _staff_action(reviewer, "提交评审报告")
    reviewer.get_by_label("评审开始日期").fill(f"{day:%Y-%m-%d}")
    reviewer.get_by_label("评审结束日期").fill(f"{day:%Y-%m-%d}")
    reviewer.get_by_label("整改后符合条件", exact=True).check()
    reviewer.get_by_label("评审意见").fill("整改后资源条件、质量保证体系符合要求。")
    reviewer.get_by_label("评审报告（PDF）").set_input_files(_pdf_file(tmp_path / "评审报告.pdf"))
    _confirmed(reviewer, reviewer.get_by_role("button", name="提交评审报告"), reviewer.get_by_text("评审报告已提交"))
    assert Application.objects.get(pk=application.pk).state == ApplicationState.REVIEWED

    applicant.goto(f"{base}/applications/{application.uuid}/")
    assert applicant.locator("#state").inner_text() == "已评审"
    assert applicant.locator("#rectifications .rectification-status").inner_text() == "已确认"
    assert "整改到位。" in applicant.locator("#rectifications").inner_text()
    rectification = RectificationRequest.objects.get(application=application)
    assert rectification.confirmed_by == parties.review_body and rectification.report_name == "整改报告.pdf"
    for role_page in (applicant, reviewer):
        role_page.context.close()


# ----- the form builder -----


def test_an_editor_previews_a_new_form_before_publishing_it(browser, live_server):
    """预览: a new form with a page and a field, in Wagtail's preview panel as applicants will see
    it (forms_config/preview.py), before it is ever published; the field's panel is headed by its
    label, and the autosaved draft carries the form's name."""
    from forms_config.models import ApplicationFormSchema, FormSchemaVersion
    from tests.support.factories import UserFactory

    UserFactory(username="editor0001", is_superuser=True, is_staff=True, organisation=None)
    base = live_server.url
    page = _role_page(browser, base, "editor0001", staff=True)
    page.context.add_init_script(CSP_VIOLATION_RECORDER)  # the preview iframe's scripts too
    page.goto(base + reverse("wagtailsnippets_forms_config_applicationformschema:add"))
    page.locator("#id_title").fill("锅炉安装改造维修许可申请书")
    page.locator("#pages-root .c-sf-add-button").first.click()  # 页, the only block type
    page.locator("#pages-0-value-title").fill("申请单位基本情况")
    page.locator("#pages-root [data-contentpath=fields] .c-sf-add-button").first.click()
    page.get_by_role("option", name="单行文本").click()
    field = page.locator("#pages-root [data-contentpath=fields] [data-streamfield-child]").first
    heading = field.locator(".c-sf-block__title").first
    assert heading.inner_text() == ""  # not "是", the 必填 setting
    field.locator("[data-contentpath=label] input").fill("锅炉房地址")
    field.locator(".w-panel__toggle").first.click()  # collapsed: the heading names the field
    assert field.locator(".c-sf-block__type").first.inner_text() == "单行文本"
    assert heading.inner_text() == "锅炉房地址"

    page.locator("[data-side-panel-toggle=preview]").click()
    preview = page.frame_locator("#w-preview-iframe")
    box = preview.locator("#field-f-guo_lu_fang_di_zhi")
    box.wait_for()
    assert box.locator("label").inner_text() == "*锅炉房地址"
    assert box.locator('input[name="f-guo_lu_fang_di_zhi"]').is_editable()
    assert "申请单位基本情况" in preview.locator(".page-list").inner_text()
    page.locator("#id_preview_mode").select_option("check")  # 核对页
    problems = preview.locator("#problems-title")
    problems.wait_for()
    assert "锅炉房地址" in preview.locator(".problems").inner_text()

    # Nothing published: no applicant can get the form yet; a draft Wagtail's autosave kept (when
    # it ran) has the form's name, never "(False)" or none.
    assert not ApplicationFormSchema.objects.filter(live=True).exists()
    assert set(ApplicationFormSchema.objects.values_list("title", flat=True)) <= {"锅炉安装改造维修许可申请书"}
    assert not FormSchemaVersion.objects.exists()
    frames = [frame for frame in page.frames if "/preview/" in frame.url]
    assert frames and all(frame.evaluate("() => window.__cspViolations") == [] for frame in frames)
    assert page.evaluate("() => window.__cspViolations") == []
    page.context.close()
