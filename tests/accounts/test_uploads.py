import os
import re
import struct
import time
import zipfile
import zlib
from io import BytesIO

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image

from accounts.uploads import (
    STASH_SALT,
    StashFull,
    discard_stash,
    purge_stale_stashes,
    restore_upload,
    stash_upload,
    stashed_name,
    validate_business_licence,
)
from core.storage import private_storage

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _private_storage_per_test(settings, tmp_path):
    # Changing STORAGES resets django's storage cache, so each test sees an empty private root.
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def image_bytes(fmt, size=(160, 120), mode="RGB"):
    buffer = BytesIO()
    image = Image.new(mode, size, "white")
    if mode == "RGB":
        # Busy pixels, so that most of the file is image data rather than headers.
        width, height = size
        image.putdata(
            [((x * x + 3 * y * y) % 256, (x * y) % 256, (7 * x + y) % 256) for y in range(height) for x in range(width)]
        )
    image.save(buffer, fmt)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


def zip_bytes():
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("licence.pdf", PDF)
    return buffer.getvalue()


def upload(name, content, content_type="application/pdf"):
    # The browser's content type is deliberately wrong or generic: it must not matter.
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(uploaded_file):
    with pytest.raises(ValidationError) as info:
        validate_business_licence(uploaded_file)
    error = info.value
    message = error.messages[0]
    assert CHINESE.search(message), message
    return error.code, message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("营业执照.pdf", PDF),
        ("营业执照.PDF", PDF),
        ("licence.png", PNG),
        ("licence.PNG", PNG),
        ("scan.jpg", JPEG),
        ("scan.jpeg", JPEG),
        ("Scan.JPEG", JPEG),
    ],
)
def test_valid_files_are_accepted(name, content):
    uploaded = upload(name, content, "application/octet-stream")
    uploaded.read(5)
    assert validate_business_licence(uploaded) is None
    assert uploaded.tell() == 0
    assert uploaded.read() == content


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("licence.pdf", ELF, "type"),
        ("licence.pdf", MZ, "type"),
        ("licence.png", HTML, "type"),
        ("licence.png", SVG, "type"),
        ("licence.pdf", zip_bytes(), "type"),
        ("licence.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "type"),
        ("licence.pdf", b"just some text, no header\n%%EOF", "type"),
        ("licence.pdf.exe", PDF, "extension"),
        ("licence.pdf.exe", MZ, "extension"),
        ("licence.png.html", PNG, "extension"),
        ("licence", PDF, "extension"),
        ("licence.pdf.", PDF, "extension"),
        ("licence.pdf", PNG, "extension"),
        ("licence.png", JPEG, "extension"),
        ("licence.jpg", PDF, "extension"),
        ("licence.png", PNG[: len(PNG) // 2], "corrupt"),
        ("licence.png", PNG[:40], "corrupt"),
        ("licence.jpg", JPEG[: len(JPEG) // 2], "corrupt"),
        ("licence.png", PNG[:-20] + b"\x00" * 8 + PNG[-12:], "corrupt"),
        ("licence.pdf", PDF.replace(b"%%EOF", b"%%EOX"), "corrupt"),
        ("licence.pdf", PDF[:-80], "corrupt"),
        ("licence.pdf", PDF + b"\n" + b"x" * 2000, "corrupt"),
        ("licence.pdf", b"%PDF1.4\n" + PDF[9:], "corrupt"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_bad_files_are_refused(name, content, code):
    uploaded = upload(name, content)
    assert refusal(uploaded)[0] == code
    assert uploaded.tell() == 0


@pytest.mark.parametrize(("name", "content"), [("licence.png", PNG), ("licence.jpg", JPEG)])
def test_image_cut_off_in_its_pixel_data_is_refused(name, content):
    truncated = content[: len(content) * 3 // 4]
    with Image.open(BytesIO(truncated)) as image:
        assert image.size == (160, 120)  # the header is intact: only decoding finds the damage
    assert refusal(upload(name, truncated))[0] == "corrupt"


def test_pdf_eof_within_the_last_1024_bytes_is_enough():
    validate_business_licence(upload("licence.pdf", PDF + b"\n" * 1000))


def test_empty_file_is_refused():
    code, message = refusal(upload("licence.pdf", b""))
    assert code == "empty"
    assert "空文件" in message


def test_file_over_the_size_limit_is_refused(settings):
    settings.BUSINESS_LICENCE_MAX_BYTES = len(PNG) - 1
    code, message = refusal(upload("licence.png", PNG))
    assert code == "too_large"
    assert "不能超过" in message

    settings.BUSINESS_LICENCE_MAX_BYTES = len(PNG)
    validate_business_licence(upload("licence.png", PNG))


def test_size_limit_is_stated_in_megabytes(settings):
    settings.BUSINESS_LICENCE_MAX_BYTES = 1024 * 1024
    code, message = refusal(upload("licence.pdf", PDF[:-6] + b" " * (1024 * 1024) + b"%%EOF\n"))
    assert code == "too_large"
    assert "1 MB" in message
    settings.BUSINESS_LICENCE_MAX_BYTES = 5 * 1024 * 1024
    assert "5 MB" in refusal(upload("licence.pdf", b"%PDF-" + b" " * (5 * 1024 * 1024)))[1]


def test_image_over_50_megapixels_is_refused():
    # 8000 x 7000 = 56 megapixels; one bit per pixel keeps the test light.
    code, message = refusal(upload("licence.png", image_bytes("PNG", (8000, 7000), mode="1")))
    assert code == "too_large"
    assert "像素" in message


def test_decompression_bomb_beyond_pillow_limit_is_refused():
    # A PNG header announcing 20000 x 20000 pixels (400 MP) with almost no data.
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20000, 20000, 1, 0, 0, 0, 0)
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    assert refusal(upload("licence.png", bomb))[0] == "too_large"


def test_file_with_a_path_in_its_name_is_judged_by_the_basename():
    uploaded = upload("licence.png", PNG)
    uploaded.name = "C:\\Users\\张三\\Desktop\\营业执照.png"
    validate_business_licence(uploaded)


# Stashing ------------------------------------------------------------------------------------


def stored_files():
    try:
        return private_storage().listdir("pending")[1]
    except FileNotFoundError:
        return []


def test_stash_and_restore_round_trip():
    token = stash_upload(upload("营业执照.pdf", PDF))

    restored = restore_upload(token)
    assert isinstance(restored, SimpleUploadedFile)
    assert restored.name == "营业执照.pdf"
    assert restored.read() == PDF
    assert restored.size == len(PDF)
    assert restored.content_type == "application/pdf"
    validate_business_licence(restored)
    assert stashed_name(token) == "营业执照.pdf"


@pytest.mark.parametrize(
    ("name", "content", "content_type"), [("Scan.JPG", JPEG, "image/jpeg"), ("a.png", PNG, "image/png")]
)
def test_restored_content_type_comes_from_the_content(name, content, content_type):
    restored = restore_upload(stash_upload(upload(name, content, "text/html")))
    assert restored.content_type == content_type
    assert restored.name == name


def test_stored_path_is_random_and_does_not_hold_the_client_name():
    token = stash_upload(upload("张三-营业执照.PDF", PDF))
    path = signing.loads(token, salt=STASH_SALT)["path"]
    assert re.fullmatch(r"pending/[0-9a-f]{16}-[0-9a-f]{32}\.pdf", path)  # client digest - random
    assert "张三" not in path and "营业执照" not in path
    assert private_storage().exists(path)
    assert stored_files() == [path.removeprefix("pending/")]

    other = signing.loads(stash_upload(upload("张三-营业执照.PDF", PDF)), salt=STASH_SALT)["path"]
    assert other != path


def test_stash_leaves_the_upload_readable():
    uploaded = upload("licence.png", PNG)
    stash_upload(uploaded)
    assert uploaded.tell() == 0
    assert uploaded.read() == PNG


def test_stash_copies_a_large_temporary_upload_instead_of_moving_it():
    uploaded = TemporaryUploadedFile("licence.pdf", "application/pdf", len(PDF), None)
    uploaded.write(PDF)
    uploaded.seek(0)
    try:
        token = stash_upload(uploaded)
        # The form can still save the very same upload afterwards.
        path = private_storage().save("tmp/copy.pdf", uploaded)
        assert private_storage().open(path).read() == PDF
        assert restore_upload(token).read() == PDF
    finally:
        uploaded.close()


def test_display_name_is_the_basename_and_at_most_100_characters():
    uploaded = upload("x.pdf", PDF)
    uploaded.name = "C:\\fakepath\\" + "营" * 150 + ".pdf"
    name = stashed_name(stash_upload(uploaded))
    assert len(name) == 100
    assert name.endswith(".pdf")
    assert "\\" not in name and "fakepath" not in name


def test_forged_or_tampered_tokens_give_none():
    token = stash_upload(upload("licence.pdf", PDF))
    payload = signing.loads(token, salt=STASH_SALT)
    forged = [
        None,
        "",
        12,
        "not-a-token",
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token + "x",
        "x" * 5000,
        signing.dumps(payload, salt="another.salt"),
        signing.dumps(payload, salt=STASH_SALT, key="someone-elses-secret"),
        signing.dumps({**payload, "name": "x.pdf"}, salt=STASH_SALT)[:-3] + token[-3:],
    ]
    for bad in forged:
        assert restore_upload(bad) is None, bad
        assert stashed_name(bad) is None, bad
        discard_stash(bad)  # never raises
    assert restore_upload(token) is not None


@pytest.mark.parametrize(
    "path",
    [
        "../x",
        "pending/../../etc/passwd",
        "/etc/passwd",
        "other/0123456789abcdef0123456789abcdef.pdf",
        "pending/0123456789abcdef0123456789abcdef.pdf/../../x",
        "pending/secret.pdf",
        "pending\\..\\x",
    ],
)
def test_signed_token_with_a_path_outside_pending_gives_none(path):
    token = signing.dumps({"path": path, "name": "x.pdf", "size": 1}, salt=STASH_SALT)
    assert restore_upload(token) is None
    assert stashed_name(token) is None
    discard_stash(token)


@pytest.mark.parametrize(
    "payload",
    [["pending/x"], "pending/x", {"path": "pending/" + "0" * 32 + ".pdf"}, {"name": "a.pdf", "size": 3}],
)
def test_signed_token_of_the_wrong_shape_gives_none(payload):
    token = signing.dumps(payload, salt=STASH_SALT)
    assert restore_upload(token) is None
    assert stashed_name(token) is None


def test_expired_token_gives_none(monkeypatch):
    token = stash_upload(upload("licence.pdf", PDF))
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 24 * 60 * 60 + 5)
    assert restore_upload(token) is None
    assert stashed_name(token) is None
    # A genuine but expired token may still clean up its file.
    discard_stash(token)
    monkeypatch.undo()
    assert restore_upload(token) is None


def test_missing_or_changed_file_gives_none():
    token = stash_upload(upload("licence.pdf", PDF))
    path = signing.loads(token, salt=STASH_SALT)["path"]
    private_storage().delete(path)
    assert restore_upload(token) is None
    assert stashed_name(token) is None

    token = stash_upload(upload("licence.pdf", PDF))
    path = signing.loads(token, salt=STASH_SALT)["path"]
    with open(private_storage().path(path), "ab") as stored:
        stored.write(b"appended")
    assert restore_upload(token) is None


def test_discard_removes_the_file_and_is_silent_when_gone():
    token = stash_upload(upload("licence.png", PNG))
    path = signing.loads(token, salt=STASH_SALT)["path"]
    assert private_storage().exists(path)

    discard_stash(token)
    assert not private_storage().exists(path)
    assert restore_upload(token) is None
    discard_stash(token)


def test_purge_removes_only_stale_stashes():
    old = signing.loads(stash_upload(upload("old.pdf", PDF)), salt=STASH_SALT)["path"]
    new = signing.loads(stash_upload(upload("new.pdf", PDF)), salt=STASH_SALT)["path"]
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(private_storage().path(old), (two_days_ago, two_days_ago))

    assert purge_stale_stashes() == 1
    assert not private_storage().exists(old)
    assert private_storage().exists(new)


# Outside review (docs/security.md): bounded decoding, active PDF content, stash caps and lifetime ----


def test_16_bit_png_within_the_pixel_limit_is_refused_before_decoding(monkeypatch):
    from PIL import ImageFile

    from tests.support.bad_files import deep_png

    def no_decoding(self):
        raise AssertionError("decoded before the header check")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    for content in (deep_png(4000, 3000, 16, 2), deep_png(7000, 7000)):
        code, message = refusal(upload("licence.png", content))
        assert code == "too_large", message


def test_image_over_25_megapixels_is_refused():
    from tests.support.bad_files import deep_png

    code, message = refusal(upload("licence.png", deep_png(6000, 5000, 8, 0)))
    assert code == "too_large" and "2500 万像素" in message


def test_pdf_with_active_content_is_refused_with_the_field_named():
    from tests.support.bad_files import ACTIVE_PDFS

    for bad in ACTIVE_PDFS:
        with pytest.raises(ValidationError) as info:
            validate_business_licence(upload("licence.pdf", bad.content), label="法人证书或营业执照")
        assert info.value.code == "active_content", bad.why
        assert info.value.messages[0].startswith("法人证书或营业执照：PDF 文件含有脚本、附件或自动执行的内容")


def test_unparseable_pdf_and_html_inside_a_pdf_are_refused():
    from tests.support.bad_files import PDF_HTML_POLYGLOTS, UNPARSEABLE_PDFS

    for bad in UNPARSEABLE_PDFS + PDF_HTML_POLYGLOTS:
        code, message = refusal(upload("licence.pdf", bad.content))
        assert code in {"corrupt", "polyglot"} and message.startswith("营业执照："), bad.why


def test_pdf_with_links_and_an_open_at_page_one_action_is_accepted():
    from tests.support.bad_files import pdf_document

    plain = pdf_document(
        b"/Pages 2 0 R/OpenAction[3 0 R/Fit]",
        b"/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/A<</S/URI/URI(https://www.samr.gov.cn/)>>>>]",
    )
    assert validate_business_licence(upload("licence.pdf", plain)) is None


@pytest.fixture
def small_stash(settings):
    settings.REGISTRATION_STASH_MAX_MB_PER_IP = 1
    settings.REGISTRATION_STASH_MAX_MB_TOTAL = 2


def big_pdf(kb=400):
    from tests.support.bad_files import pdf_document

    return pdf_document(comment=b"%" + b" " * (kb * 1024) + b"\n")


def test_stash_is_capped_per_client_ip(small_stash):
    stash_upload(upload("a.pdf", big_pdf()), client_ip="203.0.113.7")
    stash_upload(upload("b.pdf", big_pdf()), client_ip="203.0.113.7")
    with pytest.raises(StashFull):
        stash_upload(upload("c.pdf", big_pdf()), client_ip="203.0.113.7")
    assert len(stored_files()) == 2
    stash_upload(upload("d.pdf", big_pdf()), client_ip="198.51.100.9")  # another client still has room


def test_stash_is_capped_in_total(small_stash):
    for n in range(5):  # 5 x 400 KB fit in 2 MB, a sixth does not
        stash_upload(upload("a.pdf", big_pdf()), client_ip=f"203.0.113.{n}")
    with pytest.raises(StashFull):
        stash_upload(upload("b.pdf", big_pdf()), client_ip="198.51.100.9")
    assert len(stored_files()) == 5


def test_stash_lives_one_hour_and_expired_files_free_their_room(small_stash, monkeypatch):
    token = stash_upload(upload("a.pdf", big_pdf()), client_ip="203.0.113.7")
    stash_upload(upload("b.pdf", big_pdf()), client_ip="203.0.113.7")
    hour_ago = time.time() - 60 * 60 - 5
    for name in stored_files():
        os.utime(private_storage().path(f"pending/{name}"), (hour_ago, hour_ago))
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 60 * 60 + 5)
    assert restore_upload(token) is None
    monkeypatch.undo()
    stash_upload(upload("c.pdf", big_pdf()), client_ip="203.0.113.7")  # the stale two are gone
    assert len(stored_files()) == 1
    assert purge_stale_stashes() == 0


def test_a_new_stash_replaces_the_one_the_form_carried():
    first = stash_upload(upload("a.pdf", PDF), client_ip="203.0.113.7")
    second = stash_upload(upload("b.pdf", PDF), client_ip="203.0.113.7", replaces=first)
    assert restore_upload(first) is None
    assert restore_upload(second) is not None
    assert len(stored_files()) == 1
