"""Building a one-page form from field blocks and binding it the two ways the portal does:
to stored raw values, and to a browser's POST turned into raw values first."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from PIL import Image

from forms_config.schema import Schema
from tests.builders import field
from tests.security.bad_files import pdf_document


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
