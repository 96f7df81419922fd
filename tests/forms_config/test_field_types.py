"""Field types of application forms, through Schema / PageForm as the portal uses them: bound to
stored raw values and to a browser's POST, with the Chinese messages, display texts and HTML."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtailstreamforms.fields import get_fields

from forms_config.field_types.base import FILE_PREFILL_SOURCES
from forms_config.field_types.messages import FixedMessage
from forms_config.field_types.table import ColumnsBlock, TableField, table_columns
from forms_config.prefill import initial_data
from tests.support.builders import field
from tests.support.factories import UserFactory, make_id_number, make_uscc
from tests.support.field_types import errors_of, one, query_dict, raw_from_post, schema_of, stored_form

pytestmark = pytest.mark.django_db

ID_WITH_X = "11010519900101007X"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def wrong_check_digit(number):
    return number[:17] + ("0" if number[17] != "0" else "1")


def spec_of(type_, **extra):
    return schema_of(one(type_, **extra)).fields_by_key["k"]


def html_of(fields, data):
    return stored_form(fields, data).as_div()


# ----- registration -----------------------------------------------------------------------------


def test_every_field_type_is_registered():
    assert set(get_fields()) == {
        "singleline",
        "multiline",
        "number",
        "dropdown",
        "radio",
        "checkboxes",
        "date",
        "uscc",
        "id_number",
        "mobile",
        "phone",
        "postcode",
        "region",
        "file",
        "files",
        "table",
        "declaration",
    }


@pytest.mark.parametrize(
    ("type_", "options"),
    [
        ("region", {"depth"}),
        ("file", {"allowed_types", "max_size_mb"}),
        ("files", {"allowed_types", "max_size_mb", "max_files"}),
        ("table", {"columns", "min_rows", "max_rows"}),
        ("declaration", {"text"}),
    ],
)
def test_editor_blocks_carry_the_type_options(type_, options):
    block = get_fields()[type_]().get_form_block()
    assert options <= set(block.child_blocks)
    assert {"label", "key", "help_text", "required", "show_when"} <= set(block.child_blocks)


@pytest.mark.parametrize("type_", ["table", "declaration"])
def test_types_that_cannot_be_prefilled_do_not_offer_it(type_):
    assert "prefill" not in get_fields()[type_]().get_form_block().child_blocks


@pytest.mark.parametrize("type_", ["file", "files"])
def test_file_types_offer_only_the_file_sources(type_):
    # A file field may start with the registration's business licence or the register's licence PDF,
    # never with a text value of the account.
    block = get_fields()[type_]().get_form_block().child_blocks["prefill"]
    offered = {value for value, _label in block.field.choices if value}
    assert offered and offered <= set(FILE_PREFILL_SOURCES)


@pytest.mark.parametrize("type_", ["date", "uscc", "id_number", "mobile", "phone", "postcode", "region"])
def test_single_value_types_can_be_prefilled(type_):
    assert "prefill" in get_fields()[type_]().get_form_block().child_blocks


# ----- date -------------------------------------------------------------------------------------


def test_date_is_kept_as_typed_and_shown_in_chinese():
    fields = [one("date", "成立日期")]
    assert raw_from_post(fields, query_dict({"f-k": " 2026-11-26 "})) == {"k": "2026-11-26"}
    assert errors_of(fields, {"k": "2026-11-26"}) == {}
    assert spec_of("date").display("2026-11-26") == "2026年11月26日"
    assert spec_of("date").display("") == ""
    assert '<input type="date" name="f-k" value="2026-11-26"' in html_of(fields, {"k": "2026-11-26"})


@pytest.mark.parametrize("value", ["2026-02-30", "26/11/2026", "20261126", "2026-1-5", "明天", "2026-11-26T10:00"])
def test_a_date_not_in_year_month_day_is_refused(value):
    assert errors_of([one("date", "成立日期")], {"k": value}) == {
        "k": ["请按“年-月-日”格式填写成立日期，例如 2026-11-26。"]
    }


def test_full_width_digits_of_a_chinese_input_method_are_accepted():
    fields = [one("date", "成立日期")]
    raw = raw_from_post(fields, query_dict({"f-k": "２０２６－１１－２６"}))
    assert raw == {"k": "2026-11-26"}
    assert errors_of(fields, raw) == {}


# ----- uscc -------------------------------------------------------------------------------------


def test_credit_code_is_upper_cased_and_checked():
    code = make_uscc(7)
    fields = [one("uscc", "统一社会信用代码")]
    raw = raw_from_post(fields, query_dict({"f-k": f" {code[:9].lower()} {code[9:].lower()} "}))
    assert raw == {"k": code}
    assert errors_of(fields, raw) == {}
    assert spec_of("uscc").display(code) == code
    html = html_of(fields, raw)
    assert f'name="f-k" value="{code}" maxlength="18"' in html


def test_a_nine_character_organisation_code_is_accepted():
    assert errors_of([one("uscc", "组织机构代码")], {"k": "123456788"}) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91110105000000012Y", "统一社会信用代码校验位不正确，请核对营业执照。"),
        ("9111010500000001IX", "代码中不能包含字母 I、O、Z、S、V（发现：I）。"),
        ("123456789", "组织机构代码不正确（8位本体代码加1位校验码，校验码为数字或X）。"),
        ("1234", "请输入9位组织机构代码或18位统一社会信用代码，当前为4位。"),
        ("x" * 5000, "请输入9位组织机构代码或18位统一社会信用代码，当前为5000位。"),
    ],
)
def test_a_wrong_credit_code_gets_the_registration_message(value, message):
    if value.startswith("91110105000000012"):
        good = make_uscc(1)
        value = good[:17] + ("Y" if good[17] != "Y" else "X")
    assert errors_of([one("uscc", "统一社会信用代码")], {"k": value}) == {"k": [message]}


def test_credit_code_prefills_from_the_organisation():
    user = UserFactory()
    schema = schema_of(one("uscc", "统一社会信用代码", prefill="organisation.credit_code"))
    assert initial_data(schema, user) == {"k": user.organisation.credit_code}


# ----- id number, mobile, phone, postcode -------------------------------------------------------


def test_id_number_with_a_lower_case_x_is_upper_cased():
    fields = [one("id_number", "法定代表人身份证号码")]
    raw = raw_from_post(fields, query_dict({"f-k": ID_WITH_X.lower()}))
    assert raw == {"k": ID_WITH_X}
    assert errors_of(fields, raw) == {}
    spec = spec_of("id_number")
    assert spec.display(ID_WITH_X) == ID_WITH_X  # the applicant sees their own number in full
    assert spec.field_type.masked_display(spec.value, ID_WITH_X) == "110105********007X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (wrong_check_digit(make_id_number(1)), "身份证号码校验位不正确，请核对。"),
        ("11010519901301001X", "身份证号码中的出生日期无效。"),
        ("1101051990010100", "请输入18位身份证号码，最后一位可以是数字或X。"),
        # Arabic-Indic digits are "\d" to Python but no ID number.
        ("١١٠١٠٥١٩٩٠٠١٠١٠٠٧X", "请输入18位身份证号码，最后一位可以是数字或X。"),
    ],
)
def test_a_wrong_id_number_is_refused(value, message):
    assert errors_of([one("id_number", "身份证号码")], {"k": value}) == {"k": [message]}


def test_mobile():
    fields = [one("mobile", "手机号")]
    assert errors_of(fields, {"k": "13800138000"}) == {}
    assert errors_of(fields, {"k": "1380013800"}) == {"k": ["请输入11位中国大陆手机号码。"]}
    assert errors_of(fields, {"k": "12800138000"}) == {"k": ["请输入11位中国大陆手机号码。"]}
    assert errors_of(fields, {"k": "138００138000"}) == {}  # full-width digits from an input method
    spec = spec_of("mobile")
    assert spec.field_type.masked_display(spec.value, "13800138000") == "138****8000"
    assert 'type="tel" name="f-k"' in html_of(fields, {"k": ""})


@pytest.mark.parametrize(
    "value", ["13800138000", "010-12345678", "01012345678", "0755-1234567", "0755-12345678-123", "400-810-8888"]
)
def test_phone_accepts_a_mobile_or_a_landline(value):
    assert errors_of([one("phone", "联系电话")], {"k": value}) == {}


@pytest.mark.parametrize("value", ["12345", "010-123", "phone", "+86 138", "010-12345678-1234567", "1" * 300])
def test_phone_refuses_anything_else(value):
    assert errors_of([one("phone", "联系电话")], {"k": value}) == {
        "k": ["联系电话请填写11位手机号码或带区号的固定电话，如 010-12345678、0755-1234567-123。"]
    }


@pytest.mark.parametrize(("value", "ok"), [("100000", True), ("518 000", True), ("10000", False), ("1000000", False)])
def test_postcode_is_six_digits(value, ok):
    errors = errors_of([one("postcode", "邮政编码")], {"k": value})
    assert errors == ({} if ok else {"k": ["邮政编码应为6位数字。"]})


def test_an_empty_optional_formatted_field_is_fine_and_a_required_one_is_not():
    for type_ in ("date", "uscc", "id_number", "mobile", "phone", "postcode"):
        assert errors_of([one(type_, "某项", required=False)], {"k": ""}) == {}
        assert errors_of([one(type_, "某项")], {}) == {"k": ["请填写某项。"]}


# ----- region -----------------------------------------------------------------------------------


def region_post(province="", city="", county=""):
    return query_dict({"f-k-province": province, "f-k-city": city, "f-k-county": county})


def test_region_from_a_post_is_the_deepest_code():
    fields = [one("region", "所在地")]
    assert raw_from_post(fields, region_post("110000", "110100", "110105")) == {"k": "110105"}
    assert errors_of(fields, {"k": "110105"}) == {}
    assert spec_of("region").display("110105") == "北京市朝阳区"


def test_a_stale_city_left_from_another_province_is_not_taken():
    # Without JavaScript the city list still shows Beijing's after choosing 天津.
    fields = [one("region", "所在地")]
    raw = raw_from_post(fields, region_post("120000", "110100", "110105"))
    assert raw == {"k": "120000"}
    assert errors_of(fields, raw) == {"k": ["请选择所在地的省、市、区（县）。"]}


@pytest.mark.parametrize("value", ["110000", "110100", "999999", "11010", "abcdef", "000000", "1101051"])
def test_an_incomplete_or_unknown_region_is_refused(value):
    assert errors_of([one("region", "所在地")], {"k": value}) == {"k": ["请选择所在地的省、市、区（县）。"]}


def test_required_region_says_what_to_choose():
    assert errors_of([one("region", "所在地")], {}) == {"k": ["请选择所在地的省、市、区（县）。"]}
    assert errors_of([one("region", "所在地", depth="city")], {}) == {"k": ["请选择所在地的省、市。"]}
    assert errors_of([one("region", "所在地", required=False)], {"k": ""}) == {}
    # Optional, but half chosen is still wrong.
    assert errors_of([one("region", "所在地", required=False)], {"k": "110000"}) == {
        "k": ["请选择所在地的省、市、区（县）。"]
    }


def test_a_city_without_counties_is_complete():
    assert errors_of([one("region", "所在地")], {"k": "441900"}) == {}  # 东莞市
    assert spec_of("region").display("441900") == "广东省东莞市"


def test_region_depth_province_and_city():
    province = [one("region", "所在省份", depth="province")]
    assert errors_of(province, {"k": "330000"}) == {}
    assert raw_from_post(province, query_dict({"f-k-province": "330000", "f-k-city": "330100"})) == {"k": "330000"}
    html = html_of(province, {"k": "330000"})
    assert 'name="f-k-province"' in html and "f-k-city" not in html

    city = [one("region", "所在城市", depth="city")]
    assert errors_of(city, {"k": "330100"}) == {}
    assert spec_of("region", depth="city").display("330106") == "浙江省杭州市"


def test_region_prefill_is_cut_to_the_fields_depth():
    user = UserFactory()  # organisation in 110105
    schema = schema_of(
        field("region", "所在地", "county", prefill="organisation.region"),
        field("region", "所在城市", "city", prefill="organisation.region", depth="city"),
        field("region", "所在省份", "province", prefill="organisation.region", depth="province"),
    )
    assert initial_data(schema, user) == {"county": "110105", "city": "110100", "province": "110000"}


def select_html(html, name):
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def test_region_lists_are_narrowed_on_the_server():
    html = html_of([one("region", "所在地")], {"k": "110105"})
    province = select_html(html, "f-k-province")
    city = select_html(html, "f-k-city")
    county = select_html(html, "f-k-county")
    assert '<option value="110000" selected>北京市</option>' in province
    assert "330000" in province
    assert '<option value="110100" selected>市辖区</option>' in city
    assert "120100" not in city
    assert '<option value="110105" selected>朝阳区</option>' in county
    assert "110106" in county and "120101" not in county
    assert 'data-form-widget="region"' in html
    assert 'data-children-url="/accounts/regions/CODE/"' in html
    assert 'aria-label="所在地：省（自治区、直辖市）"' in province
    assert '<label for="id_f-k-province">' in html


def test_with_only_a_province_the_city_list_is_filled_and_counties_are_empty():
    html = html_of([one("region", "所在地")], {"k": "440000"})
    assert '<option value="441900">东莞市</option>' in select_html(html, "f-k-city")
    county = select_html(html, "f-k-county")
    assert "disabled" in county and county.count("<option") == 1


def test_region_rendering_costs_one_query_per_region_field():
    plain = [one("singleline", "名称", "a"), one("table", "表", "t", columns=[{"label": "名称", "key": "n"}])]
    for regions in (1, 2, 3):
        fields = plain + [one("region", f"地址{i}", f"r{i}") for i in range(regions)]
        data = {f"r{i}": code for i, code in zip(range(regions), ["110105", "440000", ""], strict=False)}
        form = stored_form(fields, data)
        with CaptureQueriesContext(connection) as validating:
            form.is_valid()
        with CaptureQueriesContext(connection) as rendering:
            form.as_div()
        assert len(rendering) == regions
        assert len(validating) <= regions


def test_the_stored_code_beats_nothing_and_the_post_beats_the_stored_name():
    widget = stored_form([one("region", "所在地")], {}).fields["k"].widget
    assert widget.value_from_datadict({"f-k": "110105"}, {}, "f-k") == "110105"
    assert widget.value_from_datadict(query_dict({}), {}, "f-k") == ""
    post = query_dict({"f-k": "110105", "f-k-province": "120000"})
    assert widget.value_from_datadict(post, {}, "f-k") == "120000"


# ----- table ------------------------------------------------------------------------------------

PERSONNEL = [
    {"label": "姓名", "key": "name", "type": "text", "required": True},
    {"label": "身份证号码", "key": "id_number", "type": "id_number", "required": True},
    {"label": "证书编号", "key": "cert", "type": "text", "required": False},
    {"label": "证书有效期", "key": "valid", "type": "date", "required": False},
]


def staff(**extra):
    return one("table", "技术人员", columns=PERSONNEL, **extra)


def person(name="张三", id_number=ID_WITH_X, cert="TS-001", valid="2027-06-30"):
    return {"name": name, "id_number": id_number, "cert": cert, "valid": valid}


def test_table_rows_from_a_post_drop_empty_rows_and_normalise_cells():
    post = query_dict(
        {
            "f-k-TOTAL": "3",
            "f-k-0-name": " 张三 ",
            "f-k-0-id_number": ID_WITH_X.lower(),
            "f-k-0-cert": "TS-001",
            "f-k-0-valid": "2027-06-30",
            "f-k-1-name": "",
            "f-k-1-id_number": "  ",
            "f-k-2-name": "李四",
            "f-k-2-id_number": make_id_number(2),
        }
    )
    raw = raw_from_post([staff()], post)
    assert raw == {
        "k": [
            person(),
            {"name": "李四", "id_number": make_id_number(2), "cert": "", "valid": ""},
        ]
    }
    json.dumps(raw)
    assert errors_of([staff()], raw) == {}


def test_every_cell_error_is_reported_with_its_row_and_column():
    rows = [
        person(),
        person(id_number=wrong_check_digit(make_id_number(1))),
        person(name="", valid="2027-13-01"),
    ]
    assert errors_of([staff()], {"k": rows}) == {
        "k": [
            "第 2 行“身份证号码”：身份证号码校验位不正确，请核对。",
            "第 3 行“姓名”：此项为必填项。",
            "第 3 行“证书有效期”：请按“年-月-日”格式填写证书有效期，例如 2026-11-26。",
        ]
    }


@pytest.mark.parametrize(
    ("kind", "good", "bad", "message"),
    [
        ("number", "12.5", "十二", "数量请填写数字。"),
        ("integer", "12", "12.5", "数量请填写整数。"),
        ("mobile", "13800138000", "138", "请输入11位中国大陆手机号码。"),
        ("uscc", make_uscc(3).lower(), make_uscc(3)[:17] + "I", "代码中不能包含字母 I、O、Z、S、V（发现：I）。"),
        ("text", "x" * 200, "x" * 201, "数量不能超过 200 个字符。"),
    ],
)
def test_each_column_type_checks_its_cells(kind, good, bad, message):
    fields = [one("table", "设备", columns=[{"label": "数量", "key": "q", "type": kind, "required": True}])]
    assert errors_of(fields, {"k": [{"q": good}]}) == {}
    assert errors_of(fields, {"k": [{"q": bad}]}) == {"k": [f"第 1 行“数量”：{message}"]}


def test_table_row_limits():
    assert errors_of([staff()], {"k": []}) == {"k": ["请填写技术人员。"]}
    assert errors_of([staff(required=False)], {"k": []}) == {}
    assert errors_of([staff(min_rows=2)], {"k": [person()]}) == {"k": ["技术人员至少填写 2 行。"]}
    assert errors_of([staff(min_rows=3)], {"k": []}) == {"k": ["技术人员至少填写 3 行。"]}
    assert errors_of([staff(max_rows=2)], {"k": [person()] * 3}) == {"k": ["技术人员最多填写 2 行。"]}
    assert errors_of([staff(max_rows=2)], {"k": [person()] * 2}) == {}


def test_table_is_rendered_with_the_stored_rows_plus_an_empty_one():
    html = html_of([staff()], {"k": [person(), person(name="李四")]})
    assert '<input type="hidden" name="f-k-TOTAL" value="3" data-table-total>' in html
    assert 'name="f-k-0-name" id="id_f-k-0-name" value="张三"' in html
    assert 'name="f-k-1-name" id="id_f-k-1-name" value="李四"' in html
    assert 'name="f-k-2-name" id="id_f-k-2-name" value=""' in html
    assert 'type="date" name="f-k-0-valid"' in html
    assert "f-k-3-name" not in html
    assert 'aria-label="第 2 行 身份证号码"' in html
    assert '<label for="id_f-k-0-name">' in html
    # The buttons need JavaScript, so they start hidden and form_widgets.js shows them.
    assert re.search(r'<p class="table-actions" hidden data-table-js-only><button type="button"[^>]*>添加一行', html)
    assert "data-table-delete" in html
    assert 'data-form-widget="table" data-name="f-k" data-max-rows="200"' in html


def test_a_full_table_offers_no_empty_row():
    html = html_of([staff(max_rows=2)], {"k": [person(), person()]})
    assert 'name="f-k-TOTAL" value="2"' in html


def test_table_display_and_rows_for_printing():
    spec = schema_of(staff()).fields_by_key["k"]
    raw = [person(), {"name": "李四", "id_number": make_id_number(2), "cert": "", "valid": ""}, {"name": ""}]
    assert spec.field_type.rows_for_display(spec.value, raw) == (
        ["姓名", "身份证号码", "证书编号", "证书有效期"],
        [["张三", ID_WITH_X, "TS-001", "2027-06-30"], ["李四", make_id_number(2), "", ""]],
    )
    assert spec.display(raw) == f"张三，{ID_WITH_X}，TS-001，2027-06-30；李四，{make_id_number(2)}，—，—"
    assert spec.display([]) == ""


def test_missing_column_keys_come_from_the_labels_deterministically():
    value = {
        "columns": [
            {"label": "姓名", "key": "", "type": "text"},
            {"label": "姓名", "type": "text"},
            {"label": "型号", "key": "xing_hao"},
            {"label": "型号"},
            {"label": "123"},
        ]
    }
    keys = [c.key for c in table_columns(value)]
    assert keys == ["xing_ming", "xing_ming_2", "xing_hao", "xing_hao_2", "c_123"]
    assert [c.key for c in table_columns(value)] == keys


def test_the_editors_columns_block_fills_and_checks_keys():
    block = ColumnsBlock()
    value = block.to_python([{"label": "姓名", "key": "", "type": "text", "required": True}, {"label": "数量"}])
    cleaned = block.clean(value)
    assert [column["key"] for column in cleaned] == ["xing_ming", "shu_liang"]

    from wagtail.blocks.list_block import ListBlockValidationError

    for bad in ([{"label": "姓名", "key": "Bad-Key"}], [{"label": "甲", "key": "a"}, {"label": "乙", "key": "a"}]):
        with pytest.raises(ListBlockValidationError):
            block.clean(block.to_python(bad))


def test_the_whole_table_block_round_trips_through_the_form_builder():
    block = TableField().get_form_block()
    value = block.to_python(
        {
            "label": "主要生产设备",
            "key": "equipment",
            "required": True,
            "columns": [{"label": "名称", "type": "text", "required": True}, {"label": "数量", "type": "integer"}],
        }
    )
    cleaned = block.clean(value)
    assert [c["key"] for c in cleaned["columns"]] == ["ming_cheng", "shu_liang"]
    assert cleaned["max_rows"] == 200


def test_a_forged_row_count_does_not_make_the_server_loop():
    post = query_dict({"f-k-TOTAL": "999999999999", "f-k-0-name": "张三", "f-k-0-id_number": ID_WITH_X})
    assert raw_from_post([staff()], post) == {"k": [{"name": "张三", "id_number": ID_WITH_X, "cert": "", "valid": ""}]}
    for total in ("abc", "-5", "", "1e9"):
        assert raw_from_post([staff()], query_dict({"f-k-TOTAL": total, "f-k-0-name": "张三"})) == {"k": []}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        # Not a list: read as a POST without rows.
        ("张三", "请填写技术人员。"),
        ({"name": "张三"}, "请填写技术人员。"),
        (["张三"], "第 1 行的内容无效，请重新填写。"),
        ([{"name": ["张三"], "id_number": ID_WITH_X}], "第 1 行“姓名”：内容无效，请重新填写。"),
    ],
)
def test_junk_stored_in_a_table_is_refused(raw, message):
    assert errors_of([staff()], {"k": raw}) == {"k": [message]}


# ----- declaration ------------------------------------------------------------------------------

DECLARATION_TEXT = "本单位承诺所填写的内容真实、有效。\n如有虚假，愿意承担法律责任。<script>x</script>"


def declaration(**extra):
    return one("declaration", "本单位承诺以上内容真实有效", text=DECLARATION_TEXT, **extra)


def test_declaration_must_be_ticked():
    assert errors_of([declaration()], {"k": False}) == {"k": ["请阅读并勾选“本单位承诺以上内容真实有效”。"]}
    assert errors_of([declaration()], {}) == {"k": ["请阅读并勾选“本单位承诺以上内容真实有效”。"]}
    assert errors_of([declaration()], {"k": True}) == {}


def test_declaration_from_a_post_is_a_bool():
    assert raw_from_post([declaration()], query_dict({"f-k": "on"})) == {"k": True}
    assert raw_from_post([declaration()], query_dict({})) == {"k": False}
    assert raw_from_post([declaration()], query_dict({"f-k": "false"})) == {"k": False}


def test_declaration_display_and_html():
    spec = schema_of(declaration()).fields_by_key["k"]
    assert spec.display(True) == "已确认"
    assert spec.display(False) == "未确认"
    assert spec.display("yes") == "未确认"
    html = html_of([declaration()], {"k": True})
    # The wording is the page template's and the printout's to show (it sits in the block).
    assert spec.value["text"] == DECLARATION_TEXT
    assert re.search(r'<input type="checkbox" name="f-k"[^>]* checked', html)
    assert "required" not in re.search(r'<input type="checkbox"[^>]*>', html).group(0)
    assert "checked" not in html_of([declaration()], {"k": False})


def test_declaration_condition_on_is_ticked():
    schema = schema_of(declaration(), one("singleline", "备注", "note", show_when={"field": "k", "value": "是"}))
    assert schema.field_visible(schema.fields_by_key["note"], {"k": True})
    assert not schema.field_visible(schema.fields_by_key["note"], {"k": False})


# ----- file and files (uploads themselves: test_field_uploads.py) -------------------------------

REF = {"id": "7b0f4d8e-3d55-4a4c-9a59-0d7c1b5f0e11", "name": "营业执照.pdf", "size": 1234}


def test_file_field_takes_the_stored_list_and_shows_the_names():
    fields = [one("files", "场地证明", max_files=2)]
    refs = [REF, {**REF, "name": "租赁合同.jpg"}]
    assert errors_of(fields, {"k": refs}) == {}
    assert schema_of(*fields).fields_by_key["k"].display(refs) == "营业执照.pdf、租赁合同.jpg"
    assert errors_of(fields, {"k": [REF] * 3}) == {"k": ["场地证明最多上传 2 个文件，请删除多余的文件。"]}
    assert errors_of(fields, {"k": []}) == {"k": ["请上传场地证明。"]}
    assert errors_of([one("file", "营业执照")], {}) == {"k": ["请上传营业执照。"]}
    assert errors_of([one("file", "营业执照", required=False)], {"k": []}) == {}
    assert errors_of([one("file", "营业执照")], {"k": [REF, REF]}) == {
        "k": ["营业执照最多上传 1 个文件，请删除多余的文件。"]
    }


def test_a_post_never_sets_the_file_list():
    fields = [one("file", "营业执照")]
    post = query_dict({"f-k": json.dumps([REF])})
    assert raw_from_post(fields, post) == {}  # attach_files owns the list
    form = schema_of(*fields).page_form(schema_of(*fields).page(1), {})
    assert form.fields["k"].widget.value_from_datadict(post, {}, "f-k") == []


@pytest.mark.parametrize(
    "raw",
    ["营业执照.pdf", {"id": "x", "name": "a.pdf"}, [{"id": 1, "name": "a.pdf"}], [["a.pdf"]], [{"name": None}]],
)
def test_junk_file_references_are_refused(raw):
    errors = errors_of([one("file", "营业执照")], {"k": raw})
    assert errors in ({"k": ["营业执照的文件记录无效，请删除后重新上传。"]}, {"k": ["请上传营业执照。"]})


def test_file_input_html():
    single = html_of([one("file", "营业执照", allowed_types=["pdf"])], {"k": [REF]})
    tag = re.search(r'<input type="file"[^>]*>', single).group(0)
    assert 'name="f-k"' in tag and 'accept=".pdf,application/pdf"' in tag
    assert "multiple" not in tag and "required" not in tag
    several = html_of([one("files", "场地证明")], {"k": []})
    tag = re.search(r'<input type="file"[^>]*>', several).group(0)
    assert "multiple" in tag and 'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"' in tag


def test_file_names_are_shown_without_paths_or_control_characters():
    spec = schema_of(one("files", "附件")).fields_by_key["k"]
    refs = [{**REF, "name": "../../etc/passwd"}, {**REF, "name": "C:\\材料\\合同\x00.pdf"}]
    assert spec.display(refs) == "passwd、合同.pdf"


def test_max_files():
    assert get_fields()["file"]().max_files({"label": "营业执照"}) == 1
    assert get_fields()["files"]().max_files({"label": "附件"}) == 10
    assert get_fields()["files"]().max_files({"label": "附件", "max_files": 3}) == 3
    assert get_fields()["file"]().accepts_uploads and get_fields()["files"]().accepts_uploads


# ----- plain types ------------------------------------------------------------------------------


def test_a_percent_sign_in_a_label_does_not_break_the_messages():
    assert errors_of([one("dropdown", "含量%", choices=["甲", "乙"])], {"k": "丙"}) == {
        "k": ["含量%的选项无效，请重新选择。"]
    }
    assert errors_of([one("singleline", "比例%", max_length=3)], {"k": "1234"}) == {"k": ["比例%不能超过 3 个字符。"]}
    assert errors_of([one("number", "比例%")], {"k": "NaN"}) == {"k": ["比例%请填写数字。"]}
    assert FixedMessage("100%合格") % {"value": 1} == "100%合格"


def test_checkboxes_refuse_a_stored_non_list_in_chinese():
    assert errors_of([one("checkboxes", "类别", choices=["甲", "乙"])], {"k": {"a": 1}}) == {
        "k": ["类别的选项无效，请重新选择。"]
    }


def test_every_message_of_every_type_is_chinese():
    fields = [one(t, f"字段{t}", f"k_{t}") for t in get_fields() if t != "table"] + [staff()]
    form = stored_form(fields, {f"k_{t}": "!!" for t in get_fields()} | {"k": "!!"})
    form.is_valid()
    assert form.errors
    for messages in form.errors.values():
        for message in messages:
            assert CHINESE.search(message), message
