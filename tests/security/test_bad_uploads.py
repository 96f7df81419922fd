"""Hostile uploads through every upload entry point, over HTTP as a browser sends them:
registration's 营业执照, the application form's file fields (single file, PDF only; several files,
PDF/JPG/PNG), the review body's 评审报告 (PDF only) and 评审材料 in the admin, and the applicant's
整改报告 (PDF/JPG/PNG).

Every file of tests/support/bad_files.py is refused at every entry point with a Chinese message
and leaves nothing behind (no row, no stored file). Good files with hostile names are stored under
server-generated names only, have no public URL, and their names come back escaped.

The unit tests of the validators themselves are tests/accounts/test_uploads.py and
tests/forms_config/test_field_uploads.py; this file is about the doors, not the lock.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Organisation
from core.storage import private_storage
from tests.support.accounts import enterprise_data, sms_code_for
from tests.support.bad_files import (
    CORPUS_SIZE,
    FIELD_LIMIT_MB,
    JPEG,
    LICENCE_LIMIT,
    MB,
    PDF,
    PDF_ONLY_EXTRA,
    PNG,
    REFUSALS_CHECKED,
    REVIEW_LIMIT,
    VERIFY_LIMIT,
    corpus,
    executable_payloads,
)
from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.factories import UserFactory
from tests.support.workflow_builders import application_in, future, make_parties, refresh
from workflows import actions, signature_check
from workflows.models import (
    ApplicationAttachment,
    ApplicationState,
    RectificationRequest,
    ReviewConclusion,
    ReviewFile,
)

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
STORED_PATH = re.compile(r"(accounts/organisation|workflows/applicationattachment|workflows/reviewfile)/[0-9a-f]{32}")
HOSTILE_NAMES = [
    "../../../etc/passwd.pdf",
    "..\\..\\boot.ini.pdf",
    "张三-身份证-110105199001011234.pdf",
    f"<img src=x onerror=alert(31337)>{'长' * 300}.pdf",
    "evil\x00name.pdf",
    "\u202eevil.pdf",
    "'; DROP TABLE accounts_user; --.pdf",
]


@pytest.fixture(autouse=True)
def _small_licence_limit(settings):
    settings.BUSINESS_LICENCE_MAX_BYTES = LICENCE_LIMIT


def stored_files():
    """Every file in private storage (the models' storage and the stash share the root)."""
    root = Path(ApplicationAttachment._meta.get_field("file").storage.location)
    assert root == Path(private_storage().location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def upload(name, content):
    # The browser's content type is a lie on purpose: only the bytes may count.
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def chinese(messages):
    text = " ".join(str(m) for m in messages)
    assert CHINESE.search(text), text
    return text


def test_the_corpus_is_big_enough():
    assert CORPUS_SIZE >= 20
    assert REFUSALS_CHECKED >= 5 * 20


# --- registration ------------------------------------------------------------------------------


def test_every_bad_file_is_refused_at_registration(client):
    url = reverse("accounts:register_enterprise")
    before = stored_files()
    failures = []
    for n, bad in enumerate(corpus(LICENCE_LIMIT), start=1):
        data = enterprise_data(n)
        data["sms_code"] = sms_code_for(data["mobile"])
        data["business_licence"] = upload(bad.name, bad.content)
        response = client.post(url, data, REMOTE_ADDR=f"10.5.{n}.1")
        errors = response.context["form"].errors.get("business_licence") if response.status_code == 200 else None
        if not errors:
            failures.append(f"{bad.why}: {response.status_code}")
            continue
        chinese(errors)
        # Nothing else was wrong: the file alone stopped the registration, and nothing was kept.
        assert set(response.context["form"].errors) == {"business_licence"}, bad.why
        assert executable_payloads(response.content.decode()) == [], bad.why
    assert failures == []
    assert not get_user_model().objects.exists()
    assert not Organisation.objects.filter(kind="enterprise").exists()
    assert stored_files() == before


# --- 许可证查询's 核验文件: every file gets a verdict, none 签名有效, nothing kept -------------------


def test_every_bad_file_gets_a_chinese_verdict_at_verify_document(client):
    assert VERIFY_LIMIT == signature_check.MAX_BYTES
    url = reverse("verify_document")
    before = stored_files()
    failures = []
    for n, bad in enumerate([*corpus(VERIFY_LIMIT), *PDF_ONLY_EXTRA], start=1):
        response = client.post(url, {"file": upload(bad.name, bad.content)}, REMOTE_ADDR=f"10.6.{n}.1")
        body = response.content.decode()
        if response.status_code != 200 or 'data-status="valid"' in body:
            failures.append(f"{bad.why}: {response.status_code}")
            continue
        verdict = response.context.get("verdict")
        errors = response.context["upload_form"].errors.get("file")
        # A verdict, or (an empty file) the form's own message.
        chinese([verdict.headline, *verdict.details] if verdict else errors)
        assert executable_payloads(body) == [], bad.why
    assert failures == []
    assert stored_files() == before


# --- the application form's file fields --------------------------------------------------------


@pytest.fixture
def draft():
    form = make_form_schema(
        pages=[
            page(
                "申请材料",
                "materials",
                [
                    field(
                        "file",
                        "营业执照扫描件",
                        "licence_scan",
                        required=False,
                        allowed_types=["pdf"],
                        max_size_mb=FIELD_LIMIT_MB,
                    ),
                    field("files", "场地证明", "site_proof", required=False, max_size_mb=FIELD_LIMIT_MB, max_files=10),
                ],
            )
        ]
    )
    user = UserFactory()
    return ApplicationFactory(user=user, levels=[make_catalogue(form)["D"]]), user


@pytest.mark.parametrize(("key", "pdf_only"), [("licence_scan", True), ("site_proof", False)])
def test_every_bad_file_is_refused_by_the_form_page(client, draft, key, pdf_only):
    application, user = draft
    client.force_login(user)
    url = reverse("applications:page", args=[application.uuid, 1])
    files = corpus(FIELD_LIMIT_MB * MB) + (PDF_ONLY_EXTRA if pdf_only else [])
    before = stored_files()
    failures = []
    for bad in files:
        response = client.post(url, {"action": "save", f"f-{key}": upload(bad.name, bad.content)})
        html = response.content.decode()
        if response.status_code != 400:
            failures.append(f"{bad.why}: {response.status_code}")
            continue
        messages = re.findall(r'<p class="error"[^>]*>([^<]+)</p>', html)
        assert messages, bad.why
        chinese(messages)
        assert executable_payloads(html) == [], bad.why
    assert failures == []
    assert not ApplicationAttachment.objects.exists()
    assert not application.__class__.objects.get(pk=application.pk).data.get(key)
    assert stored_files() == before


# --- the review body's report and materials ----------------------------------------------------


@pytest.fixture
def scheduled():
    parties = make_parties(make_catalogue())
    return application_in(ApplicationState.REVIEW_SCHEDULED, parties), parties


def report_data(**files):
    return {
        "reviewed_from": f"{future(20):%Y-%m-%d}",
        "reviewed_to": f"{future(21):%Y-%m-%d}",
        "conclusion": ReviewConclusion.QUALIFIED,
        "summary": "符合条件",
        "confirmed": "on",  # the irreversible-step box: refusals here are about the files alone
        **files,
    }


def test_every_bad_file_is_refused_as_review_report_or_material(client, scheduled):
    application, parties = scheduled
    client.force_login(parties.review_body)
    url = reverse("licensing:submit_review_report", args=[application.pk])
    before = stored_files()
    failures = []
    checks = [("report_file", bad) for bad in corpus(REVIEW_LIMIT) + PDF_ONLY_EXTRA]
    checks += [("materials", bad) for bad in corpus(REVIEW_LIMIT)]
    for name, bad in checks:
        files = {"report_file": upload("评审报告.pdf", PDF), name: upload(bad.name, bad.content)}
        if name == "materials":
            # A good material beside the bad one: the whole submission is refused all the same.
            files["materials"] = [upload("备忘录.png", PNG), files["materials"]]
        response = client.post(url, report_data(**files))
        if response.status_code != 400:
            failures.append(f"{name} {bad.why}: {response.status_code}")
            continue
        chinese(response.context["form"].errors[name])
        assert executable_payloads(response.content.decode()) == [], bad.why
    assert failures == []
    assert refresh(application).state == ApplicationState.REVIEW_SCHEDULED
    assert not ReviewFile.objects.exists()
    assert stored_files() == before  # only the documents issued on the way here


def test_every_bad_file_is_refused_as_rectification_report(client, scheduled):
    application, parties = scheduled
    actions.request_rectification(application, parties.review_body, ["压力试验记录不完整"], future(30))
    client.force_login(parties.applicant)
    url = reverse("applications:rectification", args=[application.uuid])
    before = stored_files()
    failures = []
    for bad in corpus(REVIEW_LIMIT):
        response = client.post(url, {"report": upload(bad.name, bad.content)})
        if response.status_code != 400:
            failures.append(f"{bad.why}: {response.status_code}")
            continue
        chinese(response.context["form"].errors["report"])
        assert executable_payloads(response.content.decode()) == [], bad.why
    assert failures == []
    assert not RectificationRequest.objects.exclude(report="").exists()
    assert stored_files() == before


# --- good files under hostile names: server-side names, no public URL ---------------------------


def assert_private(field_file):
    name = field_file.name
    assert STORED_PATH.match(name), name
    assert re.fullmatch(r"[a-z/]+/[0-9a-f]{32}\.(pdf|png|jpg|jpeg)", name), name
    with pytest.raises(ValueError):
        field_file.storage.url(name)
    path = Path(field_file.storage.path(name)).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def assert_not_public(client, field_file):
    name = field_file.name
    for url in (
        settings.MEDIA_URL + name,
        f"{settings.MEDIA_URL}private/{name}",
        "/" + name,
        f"{settings.STATIC_URL}{name}",
        f"{settings.MEDIA_URL}../private/{name}",
    ):
        assert client.get(url).status_code == 404, url


def test_registration_stores_the_licence_under_a_server_name(client):
    url = reverse("accounts:register_enterprise")
    for n, name in enumerate(HOSTILE_NAMES, start=1):
        data = enterprise_data(n)
        data["sms_code"] = sms_code_for(data["mobile"])
        data["business_licence"] = upload(name, PDF)
        response = client.post(url, data, REMOTE_ADDR=f"10.5.{n}.1")
        assert response.status_code == 302, response.context["form"].errors
        licence = get_user_model().objects.get(username=data["username"]).organisation.business_licence
        assert_private(licence)
        assert_not_public(client, licence)


def test_form_page_stores_attachments_under_server_names_and_shows_names_escaped(client, draft):
    application, user = draft
    client.force_login(user)
    url = reverse("applications:page", args=[application.uuid, 1])
    for name in HOSTILE_NAMES:
        response = client.post(url, {"action": "save", "f-site_proof": upload(name, PDF)})
        assert response.status_code == 302, response.content.decode()[:2000]
    attachments = list(ApplicationAttachment.objects.all())
    assert len(attachments) == len(HOSTILE_NAMES)
    for attachment in attachments:
        assert_private(attachment.file)
        assert_not_public(client, attachment.file)
        # Django's parser keeps only the printable basename the client sent; it is a label, never a path.
        assert "/" not in attachment.original_name and "\\" not in attachment.original_name
        assert "\x00" not in attachment.original_name
    html = client.get(url).content.decode()
    assert "&lt;img src=x onerror=alert(31337)&gt;" in html
    assert executable_payloads(html) == []
    # The download names the file as sent, in a header that cannot be split.
    response = client.get(reverse("applications:attachment", args=[application.uuid, attachments[3].uuid]))
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"] and "attachment" in response["Content-Disposition"]


def test_review_files_are_stored_under_server_names(client, scheduled):
    application, parties = scheduled
    client.force_login(parties.review_body)
    url = reverse("licensing:submit_review_report", args=[application.pk])
    materials = [upload(name, JPEG if i % 2 else PNG) for i, name in enumerate(HOSTILE_NAMES[:5])]
    for material, name in zip(materials, HOSTILE_NAMES, strict=False):
        material.name = name.removesuffix(".pdf") + (".jpg" if material.read(3) == JPEG[:3] else ".png")
        material.seek(0)
    response = client.post(url, report_data(report_file=upload(HOSTILE_NAMES[3], PDF), materials=materials))
    assert response.status_code == 302, response.content.decode()[:3000]
    files = list(ReviewFile.objects.all())
    assert len(files) == 6
    for review_file in files:
        assert_private(review_file.file)
        assert_not_public(client, review_file.file)
    html = client.get(reverse("licensing:detail", args=[application.pk])).content.decode()
    assert "onerror=alert(31337)" in html  # shown, as text
    assert executable_payloads(html) == []
