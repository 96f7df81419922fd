"""The audit trail (GB/T 22239-2019 8.1.4.3 安全审计): every transition (ApplicationEvent) and every
download of an applicant's files by someone else (AccessLog: who, organisation, when, what, IP)
is recorded, can be neither edited nor deleted through any screen or the models, survives the
housekeeping command, and is exportable for an auditor (审计记录 report with CSV/XLSX;
`manage.py export_audit`)."""

import csv
import datetime
import io
import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail import hooks

from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, simple_pages
from tests.support.factories import UserFactory
from tests.support.field_types import PDF, upload
from tests.support.workflow_builders import application_in, fill_completely, make_parties, refresh
from workflows import actions, services
from workflows.models import AccessKind, AccessLog, ApplicationEvent, ApplicationState, Document, DocumentKind

pytestmark = pytest.mark.django_db

S = ApplicationState
TRANSITIONS = reverse("audit_transitions:index")
DOWNLOADS = reverse("audit_downloads:index")


@pytest.fixture
def parties():
    pages = simple_pages()
    pages[1]["value"]["fields"].append(
        field("files", "质量手册", "quality_manual", required=False, allowed_types=["pdf"], max_files=2)
    )
    return make_parties(make_catalogue(make_form_schema(pages)))


@pytest.fixture
def superuser():
    return UserFactory(username="auditroot", organisation=None, is_staff=True, is_superuser=True)


@pytest.fixture
def auditor():
    """Admin access and 查看审计记录 through a group, nothing else."""
    group = Group.objects.create(name="审计员")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="workflows", codename="view_audit"),
    )
    user = UserFactory(username="auditor01", organisation=None, is_staff=True)
    user.groups.add(group)
    return user


def accepted_with_attachment(parties):
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]]))
    spec = draft.schema_version.parsed.fields_by_key["quality_manual"]
    assert services.attach_files(draft, spec, [upload("质量手册.pdf", PDF)], [], parties.applicant) == []
    application = services.submit_application(refresh(draft), parties.applicant)
    actions.accept(application, parties.authority, parties.review_body_org, "材料齐全")
    return refresh(application)


def staff_url(name, application, *args):
    return reverse(f"licensing:{name}", args=[application.pk, *args])


def printed_name(application):
    return f"许可申请书-{application.reference}.pdf"


def consume(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# ----- recording -------------------------------------------------------------------------------


def test_every_staff_download_is_recorded_with_who_where_when_and_what(client, parties):
    application = accepted_with_attachment(parties)
    attachment = application.attachments.get()
    decision = Document.objects.get(application=application, kind=DocumentKind.ACCEPTANCE_DECISION)
    client.force_login(parties.authority)
    before = timezone.now()
    downloads = [
        (staff_url("attachment", application, attachment.uuid), AccessKind.ATTACHMENT, attachment.uuid, "质量手册.pdf"),
        (staff_url("document", application, decision.uuid), AccessKind.DOCUMENT, decision.uuid, decision.filename),
        (
            staff_url("print", application),
            AccessKind.PRINTED_APPLICATION,
            None,
            f"许可申请书-{application.reference}.pdf",
        ),
    ]
    for url, *_expected in downloads:
        response = client.get(url, REMOTE_ADDR="203.0.113.7")
        assert response.status_code == 200
        consume(response)
    logs = list(AccessLog.objects.order_by("pk"))
    assert [(log.kind, log.object_uuid, log.object_name) for log in logs] == [tuple(d[1:]) for d in downloads]
    for log in logs:
        assert log.user == parties.authority
        assert log.organisation == parties.authority.organisation
        assert log.application == application and log.application_reference == application.reference
        assert log.ip_address == "203.0.113.7"
        assert log.created_at >= before
    assert [log.masked for log in logs] == [False, False, True]


def test_review_file_downloads_are_recorded_for_the_review_body(client, parties):
    application = application_in(S.REVIEWED, parties)
    report_file = application.review_report.files.get()
    client.force_login(parties.review_body)
    consume(client.get(staff_url("review_file", application, report_file.uuid)))
    log = AccessLog.objects.get()
    assert (log.kind, log.object_uuid, log.user, log.organisation) == (
        AccessKind.REVIEW_FILE,
        report_file.uuid,
        parties.review_body,
        parties.review_body_org,
    )


def test_refused_downloads_record_nothing(client, parties):
    application = accepted_with_attachment(parties)
    attachment = application.attachments.get()
    client.force_login(parties.other_authority)
    assert client.get(staff_url("attachment", application, attachment.uuid)).status_code == 404
    assert client.get(staff_url("print", application)).status_code == 404
    client.force_login(parties.authority)
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(staff_url("attachment", application, missing)).status_code == 404
    assert not AccessLog.objects.exists()


def test_portal_downloads_are_recorded_for_non_owners_only(client, parties):
    application = accepted_with_attachment(parties)
    attachment = application.attachments.get()
    decision = Document.objects.get(application=application, kind=DocumentKind.ACCEPTANCE_DECISION)
    file_url = reverse("applications:attachment", args=[application.uuid, attachment.uuid])
    document_url = reverse("applications:document", args=[decision.uuid])

    client.force_login(parties.applicant)  # the owner: nothing to audit
    assert consume(client.get(file_url)) == PDF
    assert client.get(document_url).status_code == 200
    assert not AccessLog.objects.exists()

    client.force_login(parties.authority)  # holds the view permission, follows a portal link
    assert consume(client.get(file_url)) == PDF
    assert client.get(document_url).status_code == 200
    assert list(AccessLog.objects.order_by("pk").values_list("kind", "user")) == [
        (AccessKind.ATTACHMENT, parties.authority.pk),
        (AccessKind.DOCUMENT, parties.authority.pk),
    ]


def test_every_transition_is_recorded(parties):
    application = application_in(S.APPROVED, parties)
    transitions = list(application.events.values_list("transition", flat=True))
    assert transitions == [
        "submit",
        "accept",
        "propose_review_dates",
        "agree_review_date",
        "submit_review_report",
        "approve",
    ]


# ----- immutability ----------------------------------------------------------------------------


def test_records_cannot_be_changed_or_deleted_through_the_models(parties):
    application = application_in(S.SUBMITTED, parties)
    log = AccessLog.objects.create(
        application=application,
        application_reference=application.reference,
        kind=AccessKind.PRINTED_APPLICATION,
        user=parties.authority,
    )
    log.object_name = "changed"
    with pytest.raises(ValidationError):
        log.save()
    with pytest.raises(ValidationError):
        log.delete()
    event = application.events.get()
    event.comment = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert AccessLog.objects.get().object_name == "" and application.events.get().comment == ""


def test_download_records_outlive_a_deleted_draft(parties):
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]]))
    log = AccessLog.objects.create(
        application=draft, application_reference="TSXK-test", kind=AccessKind.ATTACHMENT, user=parties.authority
    )
    services.delete_draft(draft)
    log = AccessLog.objects.get(pk=log.pk)
    assert log.application is None and log.application_reference == "TSXK-test"


def test_no_screen_edits_or_deletes_audit_records(client, parties, superuser):
    # Django's own admin is not mounted at all; nothing registers the audit models with it either.
    with pytest.raises(NoReverseMatch):
        reverse("admin:index")
    assert client.get("/django-admin/").status_code == 404
    assert AccessLog not in admin.site._registry and ApplicationEvent not in admin.site._registry
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    consume(client.get(staff_url("print", application)))
    client.force_login(superuser)
    # The reports only read: no add/edit/delete URL exists, and a POST changes nothing.
    for name in ("add", "edit", "delete"):
        for namespace in ("audit_downloads", "audit_transitions"):
            with pytest.raises(NoReverseMatch):
                reverse(f"{namespace}:{name}", args=[1])
    for url in (DOWNLOADS, TRANSITIONS):
        assert client.post(url, {"object_name": "x"}).status_code == 405
    assert AccessLog.objects.get().object_name.startswith("许可申请书-")
    # Only the read permission exists for the download records.
    codenames = set(
        Permission.objects.filter(content_type__app_label="workflows", content_type__model="accesslog").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"view_audit"}


# ----- the 审计记录 report ---------------------------------------------------------------------


def test_report_is_open_to_superusers_and_auditors_only(client, parties, superuser, auditor):
    application_in(S.ACCEPTED, parties)
    for user in (superuser, auditor):
        client.force_login(user)
        for url in (TRANSITIONS, DOWNLOADS):
            assert client.get(url).status_code == 200
        # The sidebar's menu is JSON (labels escaped): look for the report's URL.
        assert DOWNLOADS in client.get(reverse("wagtailadmin_home")).content.decode()
    for user in (parties.authority, parties.review_body, parties.editor):
        client.force_login(user)
        for url in (TRANSITIONS, DOWNLOADS, TRANSITIONS + "?export=csv"):
            response = client.get(url)
            assert response.status_code in (302, 403)
            assert b"TSXK" not in consume(response)
        assert DOWNLOADS not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.logout()
    assert client.get(TRANSITIONS).status_code == 302


def test_view_audit_is_offered_in_the_group_editor():
    offered = set()
    for fn in hooks.get_hooks("register_permissions"):
        offered |= set(fn().values_list("content_type__app_label", "codename"))
    assert ("workflows", "view_audit") in offered


def test_transition_report_lists_filters_and_exports(client, parties, auditor):
    accepted = application_in(S.ACCEPTED, parties)
    refused = application_in(S.NOT_ACCEPTED, parties)
    client.force_login(auditor)
    html = client.get(TRANSITIONS).content.decode()
    assert accepted.reference in html and refused.reference in html and "不予受理" in html
    html = client.get(TRANSITIONS, {"transition": "refuse_acceptance"}).content.decode()
    assert refused.reference in html and accepted.reference not in html
    html = client.get(TRANSITIONS, {"reference": accepted.reference}).content.decode()
    assert accepted.reference in html and refused.reference not in html
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    html = client.get(TRANSITIONS, {"created_at_from": tomorrow}).content.decode()
    assert accepted.reference not in html

    response = client.get(TRANSITIONS, {"export": "csv", "reference": accepted.reference})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(consume(response).decode("utf-8-sig"))))
    assert [row["操作"] for row in rows] == ["受理", "提交申请"]
    assert rows[0]["操作单位"] == parties.authority.organisation.name and rows[0]["新状态"] == "已受理"
    response = client.get(TRANSITIONS, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(consume(response))).active
    assert [c.value for c in sheet[1]][:3] == ["时间", "申请编号", "操作"]
    assert sheet.max_row == 1 + ApplicationEvent.objects.count()


def test_download_report_lists_filters_and_exports(client, parties, auditor):
    application = accepted_with_attachment(parties)
    client.force_login(parties.review_body)
    consume(client.get(staff_url("attachment", application, application.attachments.get().uuid)))
    client.force_login(parties.authority)
    consume(client.get(staff_url("print", application), REMOTE_ADDR="198.51.100.9"))

    client.force_login(auditor)
    html = client.get(DOWNLOADS).content.decode()
    assert "质量手册.pdf" in html and "198.51.100.9" in html and parties.review_body_org.name in html
    html = client.get(DOWNLOADS, {"kind": AccessKind.PRINTED_APPLICATION}).content.decode()
    assert "198.51.100.9" in html and "质量手册.pdf" not in html
    html = client.get(DOWNLOADS, {"organisation": parties.review_body_org.pk}).content.decode()
    assert "质量手册.pdf" in html and "198.51.100.9" not in html

    rows = list(csv.DictReader(io.StringIO(consume(client.get(DOWNLOADS, {"export": "csv"})).decode("utf-8-sig"))))
    assert [row["类别"] for row in rows] == ["许可申请书打印件", "申请材料"]
    assert rows[0]["IP地址"] == "198.51.100.9" and rows[0]["已去标识化"] == "是"
    assert rows[1]["下载单位"] == parties.review_body_org.name and rows[1]["申请编号"] == application.reference
    sheet = load_workbook(io.BytesIO(consume(client.get(DOWNLOADS, {"export": "xlsx"})))).active
    assert sheet.max_row == 3


# ----- export_audit ----------------------------------------------------------------------------


def run_export(*args):
    out = io.StringIO()
    call_command("export_audit", *args, stdout=out)
    return out.getvalue()


def test_export_audit_writes_transitions_and_downloads_in_time_order(client, parties, tmp_path):
    application = accepted_with_attachment(parties)
    client.force_login(parties.authority)
    consume(client.get(staff_url("print", application), REMOTE_ADDR="192.0.2.1"))
    today = timezone.localdate().isoformat()

    rows = [json.loads(line) for line in run_export("--since", today, "--format", "jsonl").splitlines()]
    assert [(r["record"], r.get("action") or r.get("kind")) for r in rows] == [
        ("transition", "提交申请"),
        ("transition", "受理"),
        ("download", "许可申请书打印件"),
    ]
    assert rows[2]["ip_address"] == "192.0.2.1" and rows[2]["reference"] == application.reference
    assert rows[1]["organisation"] == parties.authority.organisation.name
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)

    csv_rows = list(csv.DictReader(io.StringIO(run_export("--since", today, "--format", "csv"))))
    assert len(csv_rows) == 3 and csv_rows[2]["record"] == "download" and csv_rows[2]["masked"] == "是"

    output = tmp_path / "audit.csv"
    call_command("export_audit", "--since", today, "--output", str(output), stdout=io.StringIO(), stderr=io.StringIO())
    assert len(list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))) == 3

    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert run_export("--since", tomorrow, "--format", "jsonl") == ""
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert run_export("--since", "2020-01-01", "--until", yesterday, "--format", "jsonl") == ""


def test_export_audit_refuses_a_bad_date():
    with pytest.raises(CommandError):
        run_export("--since", "01/02/2026")
    with pytest.raises(CommandError):
        run_export()
