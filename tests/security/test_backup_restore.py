"""Backup and restore, exercised (docs/operations.md "Backup and restore"): site/ops/backup.sh
dumps a database holding applications in several states (pg_dump -Fc, a manifest of row counts,
the private files as tar), site/ops/restore_backup.sh restores it into a fresh database, runs
`manage.py check` and `migrate --check`, compares the row counts and finds every document's file;
the restored database then holds the same applications, events and documents.

PostgreSQL only: pg_dump/pg_restore need a server (and must match its major version, 15 here).
"""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.support.builders import make_catalogue
from tests.support.database import restore_migration_data
from tests.support.workflow_builders import application_in, make_parties
from workflows.models import Application, ApplicationEvent, ApplicationState, Document

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "site" / "ops"
S = ApplicationState

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="backup and restore are of PostgreSQL (pg_dump/pg_restore); set DATABASE_URL to run them",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")), reason="pg_dump/pg_restore not installed"
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_blocker):
    yield
    if connection.vendor == "postgresql":  # elsewhere the module is skipped: nothing was flushed
        restore_migration_data(django_db_blocker)


def libpq_env():
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"] or "postgres",
        "PGDATABASE": db["NAME"],
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


@pytest.fixture
def fresh_name():
    name = f"restored_{os.getpid()}"
    drop(name)
    yield name
    drop(name)


def drop(name):
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script, *args, env):
    # S603: our own site/ops scripts with arguments from the test.
    return subprocess.run([str(OPS / script), *map(str, args)], env=env, capture_output=True, text=True, timeout=180)  # noqa: S603


def restored_rows(name, sql):
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db.get("PASSWORD") or None,
        dbname=name,
    ) as restored:
        return sorted(restored.execute(sql).fetchall())


def test_a_backup_restores_into_a_fresh_database_with_every_application_event_and_document(fresh_name, tmp_path):
    parties = make_parties(make_catalogue())
    application_in(S.APPROVED, parties)
    application_in(S.CORRECTION_REQUESTED, parties)
    application_in(S.SUBMITTED, parties)
    env = libpq_env()
    backup = tmp_path / "backup"

    made = run("backup.sh", backup, settings.PRIVATE_MEDIA_ROOT, env=env)
    assert made.returncode == 0, made.stderr
    assert (backup / "portal.pgdump").stat().st_size > 0
    assert "workflows_application 3" in (backup / "portal.pgdump.counts").read_text()

    target = tmp_path / "var-restored"
    restored = run("restore_backup.sh", backup / "portal.pgdump", fresh_name, backup / "files.tar.gz", target, env=env)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"restore check passed: {fresh_name}" in restored.stdout
    assert "every document row has its file" in restored.stdout

    assert restored_rows(fresh_name, "SELECT id, state, reference FROM workflows_application") == sorted(
        Application.objects.values_list("id", "state", "reference")
    )
    assert restored_rows(
        fresh_name, "SELECT id, application_id, transition, to_state FROM workflows_applicationevent"
    ) == sorted(ApplicationEvent.objects.values_list("id", "application_id", "transition", "to_state"))
    documents = sorted(Document.objects.values_list("id", "kind", "number", "file", "sha256"))
    assert len(documents) == 4  # 受理决定书, 准予许可决定书 and 许可证 of the first; 补正告知书 of the second
    assert restored_rows(fresh_name, "SELECT id, kind, number, file, sha256 FROM workflows_document") == documents
    for _pk, _kind, _number, name, sha256 in documents:
        assert Document.digest((target / "private" / name).read_bytes()) == sha256


def test_the_restore_refuses_an_existing_database_and_a_wrong_manifest(fresh_name, tmp_path):
    application_in(S.SUBMITTED, make_parties(make_catalogue()))
    env = libpq_env()
    backup = tmp_path / "backup"
    assert run("backup.sh", backup, env=env).returncode == 0

    # Never over an existing database (here: the test database itself).
    refused = run("restore_backup.sh", backup / "portal.pgdump", connection.settings_dict["NAME"], env=env)
    assert refused.returncode != 0 and "restore into a fresh database only" in refused.stderr

    # A dump that lost rows (here: a manifest that claims more) fails the row count check.
    counts = backup / "portal.pgdump.counts"
    counts.write_text(counts.read_text().replace("workflows_application 1", "workflows_application 2"))
    short = run("restore_backup.sh", backup / "portal.pgdump", fresh_name, env=env)
    assert short.returncode != 0 and "row count differs for workflows_application" in short.stderr
