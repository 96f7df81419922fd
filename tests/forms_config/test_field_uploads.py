"""Uploads into file fields: checked by content (forms_config/uploads.py) and saved by
workflows.services.attach_files through the field type's `max_files` / `validate_upload`."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from wagtailstreamforms.fields import get_fields

from forms_config import uploads
from tests.support.bad_files import ACTIVE_PDFS, pdf_document
from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.factories import UserFactory
from tests.support.field_types import JPEG, PDF, PNG, errors_of, upload
from workflows.services import attach_files

CHINESE = re.compile(r"[\u4e00-\u9fff]")
pytestmark = pytest.mark.django_db
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 300
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def _private_storage_per_test(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def block(type_="file", label="营业执照", **extra):
    return {"label": label, "key": "k", "required": True, **extra}


def refusal(uploaded, **extra):
    field_type = get_fields()[extra.pop("type_", "file")]()
    with pytest.raises(ValidationError) as info:
        field_type.validate_upload(block(**extra), uploaded)
    assert uploaded.tell() == 0
    message = " ".join(info.value.messages)
    assert CHINESE.search(message), message
    return info.value.code, message


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("营业执照.pdf", PDF, "application/pdf"),
        ("SCAN.PDF", PDF, "application/pdf"),
        ("照片.jpg", JPEG, "image/jpeg"),
        ("照片.JPEG", JPEG, "image/jpeg"),
        ("截图.png", PNG, "image/png"),
        ("C:\\Users\\张三\\营业执照.png", PNG, "image/png"),
    ],
)
def test_good_files_are_accepted_with_their_content_type(name, content, mime):
    uploaded = upload(name, content)
    uploaded.read(3)
    assert get_fields()["file"]().validate_upload(block(), uploaded) == mime
    assert uploaded.tell() == 0
    assert uploaded.read() == content


def test_a_png_named_pdf_names_both_the_extension_and_the_content():
    code, message = refusal(upload("营业执照.pdf", PNG))
    assert code == "extension"
    assert message == "文件扩展名（.pdf）与文件实际内容（PNG）不符，请上传原始文件，不要修改扩展名。"


def test_an_empty_file_is_refused():
    assert refusal(upload("营业执照.pdf", b"")) == ("empty", "所选文件是空文件（0 字节），请重新选择。")


def test_the_size_limit_is_the_fields():
    big = PDF[:-7] + b" " * (1024 * 1024) + b"\n%%EOF\n"
    code, message = refusal(upload("营业执照.pdf", big), max_size_mb=1)
    assert (code, message) == ("too_large", "营业执照的单个文件不能超过 1 MB，请压缩后重新上传。")
    assert get_fields()["file"]().validate_upload(block(max_size_mb=2), upload("a.pdf", big)) == "application/pdf"


def test_size_limits_default_to_10_and_stop_at_50_mb():
    file_type = get_fields()["file"]()
    assert file_type.max_bytes(block()) == 10 * 1024 * 1024
    assert file_type.max_bytes(block(max_size_mb=None)) == 10 * 1024 * 1024
    assert file_type.max_bytes(block(max_size_mb=500)) == 50 * 1024 * 1024
    assert file_type.max_bytes(block(max_size_mb="junk")) == 10 * 1024 * 1024


def test_a_large_pdf_is_judged_by_its_head_and_tail(tmp_path):
    uploaded = TemporaryUploadedFile("大文件.pdf", "application/pdf", 0, None)
    uploaded.write(pdf_document(comment=b"%" + b"0" * (3 * 1024 * 1024) + b"\n"))
    uploaded.flush()
    assert get_fields()["file"]().validate_upload(block(), uploaded) == "application/pdf"
    uploaded.close()


@pytest.mark.parametrize(
    ("name", "content", "code", "fragment"),
    [
        ("报告.pdf", ELF, "type", "文件内容不是 PDF、JPG、PNG 格式"),
        ("报告.png", HTML, "type", "文件内容不是 PDF、JPG、PNG 格式"),
        ("../../etc/passwd", PDF, "extension", "扩展名为 .pdf、.jpg、.jpeg、.png"),
        ("报告.pdf.exe", PDF, "extension", "营业执照只能上传 PDF、JPG、PNG 格式的文件"),
        ("报告", PDF, "extension", "营业执照只能上传"),
        ("照片.jpg", JPEG[: len(JPEG) * 2 // 3], "corrupt", "图片文件已损坏或不完整"),
        ("截图.png", PNG[: len(PNG) // 2], "corrupt", "图片文件已损坏或不完整"),
        ("报告.pdf", PDF.replace(b"%%EOF", b"%%EOX"), "corrupt", "PDF 文件已损坏或不完整"),
        ("报告.pdf", PDF + b"x" * 3000, "corrupt", "PDF 文件已损坏或不完整"),
        ("照片.jpg", PNG, "extension", "（.jpg）与文件实际内容（PNG）不符"),
    ],
)
def test_bad_files_are_refused(name, content, code, fragment):
    got_code, message = refusal(upload(name, content))
    assert got_code == code
    assert fragment in message


def test_only_the_types_the_editor_allowed_are_taken():
    code, message = refusal(upload("照片.png", PNG), allowed_types=["pdf"])
    assert (code, message) == ("extension", "营业执照只能上传 PDF 格式的文件（扩展名为 .pdf）。")
    code, message = refusal(upload("照片.pdf", PNG), allowed_types=["pdf"])
    assert message == "文件扩展名（.pdf）与文件实际内容（PNG）不符，请上传原始文件，不要修改扩展名。"
    file_type = get_fields()["file"]()
    assert file_type.validate_upload(block(allowed_types=["jpg", "png"]), upload("a.png", PNG)) == "image/png"
    # Nothing chosen (or junk) means all three.
    assert file_type.validate_upload(block(allowed_types=[]), upload("a.pdf", PDF)) == "application/pdf"
    assert file_type.validate_upload(block(allowed_types=42), upload("a.jpg", JPEG)) == "image/jpeg"


def test_accept_attribute_follows_the_allowed_types():
    assert uploads.accept_attribute(["png", "pdf"]) == ".pdf,.png,application/pdf,image/png"
    assert uploads.accept_attribute(None) == ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


# ----- through attach_files, as the upload view uses it -----------------------------------------


@pytest.fixture
def application():
    form = make_form_schema(
        pages=[
            page(
                "申请材料",
                "materials",
                [
                    field("file", "营业执照", "licence", allowed_types=["pdf"]),
                    field("files", "场地证明", "site_proof", max_files=2, max_size_mb=1),
                ],
            )
        ]
    )
    catalogue = make_catalogue(form)
    user = UserFactory()
    return ApplicationFactory(user=user, levels=[catalogue["D"]]), user


def test_attach_files_saves_good_uploads_and_reports_bad_ones(application):
    application, user = application
    spec = application.schema_version.parsed.fields_by_key["site_proof"]
    errors = attach_files(
        application,
        spec,
        [upload("租赁合同.pdf", PDF), upload("房产证.pdf", PNG), upload("照片.jpg", JPEG), upload("多余.png", PNG)],
        [],
        user,
    )
    assert errors == [
        "“房产证.pdf”：文件扩展名（.pdf）与文件实际内容（PNG）不符，请上传原始文件，不要修改扩展名。",
        "场地证明最多上传 2 个文件，“多余.png”未保存。",
    ]
    raw = application.data["site_proof"]
    assert [ref["name"] for ref in raw] == ["租赁合同.pdf", "照片.jpg"]
    assert [a.content_type for a in application.attachments.order_by("pk")] == ["application/pdf", "image/jpeg"]
    assert spec.display(raw) == "租赁合同.pdf、照片.jpg"
    assert errors_of([field("files", "场地证明", "k", max_files=2)], {"k": raw}) == {}

    errors = attach_files(application, spec, [], [raw[0]["id"]], user)
    assert errors == []
    assert [ref["name"] for ref in application.data["site_proof"]] == ["照片.jpg"]


def test_a_single_file_field_takes_one_file(application):
    application, user = application
    spec = application.schema_version.parsed.fields_by_key["licence"]
    errors = attach_files(application, spec, [upload("营业执照.pdf", PDF), upload("副本.pdf", PDF)], [], user)
    assert errors == ["营业执照最多上传 1 个文件，“副本.pdf”未保存。"]
    assert [ref["name"] for ref in application.data["licence"]] == ["营业执照.pdf"]
    errors = attach_files(
        application, spec, [upload("营业执照.png", PNG)], [application.data["licence"][0]["id"]], user
    )
    assert errors == ["“营业执照.png”：营业执照只能上传 PDF 格式的文件（扩展名为 .pdf）。"]


@pytest.mark.parametrize("bad", ACTIVE_PDFS, ids=str)
def test_a_pdf_with_active_content_is_refused_naming_the_field(bad):
    # Outside review finding 13 (docs/security.md): staff open attachments in desktop readers.
    with pytest.raises(ValidationError) as info:
        get_fields()["file"]().validate_upload(block(), upload("说明.pdf", bad.content))
    assert info.value.code == "active_content"
    assert "营业执照：PDF 文件含有脚本、附件或自动执行的内容" in info.value.messages[0]
