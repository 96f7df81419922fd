"""static/js/form_widgets.js in real headless Chromium: the region cascade over the accounts
endpoint and the table's 添加一行 / 删除, checked by what the server reads back from the form."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils.datastructures import MultiValueDict

from tests.factories import make_id_number
from tests.forms_config.field_type_helpers import one, query_dict, schema_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "form_widgets.js"
COLUMNS = [
    {"label": "姓名", "key": "name", "type": "text", "required": True},
    {"label": "身份证号码", "key": "id_number", "type": "id_number", "required": True},
]


def fields():
    return [one("region", "所在地", "region"), one("table", "技术人员", "staff", columns=COLUMNS)]


def open_form(page, live_server, data):  # noqa: F811
    schema = schema_of(*fields())
    html = schema.page_form(schema.page(1), data).as_div()
    # Same origin as the live server, so the script's fetch reaches /accounts/regions/.
    page.goto(live_server.url + "/accounts/login/")
    page.set_content(f'<!DOCTYPE html><html><body><form id="f">{html}</form></body></html>')
    page.add_script_tag(path=str(SCRIPT))
    return schema


def submitted_raw(page, schema):  # noqa: F811
    pairs = page.evaluate("Array.from(new FormData(document.getElementById('f')).entries())")
    post = query_dict([(name, [value]) for name, value in pairs])
    return schema.page_form(schema.page(1), {}).raw_from_post(post, MultiValueDict())


def test_region_cascade_fills_each_list_from_the_server(page, live_server, regions):  # noqa: F811
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


def test_table_rows_are_added_and_deleted(page, live_server, regions):  # noqa: F811
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
