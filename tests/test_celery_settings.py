"""The background jobs' settings (settings/base.py, dev.py, production.py; portal/celery.py): the
beat schedule names real tasks, dev runs them eagerly without a broker, production refuses to
start without one."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.celery import app

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "tsxk.example.gov.cn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "SMS_BACKEND": "accounts.sms.backends.console.ConsoleBackend",
    "WAGTAILADMIN_BASE_URL": "https://tsxk.example.gov.cn",
}


def test_the_beat_schedule_runs_the_daily_jobs_and_the_outbox_sweep():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert tasks == {
        "accounts.tasks.deliver_due",
        "workflows.tasks.purge_expired",
        "workflows.tasks.send_license_reminders",
        "workflows.tasks.sweep_deadlines",
    }
    assert tasks <= set(app.tasks)
    assert schedule["deliver-due-messages"]["schedule"] == 5 * 60


def test_the_daily_tasks_run_their_commands(monkeypatch):
    from workflows import tasks as workflow_tasks

    called = []
    monkeypatch.setattr(workflow_tasks, "call_command", called.append)
    workflow_tasks.purge_expired()
    workflow_tasks.send_license_reminders()
    workflow_tasks.sweep_deadlines()
    assert called == ["purge_expired", "send_license_reminders", "sweep_deadlines"]


def test_dev_runs_tasks_eagerly_without_a_broker():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PYTHONPATH": f"{ROOT}/site:{ROOT}",
    }
    # S603: this interpreter with the test's own code.
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert result.stdout.split() == ["True", "memory://"], result.stderr


def production_settings():
    sys.modules.pop("portal.settings.production", None)
    try:
        return importlib.import_module("portal.settings.production")
    finally:
        sys.modules.pop("portal.settings.production", None)


@pytest.mark.parametrize(
    ("variable", "value", "setting"),
    [
        # No broker: every notice would wait forever.
        ("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1", "CELERY_BROKER_URL"),
        # Links in notices and the licences' QR codes are absolute: without the site's address
        # every reader would be sent to base.py's http://127.0.0.1:8000.
        ("WAGTAILADMIN_BASE_URL", "https://tsxk.example.gov.cn", "PORTAL_BASE_URL"),
    ],
)
def test_production_refuses_to_start_without(monkeypatch, variable, value, setting):
    for name, default in {**PRODUCTION_ENV, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1"}.items():
        monkeypatch.setenv(name, default)
    monkeypatch.delenv(variable)
    with pytest.raises(ImproperlyConfigured, match=variable):
        production_settings()
    monkeypatch.setenv(variable, value)
    production = production_settings()
    assert getattr(production, setting) == value
    assert not getattr(production, "CELERY_TASK_ALWAYS_EAGER", False)
