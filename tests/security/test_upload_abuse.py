"""Anonymous registration uploads cannot be used to burn memory or fill the disk (outside review
finding 2, docs/security.md): every POST carrying a file is counted per client IP whether the registration
succeeds or not, and the files kept across a failed form are capped per IP and in total, replaced
by the form's next upload and gone after an hour (accounts/uploads.py, core/ratelimit.py).

The bounded decoding of images and the PDF checks are proven file by file in
tests/security/test_bad_uploads.py and tests/accounts/test_uploads.py.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from core.storage import private_storage
from tests.support.accounts import enterprise_data
from tests.support.bad_files import PDF, pdf_document

pytestmark = pytest.mark.django_db
REGISTER = reverse("accounts:register_enterprise")
MB = 1024 * 1024


def stashed():
    try:
        return private_storage().listdir("pending")[1]
    except FileNotFoundError:
        return []


def stashed_bytes():
    return sum(private_storage().size(f"pending/{name}") for name in stashed())


@pytest.fixture(autouse=True)
def _empty_stash():
    for name in stashed():
        private_storage().delete(f"pending/{name}")


def failed_registration(client, content=PDF, ip="203.0.113.7", **extra):
    """A registration without its SMS code (so it fails) carrying a good business licence."""
    data = enterprise_data(1, business_licence=SimpleUploadedFile("营业执照.pdf", content), **extra)
    return client.post(REGISTER, data, REMOTE_ADDR=ip)


@override_settings(REGISTRATION_UPLOAD_HOURLY_LIMIT_PER_IP=3, REGISTRATION_UPLOAD_DAILY_LIMIT_PER_IP=100)
def test_failed_registrations_with_a_file_are_rate_limited_per_ip(client):
    for _ in range(3):
        assert failed_registration(client).status_code == 200
    response = failed_registration(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert "您所在网络上传注册材料过于频繁，请" in html and "分钟后再试" in html
    assert 0 < int(response["Retry-After"]) <= 3600
    assert failed_registration(client, ip="198.51.100.9").status_code == 200  # another network
    # A POST without a file is not an upload: the form still answers.
    assert client.post(REGISTER, enterprise_data(1), REMOTE_ADDR="203.0.113.7").status_code == 200


@override_settings(REGISTRATION_UPLOAD_HOURLY_LIMIT_PER_IP=100, REGISTRATION_UPLOAD_DAILY_LIMIT_PER_IP=1)
def test_upload_attempts_per_ip_per_day(client):
    assert failed_registration(client).status_code == 200
    response = failed_registration(client)
    assert response.status_code == 429
    assert "您所在网络今日上传注册材料的次数已达上限，请明天再试。" in response.content.decode()


def test_twenty_anonymous_posts_of_5_mb_cannot_fill_the_stash(client):
    # The review's attack: 20 POSTs with 4.9 MB PDFs and no SMS code filled 100 MB of stash.
    big = pdf_document(comment=b"%" + b" " * int(4.9 * MB) + b"\n")
    statuses = [failed_registration(client, big).status_code for _ in range(20)]
    assert statuses.count(429) == 10  # REGISTRATION_UPLOAD_HOURLY_LIMIT_PER_IP = 10
    assert stashed_bytes() <= 20 * MB  # REGISTRATION_STASH_MAX_MB_PER_IP = 20
    assert len(stashed()) == 4


@override_settings(REGISTRATION_STASH_MAX_MB_PER_IP=1)
def test_a_full_stash_is_refused_with_a_chinese_message(client):
    medium = pdf_document(comment=b"%" + b" " * (400 * 1024) + b"\n")
    assert failed_registration(client, medium).status_code == 200
    assert failed_registration(client, medium).status_code == 200
    response = failed_registration(client, medium)
    assert response.status_code == 200
    errors = response.context["form"].errors["business_licence"]
    assert "企业营业执照未能暂存" in errors[0]
    assert len(stashed()) == 2
    assert 'name="business_licence_token" value=""' in response.content.decode() or (
        'id="kept-licence"' not in response.content.decode()
    )


def test_the_next_submit_of_the_form_replaces_its_stash(client):
    response = failed_registration(client)
    token = response.context["form"].data["business_licence_token"]
    assert token and len(stashed()) == 1
    response = failed_registration(client, business_licence_token=token)
    assert response.context["form"].data["business_licence_token"] != token
    assert len(stashed()) == 1
