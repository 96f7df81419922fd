"""The outbox with a real Celery worker (not eager mode): a worker process started here, Redis on
127.0.0.1 as the broker (its own database number and a queue of its own), an SMTP server of the
test's own (aiosmtpd) that is up, then down, then up again.

- An action's e-mail is delivered by the worker, after the commit.
- With the SMTP server down the action still succeeds; the e-mail stays 待发送 and is tried again
  (attempts grow); once the server is back it is delivered, exactly once.
- Nothing is lost and nothing is sent twice.

PostgreSQL only: the worker is another process and must see the test's committed rows, which an
SQLite test database (in memory) cannot show it. Run e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_b pytest tests/test_background_jobs.py
"""

import os
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import Channel, DeliveryStatus, OutboundMessage
from tests.support.builders import make_catalogue
from tests.support.database import restore_migration_data
from tests.support.servers import REDIS_HOST, REDIS_PORT, MailServer, celery_worker, free_port, redis_is_up, wait_for
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows import actions
from workflows.models import ApplicationState as S

REPO = Path(__file__).resolve().parents[1]
REDIS_DB = int(os.environ.get("BACKGROUND_TEST_REDIS_DB", "6"))


pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process and cannot see an SQLite in-memory test database (set DATABASE_URL)",
    ),
    pytest.mark.skipif(not redis_is_up(), reason=f"needs Redis on {REDIS_HOST}:{REDIS_PORT} as the broker"),
]


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_data(django_db_blocker):
    yield
    if connection.vendor == "postgresql":  # elsewhere the module is skipped: nothing was flushed
        restore_migration_data(django_db_blocker)


@pytest.fixture
def broker():
    """The test process publishes to Redis like production does (settings/test.py is eager)."""
    from portal.celery import app

    queue = f"test-background-{uuid.uuid4().hex[:8]}"
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=url, task_default_queue=queue)
    _reset_connections(app)
    yield {"url": url, "queue": queue}
    app.conf.update(saved)
    _reset_connections(app)
    import redis

    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB).delete(queue)


def _reset_connections(app):
    # The producer pool and the queue routing are built from the configuration on first use.
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.__dict__.pop("amqp", None)


@pytest.fixture
def mail_server():
    server = MailServer(free_port())
    yield server
    server.stop()


@pytest.fixture
def worker(broker, mail_server):
    """`celery -A portal worker` in a process of its own, on the test database."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    server = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.support.background_settings",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{server}/{db['NAME']}",
        "CELERY_BROKER_URL": broker["url"],
        "CELERY_QUEUE": broker["queue"],
        "EMAIL_PORT": str(mail_server.port),
        "PYTHONPATH": os.pathsep.join([str(REPO / "site"), str(REPO)]),
    }
    with celery_worker(env, broker["queue"], REPO) as process:
        yield process


@pytest.fixture
def parties():
    p = make_parties(make_catalogue())
    p.applicant.email = "applicant@example.cn"
    p.applicant.save(update_fields=["email"])
    return p


def email_to(application, address):
    return OutboundMessage.objects.about(application).get(channel=Channel.EMAIL, recipient=address)


def test_the_worker_delivers_retries_through_an_smtp_outage_and_never_sends_twice(parties, mail_server, worker):
    p = parties
    address = p.applicant.email
    first = application_in(S.SUBMITTED, p)
    second = application_in(S.SUBMITTED, p)

    # 1. The server is up: the worker delivers the action's e-mail once the action has committed.
    mail_server.start()
    actions.accept(first, p.authority, p.review_body_org, "材料齐全")
    wait_for(lambda: email_to(first, address).status == DeliveryStatus.SENT, "the first e-mail sent", worker)
    assert len(mail_server.to(address)) == 1
    assert first.reference in mail_server.to(address)[0]
    sms = OutboundMessage.objects.about(first).get(channel=Channel.SMS)
    wait_for(lambda: refresh_row(sms).status == DeliveryStatus.SENT, "the SMS sent", worker)

    # 2. The server goes down: the action still succeeds, the e-mail waits and is tried again.
    mail_server.stop()
    actions.accept(second, p.authority, p.review_body_org, "材料齐全")
    assert refresh(second).state == S.ACCEPTED
    wait_for(lambda: email_to(second, address).attempts >= 2, "two failed tries", worker)
    row = email_to(second, address)
    assert row.status == DeliveryStatus.PENDING
    assert row.last_error and row.next_attempt_at is not None
    assert len(mail_server.to(address)) == 1  # still only the first one

    # 3. The server is back: the next try delivers it, exactly once.
    mail_server.start()
    wait_for(lambda: email_to(second, address).status == DeliveryStatus.SENT, "the second e-mail sent", worker)
    time.sleep(3)  # a duplicate task, if any, would have run by now (retries are 1 s apart)
    received = mail_server.to(address)
    assert len(received) == 2
    assert sum(second.reference in content for content in received) == 1

    # Nothing lost: every row of both actions was sent, each recipient got each e-mail once.
    rows = OutboundMessage.objects.about(first, second)
    assert {row.status for row in rows} == {DeliveryStatus.SENT}
    emails = rows.filter(channel=Channel.EMAIL)
    assert sorted(r for recipients, _content in mail_server.received for r in recipients) == sorted(
        emails.values_list("recipient", flat=True)
    )


def refresh_row(row):
    return OutboundMessage.objects.get(pk=row.pk)
