"""Spreadsheet cells that a spreadsheet program will not run (CSV/formula injection).

Enterprise names, withdrawal reasons, file names and comments are typed by applicants and reach the
CSV/XLSX exports of staff and auditors. Excel, WPS and LibreOffice read a cell that starts with
`=`, `+`, `-` or `@` (or a tab or carriage return in front of one) as a formula, so a name like
`=HYPERLINK("http://…","点击")` would become a live link or a command in the auditor's spreadsheet.
OWASP's rule (CSV Injection): such a cell gets a leading single quote, which the program shows as
text. Only strings are touched: a real number such as -5 stays a number.

One rule, used by every writer: the Wagtail exports through SafeSpreadsheetExportMixin, the other
writers (workflows/statistics_admin.py, workflows/management/commands/export_audit.py) through
neutralise() / neutralise_row().
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """`value` as a cell no spreadsheet evaluates: a string starting like a formula gets a "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(row):
    """A row (a dict or a sequence) with every cell neutralised."""
    if isinstance(row, dict):
        return {key: neutralise(value) for key, value in row.items()}
    return [neutralise(value) for value in row]


class SafeSpreadsheetExportMixin:
    """Before Wagtail's SpreadsheetExportMixin (an IndexView or ReportView): every exported cell,
    CSV and XLSX, after Wagtail's own preprocessing (lazy text to str, dates) goes through
    neutralise()."""

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(super().preprocess_field_value(field, value, export_format))
