"""Building a one-page form from field blocks and binding it the two ways the portal does:
to stored raw values, and to a browser's POST turned into raw values first."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from PIL import Image
from wagtailstreamforms.fields import get_fields

from forms_config.schema import Schema
from tests.support.bad_files import pdf_document
from tests.support.builders import field


def schema_of(*fields, page_key="p"):
    return Schema(
        {
            "title": "测试申请书",
            "pages": [
                {
                    "title": "第一页",
                    "key": page_key,
                    "intro": "",
                    "show_when": {"field": "", "value": ""},
                    "fields": list(fields),
                }
            ],
        }
    )


def stored_form(fields, data):
    """The page form bound to stored raw values."""
    schema = schema_of(*fields)
    return schema.page_form(schema.page(1), data)


def query_dict(pairs):
    """A POST as the browser sends it: pairs, a name may repeat."""
    post = QueryDict(mutable=True)
    for name, value in pairs.items() if isinstance(pairs, dict) else pairs:
        for item in value if isinstance(value, list) else [value]:
            post.appendlist(name, item)
    return post


def raw_from_post(fields, post, files=None):
    """What the portal stores for a POST: each field type's raw value."""
    schema = schema_of(*fields)
    form = schema.page_form(schema.page(1), {})
    return form.raw_from_post(post, files or MultiValueDict())


def errors_of(fields, data):
    form = stored_form(fields, data)
    form.is_valid()
    return {key: list(messages) for key, messages in form.errors.items()}


def one(type_, label="字段", key="k", required=True, **extra):
    return field(type_, label, key, required=required, **extra)


def image_bytes(fmt, size=(120, 90)):
    buffer = BytesIO()
    image = Image.new("RGB", size)
    width, height = size
    # Busy pixels, so that most of the file is image data and a cut lands in it.
    image.putdata([((x * 7 + y) % 256, (x * y) % 256, (x + 3 * y) % 256) for y in range(height) for x in range(width)])
    image.save(buffer, fmt)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
PDF = pdf_document()  # parsed by pypdf on upload, so a real cross-reference table


def upload(name, content):
    # The browser's content type is deliberately generic: only the bytes count.
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


COLUMNS = [
    {"label": "姓名", "key": "name", "type": "text", "required": True},
    {"label": "身份证号码", "key": "id_number", "type": "id_number", "required": True},
    {"label": "数量", "key": "qty", "type": "integer", "required": False},
    {"label": "金额", "key": "amount", "type": "number", "required": False},
    {"label": "日期", "key": "date", "type": "date", "required": False},
    {"label": "手机", "key": "mobile", "type": "mobile", "required": False},
    {"label": "代码", "key": "code", "type": "uscc", "required": False},
]


EXTRA = {
    "table": {"columns": COLUMNS, "max_rows": 5},
    "dropdown": {"choices": ["甲", "乙"]},
    "radio": {"choices": ["甲", "乙"]},
    "checkboxes": {"choices": ["甲", "乙"]},
    "files": {"max_files": 2},
    "declaration": {"text": "承诺<b>真实</b>"},
}


def all_fields():
    """One field of every registered type (keys k_<type>), with the options each needs."""
    return [one(t, f"字段{t}%", f"k_{t}", **EXTRA.get(t, {})) for t in sorted(get_fields())]


def post_names():
    """Every POST name the fields of all_fields() read: sub-widgets and table cells too."""
    names = []
    for t in get_fields():
        base = f"f-k_{t}"
        names += [base, f"{base}-province", f"{base}-city", f"{base}-county", f"{base}-TOTAL"]
        names += [f"{base}-{row}-{c['key']}" for row in (0, 1, 7) for c in COLUMNS]
    return names
