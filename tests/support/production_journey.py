"""The people's part of tests/test_production_first_start.py, run in a process of its own with the
production settings (DEBUG off, HTTPS behind a proxy, the real SMS backend, tasks on the broker):

an administrator enrols the second factor, creates a staff user of the Zhejiang bureau in
设置 → 用户 and registers the bureau's PKCS#12 file in 设置 → 电子签章证书; an enterprise in 浙江
gets its registration code by SMS, registers and applies for a provincial level; the new staff
member logs in, enrols, and asks for a correction (补正), whose 补正告知书 is signed with that
certificate. Every step goes
through the site's own URLs with Django's test client (the same requests a browser sends,
without a browser); only filling the 申请书's pages uses the services the page view calls.

The driving test starts the fake SMS provider (it appends every request it gets to the file named by
PROOF_SMS_LOG) and reads what this script prints last: one JSON line for its assertions.
"""

import json
import os
import re
import time
from urllib.parse import parse_qs, urlsplit

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import Authority  # noqa: E402
from cms.models import LicenseLevel  # noqa: E402
from demo.applications import demo_application_values  # noqa: E402  (plain data: demo/ is not installed here)
from demo.pdfs import demo_pdf  # noqa: E402
from tests.support.accounts import PASSWORD, enterprise_data, png_file  # noqa: E402
from workflows import services  # noqa: E402
from workflows.models import Application, ApplicationState, DocumentKind  # noqa: E402

ADMIN_PASSWORD = os.environ["DJANGO_SUPERUSER_PASSWORD"]
APPLICANT_MOBILE = "13700003301"
APPLICANT_EMAIL = "li.si@zj-boiler.example.cn"
STAFF = {"username": "zjstaff01", "mobile": "13700003399", "email": "zjstaff01@zj-bureau.example.cn"}


def browser():
    # Behind nginx, as production runs: the proxy says the request came over HTTPS (SECURE_PROXY_SSL_HEADER).
    return Client(HTTP_X_FORWARDED_PROTO="https")


def expect(response, status, what):
    if response.status_code != status:
        body = response.content.decode("utf-8", "replace")[:2000]
        raise AssertionError(f"{what}: HTTP {response.status_code}, wanted {status}\n{body}")
    return response


def staff_login(client, username, password):
    """/admin/login/ with the password, then the first-login enrolment of the authenticator app."""
    expect(client.post(reverse("wagtailadmin_login"), {"username": username, "password": password}), 302, "login")
    enrol = reverse("staff_2fa:enrol")
    expect(client.get(enrol), 200, "enrolment page")
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post(enrol, {"token": f"{totp(device.bin_key):06d}", "next": reverse("wagtailadmin_home")})
    expect(response, 302, "enrolment code")
    expect(client.get(reverse("wagtailadmin_home")), 200, "the admin after the second factor")


def sms_code(mobile):
    """The code the provider was asked to text to `mobile` (its verification template's variable)."""
    for _attempt in range(50):
        with open(os.environ["PROOF_SMS_LOG"], encoding="utf-8") as log:
            for line in reversed(log.read().splitlines()):
                query = {k: v[0] for k, v in parse_qs(urlsplit(json.loads(line)["path"]).query).items()}
                if query.get("PhoneNumbers") == mobile and "code" in query.get("TemplateParam", ""):
                    return json.loads(query["TemplateParam"])["code"]
        time.sleep(0.1)
    raise AssertionError("the provider never got a verification code for the applicant")


def create_bureau_staff(admin):
    zhejiang = Authority.objects.get(region_id="330000")
    role = Group.objects.get(name="审批机关工作人员")
    data = {
        **STAFF,
        "first_name": "敏",
        "last_name": "钱",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "organisation": zhejiang.pk,
        "groups": [role.pk],
    }
    expect(admin.post(reverse("wagtailusers_users:add"), data), 302, "设置 → 用户 → 添加用户")
    return zhejiang


def install_signing_certificate(admin, authority):
    """设置 → 电子签章证书 → 添加: the bureau's PKCS#12 file and the name of the variable holding its
    passphrase (docs/operations.md, "Signing certificates"); production signs every document."""
    data = {
        "authority": authority.pk,
        "kind": "pkcs12",
        "pkcs12_path": os.environ["PROOF_SIGNING_PKCS12"],
        "secret_env": "PORTAL_SIGNING_PASSPHRASE_ZJ",
        "pkcs11_module": "",
        "pkcs11_token_label": "",
        "pkcs11_key_label": "",
        "active": "on",
    }
    expect(admin.post(reverse("signing_identities:add"), data), 302, "设置 → 电子签章证书 → 添加")


def signer_of(document):
    """The common name of the certificate that signed a stored document (pyHanko reads it)."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    [signature] = PdfFileReader(io.BytesIO(document.read())).embedded_signatures
    return signature.signer_cert.subject.native["common_name"]


def register_enterprise(applicant):
    response = applicant.post(reverse("accounts:send_sms_code"), {"mobile": APPLICANT_MOBILE, "purpose": "register"})
    expect(response, 200, "获取验证码")
    data = enterprise_data(
        33,
        name="浙江示范锅炉制造有限公司",
        province="330000",
        city="330100",
        county="330106",
        address="杭州市西湖区示范路8号",
        mobile=APPLICANT_MOBILE,
        email=APPLICANT_EMAIL,
        sms_code=sms_code(APPLICANT_MOBILE),
    )
    data["business_licence"] = png_file("营业执照.png")
    expect(applicant.post(reverse("accounts:register_enterprise"), data), 302, "企业注册")
    login = {"username": data["username"], "password": PASSWORD}
    expect(applicant.post(reverse("accounts:login"), login), 302, "applicant login")
    return get_user_model().objects.get(username=data["username"])


def apply(applicant, user):
    level = LicenseLevel.objects.get(item__slug="boiler-manufacture", code="B")
    expect(applicant.post(reverse("applications:new"), {"level": [level.pk]}), 302, "选取许可项目 → 点击进入")
    draft = Application.objects.get(applicant=user.organisation)
    services.save_values(draft, demo_application_values("新申请", "", draft.created_at.date()))
    schema = draft.schema_version.parsed
    for spec in schema.fields_by_key.values():
        if spec.accepts_uploads and not draft.data.get(spec.key) and schema.field_visible(spec, draft.data):
            upload = SimpleUploadedFile(f"{spec.label}.pdf", demo_pdf(spec.label), "application/pdf")
            errors = services.attach_files(draft, spec, [upload], [], user)
            assert not errors, errors
    response = expect(applicant.post(reverse("applications:check", args=[draft.uuid])), 302, "核对并提交 → 提交")
    # A fresh read: the state field is protected (django-fsm), refresh_from_db may not set it.
    submitted = Application.objects.get(pk=draft.pk)
    assert submitted.state == ApplicationState.SUBMITTED, submitted.state
    return submitted, response


def request_correction(staff, application):
    url = reverse("licensing:request_correction", args=[application.pk])
    expect(staff.get(url), 200, "补正 form")
    data = {
        "comment": "请一次性补正以下内容。",
        "tick-field-legal_representative": "on",
        "comment-field-legal_representative": "与营业执照不一致",
        "confirmed": "on",
    }
    expect(staff.post(url, data), 302, "补正告知")
    state = Application.objects.get(pk=application.pk).state
    assert state == ApplicationState.CORRECTION_REQUESTED, state


def main():
    admin = browser()
    staff_login(admin, os.environ["DJANGO_SUPERUSER_USERNAME"], ADMIN_PASSWORD)
    zhejiang = create_bureau_staff(admin)
    install_signing_certificate(admin, zhejiang)

    applicant = browser()
    user = register_enterprise(applicant)
    application, _response = apply(applicant, user)
    assert application.authority_id == zhejiang.pk, application.authority

    staff = browser()
    staff_login(staff, STAFF["username"], PASSWORD)
    queue = staff.get(reverse("licensing:index")).content.decode()
    assert application.reference in queue, "the new staff member's queue lacks the application"
    request_correction(staff, application)

    inbox = expect(applicant.get(reverse("applications:notifications")), 200, "站内消息").content.decode()
    notices = re.findall(r"[^<>]*补正[^<>]*", inbox)
    assert notices, "no 补正 notice in the applicant's 站内消息"
    print(
        json.dumps(
            {
                "reference": application.reference,
                "application": application.pk,
                "mobile": APPLICANT_MOBILE,
                "email": APPLICANT_EMAIL,
                "in_app": notices[0].strip(),
                "signed_by": signer_of(application.documents.get(kind=DocumentKind.CORRECTION_NOTICE)),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
