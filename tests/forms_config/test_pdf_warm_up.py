"""The first PDF after a start is no slower than the next: each process loads xhtml2pdf and the
CJK font when the apps are ready (forms_config.apps, PDF_WARM_UP), and a process without the font
still starts (a management command on a machine that prints nothing)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# What a freshly started process has loaded once django.setup() (the apps' ready()) returns.
PROBE = """
import json, sys
import django
django.setup()
from reportlab.pdfbase import pdfmetrics
print(json.dumps({
    "fonts": sorted(n for n in pdfmetrics.getRegisteredFontNames() if n.startswith("CJK-")),
    "pisa": "xhtml2pdf.pisa" in sys.modules,
}))
"""


def started(**variables):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "PYTHONPATH": f"{ROOT}/site:{ROOT}",
        **variables,
    }
    command = [sys.executable, "-c", PROBE]
    # S603: this interpreter with the test's own code.
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)  # noqa: S603
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_the_font_and_xhtml2pdf_are_loaded_when_the_apps_are_ready():
    loaded, _stderr = started(PDF_WARM_UP="1")
    assert loaded["pisa"]
    assert len(loaded["fonts"]) == 1  # the CJK font, registered with reportlab


def test_without_the_warm_up_nothing_is_loaded_before_the_first_pdf():
    loaded, _stderr = started(PDF_WARM_UP="0")
    assert loaded == {"fonts": [], "pisa": False}


def test_a_process_without_the_font_starts_and_says_why():
    loaded, stderr = started(PDF_WARM_UP="1", PDF_CJK_FONT="/nonexistent/font.ttc")
    assert loaded["fonts"] == []
    assert "PDF font not loaded at start-up" in stderr and "/nonexistent/font.ttc" in stderr


def test_warm_up_is_on_by_default_outside_tests():
    # The laptop's settings (and production's: both take base.py's default).
    loaded, _stderr = started(DJANGO_SETTINGS_MODULE="portal.settings.dev")
    assert loaded["pisa"] and len(loaded["fonts"]) == 1
