"""Personal data (PIPL; GB/T 35273): ID numbers (身份证号码) and mobile numbers are shown whole only
to their owner. Staff and review bodies see them masked everywhere: the detail page's form pages
(typed fields and table cells), the correction changes, the printed 申请书, the queue export, the
单位管理 and user lists. They never reach a log file whole (accounts.logging), and drafts nobody
touches are deleted after DATA_RETENTION (tests/accounts/test_purge_expired.py)."""

import csv
import io
import logging

import pytest
from django.urls import reverse
from django.utils.module_loading import import_string
from pypdf import PdfReader

from accounts.logging import RedactPersonalDataFilter
from core.masking import mask_id_number, mask_mobile, redact_text
from tests.support.builders import make_catalogue, make_form_schema
from tests.support.factories import OrganisationFactory, UserFactory, make_id_number, make_uscc
from tests.support.personal_data import (
    CONTACT_ID,
    CONTACT_MOBILE,
    FULL_VALUES,
    LEGAL_ID,
    LEGAL_MOBILE,
    TECH_ID,
    TECH_MOBILE,
    filled_draft,
    personal_pages,
)
from tests.support.workflow_builders import make_parties, refresh
from workflows import actions, correction, services
from workflows.models import AccessKind, AccessLog
from workflows.printing import printed_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    p = make_parties(make_catalogue(make_form_schema(personal_pages())))
    organisation = p.applicant.organisation
    organisation.contact_name = "王联系"
    organisation.contact_id_number = CONTACT_ID
    organisation.contact_mobile = CONTACT_MOBILE
    organisation.save()
    return p


@pytest.fixture
def submitted(parties):
    draft = filled_draft(parties)
    assert draft.schema_version.parsed.problems(draft.data) == []
    return services.submit_application(draft, parties.applicant)


def pdf_text(content):
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def assert_masked(text, *values):
    for value in values:
        assert value not in text
    for value in values:
        masked = mask_mobile(value) if len(value) == 11 else mask_id_number(value)
        assert masked in text, masked


# ----- the masking helpers ---------------------------------------------------------------------


def test_printed_pages_mask_typed_fields_and_table_cells_only_when_asked(submitted):
    plain = {f.key: f for p in printed_pages(submitted) for f in p.fields}
    masked = {f.key: f for p in printed_pages(submitted, masked=True) for f in p.fields}
    assert plain["legal_id"].lines == [LEGAL_ID] and plain["legal_mobile"].lines == [LEGAL_MOBILE]
    assert masked["legal_id"].lines == [mask_id_number(LEGAL_ID)]
    assert masked["legal_mobile"].lines == [mask_mobile(LEGAL_MOBILE)]
    assert plain["personnel"].rows == [["李技术", TECH_ID, TECH_MOBILE]]
    assert masked["personnel"].rows == [["李技术", mask_id_number(TECH_ID), mask_mobile(TECH_MOBILE)]]
    # Other values are untouched.
    assert masked["fa_ding_dai_biao_ren"].lines == ["张三"]


def test_redact_text_masks_ids_and_mobiles_but_not_credit_codes_or_longer_numbers():
    uscc = make_uscc(7)
    text = f"身份证 {LEGAL_ID}，手机 {LEGAL_MOBILE}，+86 13900001111，信用代码 {uscc}，订单 1234567890123456789012"
    redacted = redact_text(text)
    assert LEGAL_ID not in redacted and mask_id_number(LEGAL_ID) in redacted
    assert LEGAL_MOBILE not in redacted and mask_mobile(LEGAL_MOBILE) in redacted
    assert "13900001111" not in redacted and "+86 139****1111" in redacted
    assert uscc in redacted and "1234567890123456789012" in redacted
    assert redact_text("") == "" and redact_text(None) is None
    lower_x = LEGAL_ID[:-1] + "x" if LEGAL_ID.endswith("X") else None
    if lower_x:
        assert lower_x not in redact_text(lower_x)


# ----- what staff see --------------------------------------------------------------------------


def test_staff_detail_page_masks_form_values_table_cells_and_contact(client, parties, submitted):
    client.force_login(parties.authority)
    response = client.get(reverse("licensing:detail", args=[submitted.pk]))
    assert response.status_code == 200
    assert_masked(response.content.decode(), *FULL_VALUES)


def test_review_body_detail_page_is_masked_too(client, parties, submitted):
    actions.accept(submitted, parties.authority, parties.review_body_org, "材料齐全")
    client.force_login(parties.review_body)
    html = client.get(reverse("licensing:detail", args=[submitted.pk])).content.decode()
    assert_masked(html, LEGAL_ID, LEGAL_MOBILE, TECH_ID, TECH_MOBILE, CONTACT_ID, CONTACT_MOBILE)


def test_correction_changes_are_masked_on_the_staff_detail_page(client, parties, submitted):
    items = [
        {"target": "field", "key": "legal_id", "label": "法定代表人身份证号码", "page_number": 1, "comment": "有误"},
        {"target": "field", "key": "personnel", "label": "技术人员", "page_number": 2, "comment": "补充"},
    ]
    actions.request_correction(submitted, parties.authority, items, "请补正")
    application = refresh(submitted)
    new_id = make_id_number(78, birth="19750615")
    correction.save_correction(
        application,
        {"legal_id": new_id, "personnel": [{"name": "李技术", "id_number": TECH_ID, "mobile": "13511112222"}]},
    )
    correction.resubmit(application, parties.applicant)
    application = refresh(application)
    assert {c["key"] for c in application.correction_notice.changes} == {"legal_id", "personnel"}
    client.force_login(parties.authority)
    html = client.get(reverse("licensing:detail", args=[application.pk])).content.decode()
    assert "补正改动" in html
    assert_masked(html, LEGAL_ID, new_id, TECH_ID, "13511112222", TECH_MOBILE)


def test_staff_printout_is_masked_and_recorded(client, parties, submitted):
    client.force_login(parties.authority)
    response = client.get(reverse("licensing:print", args=[submitted.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "法定代表人身份证号码" in text
    assert_masked(text, LEGAL_ID, LEGAL_MOBILE, TECH_ID, TECH_MOBILE)
    log = AccessLog.objects.get()
    assert log.kind == AccessKind.PRINTED_APPLICATION and log.masked and log.user == parties.authority


def test_the_applicant_prints_its_own_data_whole_and_is_not_recorded(client, parties, submitted):
    client.force_login(parties.applicant)
    response = client.get(reverse("applications:print", args=[submitted.uuid]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert LEGAL_ID in text and LEGAL_MOBILE in text and TECH_ID in text
    page = client.get(reverse("applications:print_page", args=[submitted.uuid, 2]))
    assert TECH_ID in pdf_text(page.content)
    assert not AccessLog.objects.exists()


def test_queue_export_carries_no_id_number_or_mobile(client, parties, submitted):
    client.force_login(parties.authority)
    response = client.get(reverse("licensing:index"), {"export": "csv"})
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert submitted.reference in content and len(rows) == 2
    for value in FULL_VALUES:
        assert value not in content
    xlsx = client.get(reverse("licensing:index"), {"export": "xlsx"})
    from openpyxl import load_workbook

    cells = [str(c.value) for row in load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active for c in row]
    assert submitted.reference in cells
    assert not any(value in cell for cell in cells for value in FULL_VALUES)


def test_organisation_and_user_lists_mask_or_leave_out_personal_data(client, parties):
    root = UserFactory(organisation=None, is_staff=True, is_superuser=True, mobile="13600001234")
    OrganisationFactory(review_body=True, name="示范评审机构", contact_mobile="13800005678")
    UserFactory(mobile="13500009999", id_number=make_id_number(90))
    client.force_login(root)
    applicants = client.get(reverse("accounts_applicants:index")).content.decode()
    assert_masked(applicants, CONTACT_ID, CONTACT_MOBILE)
    bodies = client.get(reverse("accounts_review_bodies:index")).content.decode()
    assert "13800005678" not in bodies and mask_mobile("13800005678") in bodies
    users = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "13600001234" not in users and "13500009999" not in users and make_id_number(90) not in users


# ----- logs ------------------------------------------------------------------------------------


@pytest.fixture
def log_stream():
    """A handler configured as settings.LOGGING configures the console one (the test settings turn
    LOGGING off), on a logger of its own."""
    from portal.settings import base

    handler_config = base.LOGGING["handlers"]["console"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(base.LOGGING["formatters"]["plain"]["format"]))
    for name in handler_config["filters"]:
        handler.addFilter(import_string(base.LOGGING["filters"][name]["()"])())
    logger = logging.getLogger("tests.personal_data")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.redaction_handler = handler
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def test_logging_settings_install_the_redaction_filter():
    from portal.settings import base

    assert base.LOGGING["filters"]["redact_personal_data"]["()"] == "accounts.logging.RedactPersonalDataFilter"
    for name in ("console",):
        assert "redact_personal_data" in base.LOGGING["handlers"][name]["filters"]


def test_log_records_are_redacted_in_message_arguments_and_tracebacks(log_stream):
    logger, stream = log_stream
    logger.warning("SMS to %s for %s", LEGAL_MOBILE, {"id": LEGAL_ID})
    logger.info(f"plain {TECH_ID} and {TECH_MOBILE}")
    try:
        raise ValueError(f"bad value {CONTACT_ID} / {CONTACT_MOBILE}")
    except ValueError:
        logger.exception("failed for %s", CONTACT_MOBILE)
    output = stream.getvalue()
    assert "ValueError" in output and "Traceback" in output
    assert_masked(output, LEGAL_MOBILE, LEGAL_ID, TECH_ID, TECH_MOBILE, CONTACT_ID, CONTACT_MOBILE)


def test_console_sms_backend_goes_out_masked(log_stream):
    """The development SMS backend logs the recipient; through the configured handler it is masked."""
    from accounts.sms.backends.console import ConsoleBackend

    logger, stream = log_stream
    sms_logger = logging.getLogger("accounts.sms")
    handler = logger.redaction_handler
    sms_logger.addHandler(handler)
    try:
        ConsoleBackend().send(LEGAL_MOBILE, "验证码 123456")
    finally:
        sms_logger.removeHandler(handler)
    assert LEGAL_MOBILE not in stream.getvalue() and mask_mobile(LEGAL_MOBILE) in stream.getvalue()


def test_filter_keeps_records_it_cannot_format():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("only one",), None)
    assert RedactPersonalDataFilter().filter(record) is True


def test_no_logging_call_in_project_code_passes_an_id_number_or_mobile_field():
    """Code review as a test: the only logging call naming a mobile is the development console SMS
    backend (it has to show where the code went; the filter masks it, see above)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    call = re.compile(r"\b(?:logger|log|logging)\.(?:debug|info|warning|error|exception|critical)\((.*)")
    allowed = {root / "accounts/sms/backends/console.py"}
    offenders = []
    for package in ("accounts", "cms", "forms_config", "workflows", "site/portal"):
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = call.search(line)
                if match and re.search(r"id_number|mobile", match.group(1)) and path not in allowed:
                    offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == []
