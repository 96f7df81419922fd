"""A real server killed (SIGKILL) in the middle of an action leaves a consistent database.

The test copies the migrated test database (SQLite file, or a dedicated PostgreSQL database made
with pg_dump/pg_restore), puts an application in state `submitted` on it in a separate process,
starts `manage.py runserver --noreload` on it with settings that pause 受理 between writing the
受理决定书 file and its row (tests/security/crash_settings.py → FAULT_INJECTION_SLEEP, read by
workflows.documents._fault_injection_pause), logs an officer in over HTTP, posts 受理, and kills
the server with SIGKILL while the request is inside that pause: the state change, the audit
record and the document number have been written in the open transaction at that moment.

Another process then opens the database and checks that none of the action happened (state,
events, documents, permissions, notifications, the 文号 counter) and that the whole database
holds its invariants (every Document row has its file with the right SHA-256, every counter
equals the numbers issued, every state agrees with the last audit record, every handed-over
application carries the grants). It then runs the same action to completion and checks that all
of it happened, with 文号 number 1: the killed transaction left no lock and no gap behind.

The one thing a kill can leave is the PDF file written just before it, with no row: nothing
points at it and nothing serves it. It is counted here, so that a change in that behaviour is
seen, and the daily purge's orphan sweep (accounts.orphans, run by purge_expired) must find
exactly that file and remove it.

Run as a script (`python tests/security/test_crash_consistency.py setup|inspect`) it is the
helper those other processes run.
"""

import contextlib
import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# S105: the password of an account this test creates.
PASSWORD = "Crash-test-1234"  # noqa: S105
PAUSE_SECONDS = 30  # the request is killed long before the pause ends
MARKER = "fault injection: pausing"


# --- the helper processes (script mode) -----------------------------------------------------


def setup_data():
    from tests.support.builders import make_catalogue
    from tests.support.workflow_builders import application_in, make_parties
    from workflows.models import ApplicationState

    parties = make_parties(make_catalogue())
    application = application_in(ApplicationState.SUBMITTED, parties)
    parties.authority.set_password(PASSWORD)
    parties.authority.save(update_fields=["password"])
    from django.urls import reverse

    return {
        "application": application.pk,
        "officer": parties.authority.username,
        "review_body": parties.review_body_org.pk,
        "accept_url": reverse("licensing:accept", args=[application.pk]),
    }


def invariant_violations():
    """What must hold in any committed state of the database, whatever was interrupted."""
    from django.db.models import Count
    from django.utils import timezone
    from guardian.shortcuts import get_group_perms

    from workflows.models import Application, ApplicationEvent, ApplicationState, Document, DocumentSequence, License

    S = ApplicationState
    problems = []
    for document in Document.objects.all():
        storage = document.file.storage
        if not document.file.name or not storage.exists(document.file.name):
            problems.append(f"document {document.pk} has no file")
        elif Document.digest(document.read()) != document.sha256:
            problems.append(f"document {document.pk} does not match its SHA-256")
    issued = {}
    for document in Document.objects.exclude(number="").select_related("application"):
        if document.kind != "license":
            key = (document.application.authority_id, document.kind, timezone.localtime(document.issued_at).year)
            issued[key] = issued.get(key, 0) + 1
    for row in License.objects.values("authority_id", "issued_on__year").annotate(n=Count("pk")):
        issued[(row["authority_id"], "license", row["issued_on__year"])] = row["n"]
    counters = {(s.authority_id, s.kind, s.year): s.last for s in DocumentSequence.objects.all()}
    for key in set(issued) | set(counters):
        if issued.get(key, 0) != counters.get(key, 0):
            problems.append(f"counter {key} is {counters.get(key, 0)}, numbers issued {issued.get(key, 0)}")
    for application in Application.objects.select_related("authority", "review_body"):
        last = ApplicationEvent.objects.filter(application=application).order_by("pk").last()
        expected = last.to_state if last else S.DRAFT
        if application.state != expected:
            problems.append(f"application {application.pk} is {application.state}, its last event says {expected}")
        handed_over = ApplicationEvent.objects.filter(application=application, transition="submit").exists()
        if handed_over and "view_application" not in get_group_perms(application.authority.group, application):
            problems.append(f"application {application.pk}: the authority cannot see it")
        if application.review_body_id and "view_application" not in get_group_perms(
            application.review_body.group, application
        ):
            problems.append(f"application {application.pk}: the review body cannot see it")
    return problems


def describe(application_pk, review_body_pk):
    from django.conf import settings
    from guardian.shortcuts import get_group_perms

    from accounts.models import Organisation
    from workflows.models import Application, ApplicationEvent, Document, DocumentSequence, Notification

    application = Application.objects.get(pk=application_pk)
    body = Organisation.objects.get(pk=review_body_pk)
    referenced = {Path(name).name for name in Document.objects.values_list("file", flat=True)}
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "workflows" / "document"
    on_disk = {path.name for path in folder.glob("*")} if folder.exists() else set()
    return {
        "state": application.state,
        "review_body": application.review_body_id,
        "accepted_at": str(application.accepted_at) if application.accepted_at else None,
        "events": list(ApplicationEvent.objects.filter(application=application).values_list("transition", flat=True)),
        "documents": list(Document.objects.filter(application=application).values_list("kind", "number")),
        "sequences": sorted(DocumentSequence.objects.values_list("kind", "last")),
        "review_body_perms": sorted(get_group_perms(body.group, application)),
        "notifications": Notification.objects.filter(application=application).count(),
        "orphan_files": sorted(on_disk - referenced),
        "violations": invariant_violations(),
    }


def inspect(application_pk, review_body_pk, officer):
    """The state after the kill, then the same action run to the end, and the state after it."""
    from django.contrib.auth import get_user_model

    from accounts.models import Organisation
    from accounts.orphans import orphan_files, purge_orphan_files
    from workflows import actions
    from workflows.models import Application

    after_kill = describe(application_pk, review_body_pk)
    # The sweep with no grace period (the daily job waits a day, for transactions still open).
    after_kill["found_by_sweep"] = sorted(Path(path).name for path in orphan_files(max_age=0))
    after_kill["removed_by_sweep"] = purge_orphan_files(max_age=0)
    after_kill["left_after_sweep"] = describe(application_pk, review_body_pk)["orphan_files"]
    actions.accept(
        Application.objects.get(pk=application_pk),
        get_user_model().objects.get(username=officer),
        Organisation.objects.get(pk=review_body_pk),
        "材料齐全",
    )
    return {"after_kill": after_kill, "after_redo": describe(application_pk, review_body_pk)}


def main(argv):
    import django

    django.setup()
    if argv[1] == "setup":
        result = setup_data()
    else:
        result = inspect(int(argv[2]), int(argv[3]), argv[4])
    print(json.dumps(result, ensure_ascii=False))


# --- the test ---------------------------------------------------------------------------------


def free_port():
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]
    except OSError as error:
        pytest.skip(f"cannot bind a local TCP port for the server process ({error})")


def admin_connection():
    """An autocommit connection to the server's `postgres` database, for CREATE/DROP DATABASE
    (the test's own connection is inside the test's transaction)."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def copy_test_database(var_dir, env):
    """The migrated test database (no rows of this test: it writes none), copied for the server:
    migrating a new database would take 15 s."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = sqlite3.connect(var_dir / "db.sqlite3")
        connection.connection.backup(target)
        target.close()
        env.pop("DATABASE_URL", None)
        return None
    settings = connection.settings_dict
    name = f"crash_{os.getpid()}"
    host, port, user = settings["HOST"] or "127.0.0.1", str(settings["PORT"] or 5432), settings["USER"] or "postgres"
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    pg_env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    # S603: PostgreSQL's client tools from PATH on the test database.
    dump = subprocess.run(  # noqa: S603
        ["pg_dump", "-Fc", "-h", host, "-p", port, "-U", user, "-d", settings["NAME"]],  # noqa: S607
        env=pg_env,
        capture_output=True,
        check=True,
    )
    # S603: PostgreSQL's client tools from PATH on the test database.
    subprocess.run(  # noqa: S603
        ["pg_restore", "--no-owner", "-h", host, "-p", port, "-U", user, "-d", name],  # noqa: S607
        input=dump.stdout,
        env=pg_env,
        capture_output=True,
        check=True,
    )
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    env["DATABASE_URL"] = f"postgres://{user}{password}@{host}:{port}/{name}"
    return name


def drop_database(name):
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_helper(env, *args):
    # S603: this interpreter and this test module.
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


class Browser:
    """Just enough of a browser: cookies and Django's CSRF token."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, data, timeout=30):
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        with self.opener.open(self.base + path, body, timeout=timeout) as response:
            return response.status, response.geturl(), response.read().decode()


def wait_for_port(port, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited: {server.stderr.read()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise AssertionError("the server did not start listening")


@pytest.mark.django_db  # only for the migrated test database to copy; this process writes nothing
def test_killing_the_server_in_the_middle_of_an_acceptance_leaves_a_consistent_database(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.security.crash_settings",
        "VAR_DIR": str(var_dir),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("FAULT_INJECTION_SLEEP", None)
    port = free_port()
    database = copy_test_database(var_dir, env)
    server = None
    try:
        data = run_helper(env, "setup")

        # S603: this interpreter and manage.py.
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env={**env, "FAULT_INJECTION_SLEEP": str(PAUSE_SECONDS)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        log = []
        paused = threading.Event()

        def read_log():
            for line in server.stderr:
                log.append(line)
                if MARKER in line:
                    paused.set()

        threading.Thread(target=read_log, daemon=True).start()
        wait_for_port(port, server)

        browser = Browser(f"http://127.0.0.1:{port}")
        status, landed, _page = browser.post("/accounts/login/", {"username": data["officer"], "password": PASSWORD})
        assert status == 200 and "/admin/" in landed, "the officer could not log in"

        outcome = {}

        def accept():
            try:
                outcome["response"] = browser.post(
                    data["accept_url"],
                    {"review_body": data["review_body"], "comment": "材料齐全", "confirmed": "on"},
                    timeout=60,
                )
            except (OSError, urllib.error.URLError, http.client.HTTPException) as error:
                outcome["error"] = error

        request = threading.Thread(target=accept, daemon=True)
        request.start()
        assert paused.wait(30), "the request never reached the pause:\n" + "".join(log[-30:])
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        request.join(10)
        assert "response" not in outcome, "the request finished before the kill"

        result = run_helper(env, "inspect", str(data["application"]), str(data["review_body"]), data["officer"])
    finally:
        if server is not None and server.poll() is None:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(10)
        if database:
            drop_database(database)
        shutil.rmtree(var_dir, ignore_errors=True)

    killed = result["after_kill"]
    assert killed["state"] == "submitted"
    assert killed["review_body"] is None and killed["accepted_at"] is None
    assert killed["events"] == ["submit"]
    assert killed["documents"] == []
    assert ["acceptance_decision", 1] not in killed["sequences"]
    assert killed["review_body_perms"] == []
    assert killed["violations"] == []
    # The 受理决定书 written just before the kill: a file nothing points at (see the docstring).
    assert len(killed["orphan_files"]) == 1
    assert killed["found_by_sweep"] == killed["orphan_files"]
    assert killed["removed_by_sweep"] == 1 and killed["left_after_sweep"] == []

    redone = result["after_redo"]
    assert redone["state"] == "accepted"
    assert redone["events"] == ["submit", "accept"]
    [(kind, number)] = redone["documents"]
    assert kind == "acceptance_decision" and number.endswith("〕1号")
    assert ["acceptance_decision", 1] in redone["sequences"]
    assert redone["review_body_perms"] == ["review_application", "view_application"]
    assert redone["notifications"] > killed["notifications"]
    assert redone["violations"] == []


if __name__ == "__main__":
    main(sys.argv)
