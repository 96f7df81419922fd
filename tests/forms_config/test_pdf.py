"""The one PDF path (forms_config/pdf.py, templates/pdf/base.html).

A PDF that merely came back proves little: these read the text back with pypdf, look at which
font drew each Chinese run and check that nothing was fetched from outside the static files.
"""

import re
from types import SimpleNamespace
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from forms_config import pdf
from forms_config.checks import check_pdf_font
from tests.support.pdf import PRODUCT, assert_chinese_in_wenquanyi, body_text, embedded_font_names, pdf_pages, pdf_text

# ----- fixtures -----

TEST_TEMPLATES = {
    "pdf/test_doc.html": (
        '{% extends "pdf/base.html" %}{% block title %}测试文书{% endblock %}'
        "{% block content %}<h1>{{ title }}</h1>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}"
        "{{ extra|safe }}{% endblock %}"
    ),
}


@pytest.fixture
def test_templates():
    engine = {
        **settings.TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **settings.TEMPLATES[0].get("OPTIONS", {}),
            "loaders": [
                ("django.template.loaders.locmem.Loader", TEST_TEMPLATES),
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        },
    }
    with override_settings(TEMPLATES=[engine]):
        yield


def render(title="许可申请书", paragraphs=(), extra=""):
    return pdf.render_pdf("pdf/test_doc.html", {"title": title, "paragraphs": list(paragraphs), "extra": extra})


# ----- text and font -----


def test_chinese_text_comes_back_from_the_pdf(test_templates):
    content = render(paragraphs=["申请单位：北京锅炉制造有限公司", "审批机关：国家市场监督管理总局"])
    text = pdf_text(content)
    assert "许可申请书" in text
    assert "北京锅炉制造有限公司" in text
    assert "国家市场监督管理总局" in text


def test_the_embedded_font_is_wenquanyi_and_only_its_used_glyphs(test_templates):
    content = render(paragraphs=["压力容器制造"])
    names = embedded_font_names(content)
    embedded = [name for name in names if name.startswith("embedded:")]
    assert any("WenQuanYi" in name for name in embedded), names
    # A subset tag (six capitals and "+") says only the used glyphs were embedded, not 5 MB.
    assert all(re.match(r"embedded:/[A-Z]{6}\+", name) for name in embedded), embedded
    assert len(content) < 200_000


def test_no_chinese_falls_back_to_helvetica(test_templates):
    # <h1>, <th> and <b> are bold in xhtml2pdf's default style sheet; there is no bold face.
    content = render(
        paragraphs=["正文"], extra="<table><tr><th>表头</th><td>单元格</td></tr></table><p><b>粗体</b><i>斜体</i></p>"
    )
    assert_chinese_in_wenquanyi(content)
    text = pdf_text(content)
    for word in ("表头", "单元格", "粗体", "斜体"):
        assert word in text


def test_header_and_page_numbers_on_every_page(test_templates):
    content = render(paragraphs=["第一页内容"], extra="<pdf:nextpage/><p>第二页内容</p>")
    pages = pdf_pages(content)
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert PRODUCT in text
        assert re.search(rf"第\s*{number}\s*页，共\s*2\s*页", text), text


def test_a_long_chinese_paragraph_wraps_and_loses_nothing(test_templates):
    sentences = [f"第{n}条：本单位按照质量保证体系要求对压力容器制造过程实施全面控制。" for n in range(1, 120)]
    paragraph = "".join(sentences)
    content = render(paragraphs=[paragraph])
    assert len(pdf_pages(content)) >= 2  # about 3,800 characters: more than a page
    assert paragraph in body_text(content)
    # Wrapped at the page width (about 45 characters of 10.5pt on A4), not one line running off.
    lines = [line for line in pdf_text(content).splitlines() if "质量保证体系" in line]
    assert max(len(line.strip()) for line in lines) <= 60


def test_values_are_escaped_markup(test_templates):
    content = render(paragraphs=['<b>企业</b><img src="http://example.com/x.png">'])
    assert '<b>企业</b><img src="http://example.com/x.png">' in pdf_text(content)


# ----- the font setting -----


def test_a_missing_font_raises_improperly_configured(test_templates):
    with override_settings(PDF_CJK_FONT="/nonexistent/fonts/missing.ttc"):
        with pytest.raises(ImproperlyConfigured, match="apt-get install fonts-wqy-microhei or set PDF_CJK_FONT"):
            render()
    # The setting is checked again when it changes back: the default font works.
    assert "许可申请书" in pdf_text(render())


def test_no_default_font_installed_raises(test_templates, monkeypatch):
    monkeypatch.setattr(pdf, "DEFAULT_FONT_CANDIDATES", ("/nonexistent/a.ttc", "/nonexistent/b.ttf"))
    monkeypatch.setattr(pdf, "_registered", {})
    with pytest.raises(ImproperlyConfigured, match="apt-get install fonts-wqy-microhei"):
        render()


def test_a_postscript_outline_font_is_refused(test_templates, tmp_path):
    fake = tmp_path / "NotoSansCJK-Regular.otf"
    fake.write_bytes(b"OTTO" + b"\0" * 64)
    with override_settings(PDF_CJK_FONT=str(fake)):
        with pytest.raises(ImproperlyConfigured, match="CFF"):
            render()


def test_pdf_cjk_font_setting_chooses_the_file(test_templates, tmp_path):
    default = pdf.configured_font_path()
    link = tmp_path / "chosen.ttc"
    link.symlink_to(default)
    with override_settings(PDF_CJK_FONT=str(link)):
        font = pdf.cjk_font()
        assert font.path == str(link)
        assert_chinese_in_wenquanyi(render(paragraphs=["设定的字体"]))
    assert pdf.cjk_font().path == default


def test_system_check_warns_when_the_font_is_missing():
    assert check_pdf_font() == []
    with override_settings(PDF_CJK_FONT="/nonexistent/missing.ttc"):
        messages = checks.run_checks(tags=["pdf"])
    assert [m.id for m in messages] == ["forms_config.W001"]
    assert messages[0].level == checks.WARNING
    assert "apt-get install fonts-wqy-microhei" in messages[0].msg


def test_system_check_warns_about_a_file_that_is_no_truetype_font(tmp_path):
    fake = tmp_path / "font.ttf"
    fake.write_bytes(b"not a font at all")
    with override_settings(PDF_CJK_FONT=str(fake)):
        assert [m.id for m in check_pdf_font()] == ["forms_config.W002"]


# ----- resources -----


@pytest.mark.parametrize(
    "uri",
    [
        "http://example.com/logo.png",
        "https://169.254.169.254/latest/meta-data/",
        "//example.com/logo.png",
        "file:///etc/passwd",
        "/etc/passwd",
        "../../settings.py",
        "/media/uploads/x.png",
        "/static/../../etc/passwd",
        "/static//etc/passwd",
        "/static/css/does-not-exist.css",
    ],
)
def test_link_callback_refuses_everything_but_static_files(uri):
    with pytest.raises(pdf.PdfResourceRefused):
        pdf.link_callback(uri, None)


def test_link_callback_maps_a_static_url_to_its_file():
    path = pdf.link_callback(settings.STATIC_URL + "css/portal.css", None)
    assert path == str((settings.BASE_DIR / "static" / "css" / "portal.css").resolve())
    data = "data:image/png;base64,iVBORw0KGgo="
    assert pdf.link_callback(data, None) == data


def test_a_document_asking_for_a_remote_image_is_not_rendered(test_templates):
    with pytest.raises(pdf.PdfResourceRefused):
        render(extra='<img src="http://example.com/logo.png">')


def test_a_static_stylesheet_may_be_used(test_templates):
    content = render(paragraphs=["样式表"], extra=f'<link rel="stylesheet" href="{settings.STATIC_URL}css/portal.css">')
    assert "样式表" in pdf_text(content)


# ----- errors -----


def test_errors_reported_by_xhtml2pdf_raise(test_templates, monkeypatch):
    from xhtml2pdf import pisa

    def broken(html, dest, **kwargs):
        dest.write(b"%PDF-1.4 half a document")
        return SimpleNamespace(err=1, warn=0, log=[("error", 3, "Table too wide", "<table>")])

    monkeypatch.setattr(pisa, "CreatePDF", broken)
    with pytest.raises(pdf.PdfRenderError, match="Table too wide"):
        render()


def test_exceptions_inside_xhtml2pdf_become_render_errors(test_templates, monkeypatch):
    from xhtml2pdf import pisa

    def crash(html, dest, **kwargs):
        raise ValueError("reportlab fell over")

    monkeypatch.setattr(pisa, "CreatePDF", crash)
    with pytest.raises(pdf.PdfRenderError, match="reportlab fell over"):
        render()


# ----- the response -----


def test_pdf_response_headers(test_templates):
    response = pdf.pdf_response("pdf/test_doc.html", {"title": "受理决定书"}, "受理决定书-TS2025-0001.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert int(response["Content-Length"]) == len(response.content)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline; ")
    assert 'filename="TS2025-0001.pdf"' in disposition
    encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
    assert unquote(encoded) == "受理决定书-TS2025-0001.pdf"
    assert disposition.isascii()
    assert "受理决定书" in pdf_text(response.content)


def test_pdf_response_as_attachment():
    response = pdf.pdf_bytes_response(b"%PDF-1.4", "许可申请书-草稿.pdf", inline=False)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="document.pdf"' in disposition


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("许可申请书-第1页-草稿.pdf", "1.pdf"),
        ("许可申请书-TS2025-0001.pdf", "TS2025-0001.pdf"),
        ('a"b\r\nc.pdf', "a-b-c.pdf"),
        ("补正告知书", "document"),
    ],
)
def test_ascii_fallback_file_name(name, fallback):
    assert pdf.ascii_filename(name) == fallback
