"""Printing the 许可申请书 (workflows/printing.py): a page or the whole form, from the frozen form."""

import pytest
from django.core.files.base import ContentFile

from forms_config.field_types.basic import MultiLineTextField
from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.pdf import assert_chinese_in_wenquanyi, body_text, embedded_font_names, pdf_pages, pdf_text
from workflows import printing
from workflows.models import Application, ApplicationAttachment

pytestmark = pytest.mark.django_db


def text_positions(content):
    """{text: (x, y)} of every run drawn on the first page."""
    found = {}

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(text.strip(), (x, y))

    pdf_pages(content)[0].extract_text(visitor_text=visit)
    return found


def form_pages():
    return [
        page(
            "申请单位基本情况",
            "basic",
            [
                field("singleline", "企业名称", "qi_ye_ming_cheng", prefill="organisation.name"),
                field("singleline", "法定代表人", "fa_ding_dai_biao_ren"),
                field("number", "职工人数", "staff_count"),
                field("dropdown", "企业性质", "ownership", choices=["国有企业", "民营企业", "外资企业"]),
                field("radio", "是否首次申请", "first_time", choices=["是", "否"]),
                field("singleline", "原许可证编号", "old_licence", show_when={"field": "first_time", "value": "否"}),
                field("checkboxes", "生产场地", "sites", choices=["北京厂区", "天津厂区"]),
                field("singleline", "传真", "fax", required=False),
            ],
        ),
        page("质量保证体系", "quality", [field("multiline", "质量保证体系说明", "quality_system")]),
        page(
            "换证情况",
            "renewal",
            [field("multiline", "原许可证使用情况", "renewal_notes")],
            show_when={"field": "first_time", "value": "否"},
        ),
    ]


@pytest.fixture
def catalogue():
    return make_catalogue(make_form_schema(form_pages()))


@pytest.fixture
def application(catalogue):
    application = ApplicationFactory(levels=[catalogue["D"], catalogue["B"]])
    application.data.update(
        {
            "fa_ding_dai_biao_ren": "张三丰",
            "staff_count": "128",
            "ownership": "民营企业",
            "first_time": "是",
            "old_licence": "TS2210001-2020",  # left over from before "是" was chosen: hidden, not printed
            "sites": ["北京厂区", "天津厂区"],
            "quality_system": "第一段：建立质量保证体系。\n第二段：设置质量保证工程师。",
            "renewal_notes": "换证页上的说明",
        }
    )
    application.save()
    return application


def test_the_whole_form_has_reference_applicant_authority_items_and_values(application, catalogue):
    Application.objects.filter(pk=application.pk).update(reference="TS-2025-000123")
    application = Application.objects.get(pk=application.pk)  # refresh_from_db would set the protected state
    content = printing.print_application(application)
    text = pdf_text(content)
    body = body_text(content)
    assert "特种设备生产单位许可申请书" in text
    assert "TS-2025-000123" in text
    assert application.applicant.name in text
    assert "北京市市场监督管理局" in text
    for item in application.items.all():
        assert item.item_name in body
        assert item.level_description in body
    assert "压力容器" in body and "锅炉" in body  # categories
    for label, value in [
        ("法定代表人", "张三丰"),
        ("职工人数", "128"),
        ("企业性质", "民营企业"),
        ("是否首次申请", "是"),
        ("生产场地", "北京厂区、天津厂区"),
    ]:
        assert label in text
        assert value in body
    assert "第一段：建立质量保证体系。" in body
    assert "第二段：设置质量保证工程师。" in body
    assert_chinese_in_wenquanyi(content)
    assert any("WenQuanYi" in name for name in embedded_font_names(content))


def test_a_draft_prints_as_draft_in_form_order(application):
    text = pdf_text(printing.print_application(application))
    assert "草稿" in text
    body = body_text(printing.print_application(application))
    positions = [body.index(label) for label in ("申请许可项目", "企业名称", "质量保证体系说明", "申请材料清单")]
    assert positions == sorted(positions)


def test_hidden_pages_and_fields_are_not_printed(application):
    body = body_text(printing.print_application(application))
    assert "原许可证编号" not in body
    assert "TS2210001-2020" not in body
    assert "换证情况" not in body
    assert "换证页上的说明" not in body

    application.data["first_time"] = "否"
    body = body_text(printing.print_application(application))
    assert "TS2210001-2020" in body
    assert "换证页上的说明" in body


def test_empty_values_are_marked_not_filled(application):
    body = body_text(printing.print_page(application, 1))
    assert "传真（未填写）" in body


def test_print_page_prints_that_page_only(application):
    content = printing.print_page(application, 2)
    text = pdf_text(content)
    body = body_text(content)
    assert "许可申请书 – 质量保证体系" in text
    assert "草稿" in text
    assert application.applicant.name in body
    assert "北京市市场监督管理局" in body
    assert "压力容器" in body and "D" in body
    assert "第一段：建立质量保证体系。" in body
    assert "张三丰" not in body
    assert_chinese_in_wenquanyi(content)


def test_a_hidden_or_missing_page_is_not_printable(application):
    with pytest.raises(printing.PageNotPrintable):
        printing.print_page(application, 3)  # 换证情况: shown only for a renewal
    with pytest.raises(printing.PageNotPrintable):
        printing.print_page(application, 4)
    with pytest.raises(printing.PageNotPrintable):
        printing.print_page(application, 0)


def test_a_long_text_flows_over_pages_at_full_size(application):
    # In one table row it would be shrunk to fit a page: reportlab cannot split a row.
    sentences = [f"第{n}条：质量保证工程师负责审核压力容器制造工艺文件。" for n in range(1, 160)]
    application.data["quality_system"] = "\n".join(sentences)
    content = printing.print_page(application, 2)
    assert len(pdf_pages(content)) >= 3
    body = body_text(content)
    assert all(sentence in body for sentence in sentences)


def test_values_are_printed_as_text_not_markup(application):
    application.data["fa_ding_dai_biao_ren"] = '<b>张</b><img src="http://example.com/x.png">'
    body = body_text(printing.print_page(application, 1))
    assert '<b>张</b><imgsrc="http://example.com/x.png">' in body


def test_the_attachment_list_has_names_and_sizes(application):
    ApplicationAttachment.objects.create(
        application=application,
        field_key="quality_system",
        file=ContentFile(b"%PDF-1.4 test", name="manual.pdf"),
        original_name="质量保证手册.pdf",
        content_type="application/pdf",
        size=2 * 1024 * 1024,
        uploaded_by=application.created_by,
    )
    body = body_text(printing.print_application(application))
    list_part = body[body.index("申请材料清单") :]
    assert "质量保证手册.pdf" in list_part
    assert "质量保证体系说明" in list_part  # the field it was uploaded into
    assert "2.0MB" in list_part


def test_a_field_type_with_rows_for_display_prints_a_table(application, monkeypatch):
    def rows_for_display(self, block_value, raw):
        return ["设备名称", "型号", "数量"], [["卷板机", "W11-20", 2], ["探伤机", "XXG-3005", None]]

    monkeypatch.setattr(MultiLineTextField, "rows_for_display", rows_for_display, raising=False)
    content = printing.print_page(application, 2)
    where = text_positions(content)
    # Cells of a row side by side on one line, rows one under the other: a table, not a list.
    for row in (["设备名称", "型号", "数量"], ["卷板机", "W11-20", "2"], ["探伤机", "XXG-3005"]):
        assert len({round(where[cell][1]) for cell in row}) == 1, row
        assert [where[cell][0] for cell in row] == sorted(where[cell][0] for cell in row), row
    assert where["设备名称"][1] > where["卷板机"][1] > where["探伤机"][1]
    runs = printing.printed_pages(application)[1].sections
    assert runs[0]["table"].headers == ["设备名称", "型号", "数量"]
    assert runs[0]["table"].rows[1] == ["探伤机", "XXG-3005", ""]


def test_a_fields_wording_is_printed_with_its_value():
    # A declaration (承诺书) carries its wording in "text"; what was confirmed goes on paper with it.
    wording = "本单位承诺：所填写的内容和提交的材料真实有效。"
    form = make_form_schema([page("承诺", "pledge", [field("singleline", "承诺人", "pledger", text=wording)])])
    application = ApplicationFactory(levels=[make_catalogue(form)["D"]])
    application.data["pledger"] = "张三丰"
    body = body_text(printing.print_page(application, 1))
    assert f"承诺人{wording}张三丰" in body


def test_printing_uses_the_frozen_form_not_the_edited_one(application, catalogue):
    from tests.support.builders import publish_pages

    edited = form_pages()
    edited[0]["value"]["fields"][1]["value"]["label"] = "法人代表（新标签）"
    publish_pages(catalogue["form"], edited)
    body = body_text(printing.print_page(application, 1))
    assert "法定代表人" in body
    assert "新标签" not in body


def test_a_one_line_answer_longer_than_a_page_is_printed_whole(application):
    """Decision letters failed on such a line (xhtml2pdf could not split the CJK paragraph across
    pages); the application form must print it too."""
    application.data["quality_system"] = "质" * 5000
    application.save()
    text = pdf_text(printing.print_application(application))
    assert text.count("质") >= 5000
