"""The licence's QR code and verification link carry the site's configured public address
(PORTAL_BASE_URL; in production WAGTAILADMIN_BASE_URL unless set), and on a laptop with neither set
the host the approving officer's request came to."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from django.urls import reverse
from pypdf import PdfReader

from tests.support.builders import make_catalogue
from tests.support.pdf import text_of
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import verification
from workflows.models import ApplicationState, DocumentKind

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


def approve_in_the_admin(client, parties, **host):
    application = application_in(ApplicationState.REVIEWED, parties)
    client.force_login(parties.authority)
    url = reverse("licensing:approve", args=[application.pk])
    response = client.post(url, {"comment": "准予许可", "confirmed": "on"}, **host)
    assert response.status_code == 302, response.content.decode()[:2000]
    return refresh(application).license


def printed_urls(licence):
    """The verification link in the licence PDF's text and the text of its QR code."""
    document = licence.application.documents.get(kind=DocumentKind.LICENSE)
    content = document.file.read()
    document.file.seek(0)
    qr = [
        result.text
        for page in PdfReader(io.BytesIO(content)).pages
        for image in page.images
        for result in zxingcpp.read_barcodes(image.image)
    ]
    path = verification.verification_path(licence)
    text = text_of(document)
    start = text.index("扫描左侧二维码或访问") + len("扫描左侧二维码或访问")
    link = text[start : text.index(path, start) + len(path)]
    return link, qr


def test_the_configured_public_address_wins_over_the_request(client, parties, settings):
    settings.PORTAL_BASE_URL = "https://xuke.example.gov.cn/"
    licence = approve_in_the_admin(client, parties, HTTP_HOST="10.0.0.5:8000")
    expected = f"https://xuke.example.gov.cn/verify/?number={licence.number}"
    assert printed_urls(licence) == (expected, [expected])


def test_without_a_configured_address_the_request_host_is_used(client, parties, settings):
    settings.PORTAL_BASE_URL = ""
    licence = approve_in_the_admin(client, parties, HTTP_HOST="192.168.1.20:8000")
    expected = f"http://192.168.1.20:8000/verify/?number={licence.number}"
    assert printed_urls(licence) == (expected, [expected])


def test_without_a_request_or_configuration_wagtailadmin_base_url_is_used(parties, settings):
    settings.PORTAL_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    licence = application_in(ApplicationState.APPROVED, parties).license  # the action, no request
    expected = f"http://127.0.0.1:8000/verify/?number={licence.number}"
    assert printed_urls(licence) == (expected, [expected])


def settings_of(module, **variables):
    """PORTAL_BASE_URL as `module` computes it with only `variables` set (a fresh interpreter)."""
    code = "import django; django.setup(); from django.conf import settings as s; print(repr(s.PORTAL_BASE_URL))"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": module,
        "PYTHONPATH": f"{ROOT}/site:{ROOT}",
        **variables,
    }
    # S603: this interpreter with the test's own code.
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=99)  # noqa: S603
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, "''"),  # the request's host
        ({"WAGTAILADMIN_BASE_URL": "http://dev.example:8000"}, "'http://dev.example:8000'"),
        ({"PORTAL_BASE_URL": "https://xuke.example.gov.cn"}, "'https://xuke.example.gov.cn'"),
    ],
)
def test_development_settings(variables, expected):
    assert settings_of("portal.settings.dev", **variables) == expected
