"""Reading a PDF the portal printed back: its pages, its text without the running header and
footer, and which font drew each run."""

import io
import re

from pypdf import PdfReader

HAN = re.compile(r"[\u4e00-\u9fff]")


PRODUCT = "特种设备行政许可申报系统"


FOOTER = re.compile(r"第\s*\d+\s*页，共\s*\d+\s*页")


def pdf_pages(content):
    assert content.startswith(b"%PDF-"), content[:20]
    return PdfReader(io.BytesIO(content)).pages


def pdf_text(content):
    return "\n".join(page.extract_text() for page in pdf_pages(content))


def body_text(content):
    """The text of every page without the running header and footer, whitespace removed, so a
    sentence that wraps over lines or pages reads as one."""
    parts = []
    for page in pdf_pages(content):
        text = page.extract_text()
        text = "\n".join(line for line in text.splitlines() if PRODUCT not in line)
        parts.append(FOOTER.sub("", text))
    return re.sub(r"\s+", "", "".join(parts))


def font_runs(content):
    """(text, BaseFont) of every run of text drawn in the document."""
    runs = []
    for page in pdf_pages(content):

        def visit(text, cm, tm, font_dict, font_size):
            if text.strip():
                runs.append((text, str(font_dict.get("/BaseFont")) if font_dict else None))

        page.extract_text(visitor_text=visit)
    return runs


def embedded_font_names(content):
    """BaseFont of every font resource; those whose glyphs are in the file are marked "embedded:"."""
    names = set()
    for page in pdf_pages(content):
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for face in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                descriptor = face.get("/FontDescriptor")
                embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
                names.add(("embedded:" if embedded else "") + str(face["/BaseFont"]))
    return names


def assert_chinese_in_wenquanyi(content):
    chinese = [(text, font) for text, font in font_runs(content) if HAN.search(text)]
    assert chinese, "no Chinese text was drawn"
    wrong = [(text, font) for text, font in chinese if not font or "WenQuanYi" not in font]
    assert not wrong, f"Chinese drawn without the CJK font: {wrong[:3]}"


def text_of(document):
    """The document's text without the running header and footer, whitespace removed, so a sentence
    that wraps over lines or pages reads as one. Unlike body_text it keeps body lines that
    name the system (请登录特种设备行政许可申报系统…): only the header line starts with it and a "·"."""
    parts = []
    for page in pdf_pages(document.read()):
        lines = page.extract_text().splitlines()
        parts.append(FOOTER.sub("", "\n".join(line for line in lines if not line.startswith(f"{PRODUCT} ·"))))
    return re.sub(r"\s+", "", "".join(parts))
