"""Proof that a bureau can put the product into service as it ships: from an empty
PostgreSQL database, with the production settings (DEBUG off), the commands of docs/operations.md
"First start of a new site" — migrate, collectstatic, setup_portal, createsuperuser — then people
through the site's URLs (tests/support/production_journey.py, in a process of its own): the
administrator creates a Zhejiang bureau staff user and registers the bureau's 电子签章证书, an
enterprise in 浙江 registers and applies, the staff member asks for a correction, whose 补正告知书
is signed by the bureau. The applicant sees the notice in-app, and a real Celery worker, with Redis
as the broker, delivers the SMS (Alibaba Cloud's API, served here by a stand-in on 127.0.0.1) and
the e-mail (an SMTP server on 127.0.0.1).

Nothing here uses the test database: the site gets a database of its own, created and dropped here.
PostgreSQL and Redis only (skipped on the SQLite default).
"""

import email
import email.policy
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest
from django.db import connection

from tests.support.servers import MailServer, ProviderServer, celery_worker, redis_is_up, wait_for

REPO = Path(__file__).resolve().parents[1]
REDIS_DB = int(os.environ.get("PROOF_REDIS_DB", "7"))
NOTICE_TEMPLATE = "SMS_PROOF_NOTICE"
WAIT_SECONDS = 90
SITE_URL = "https://tsxk.zj-bureau.example.cn"
PROOF_SIGNING_SECRET_ENV = "PORTAL_SIGNING_PASSPHRASE_ZJ"  # noqa: S105 (a variable's name)
PROOF_SIGNING_PASSPHRASE = "proof-signing-" + uuid.uuid4().hex

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="production runs on PostgreSQL (set DATABASE_URL to run this)"
    ),
    pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379 as the broker"),
]


@pytest.fixture
def empty_database():
    """A new, empty PostgreSQL database on the server the tests use, dropped afterwards."""
    db = connection.settings_dict
    name = f"proof_{uuid.uuid4().hex[:10]}"
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{params['password']}" if params["password"] else ""
    yield f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}", params, name
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def outside_world(tmp_path):
    sms = ProviderServer(log_path=tmp_path / "sms.jsonl")
    sms.reply({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "PROOF"})
    (tmp_path / "sms.jsonl").touch()
    mail = MailServer()
    mail.start()
    yield sms, mail
    mail.stop()
    sms.close()


@pytest.fixture
def site_env(empty_database, outside_world, tmp_path):
    database_url, _params, _name = empty_database
    sms, mail = outside_world
    queue = f"proof-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "PYTHONPATH": os.pathsep.join([str(REPO / "site"), str(REPO)]),
        "SECRET_KEY": "proof-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "testserver",
        "WAGTAILADMIN_BASE_URL": SITE_URL,
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "CELERY_QUEUE": queue,
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "SMS_BACKEND": "accounts.sms.backends.aliyun.AliyunSmsBackend",
        "SMS_ALIYUN_ACCESS_KEY_ID": "LTAI-proof",
        "SMS_ALIYUN_ACCESS_KEY_SECRET": "proof-secret",
        "SMS_ALIYUN_SIGN_NAME": "特种设备许可",
        "SMS_ALIYUN_TEMPLATE_VERIFICATION_CODE": "SMS_PROOF_CODE",
        "SMS_ALIYUN_TEMPLATE_NOTICE": NOTICE_TEMPLATE,
        "SMS_ALIYUN_ENDPOINT": sms.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mail.port),
        "DEFAULT_FROM_EMAIL": "noreply@zj-bureau.example.cn",
        "DJANGO_SUPERUSER_USERNAME": "admin",
        "DJANGO_SUPERUSER_PASSWORD": "Admin@2026first",
        "DJANGO_SUPERUSER_EMAIL": "admin@zj-bureau.example.cn",
        "PROOF_SMS_LOG": str(tmp_path / "sms.jsonl"),
        # The bureau's 电子签章证书 (production signs every document, DOCUMENT_SIGNING_REQUIRED): a
        # PKCS#12 file the administrator registers in the admin, its passphrase in the environment.
        "PROOF_SIGNING_PKCS12": str(signing_file(tmp_path)),
        PROOF_SIGNING_SECRET_ENV: PROOF_SIGNING_PASSPHRASE,
    }
    # Set by the browser suite's conftest when it shares this pytest worker; never in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    yield env
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB).delete(queue)


def signing_file(tmp_path):
    """A certificate for the Zhejiang bureau from a throwaway test CA (demo/signing_ca.py), as the
    PKCS#12 file a bureau is issued."""
    from demo.signing_ca import SigningCA

    issued = SigningCA.create(name="首次启动测试根证书", organisation="测试").issue("浙江省市场监督管理局")
    path = tmp_path / "zhejiang.p12"
    path.write_bytes(issued.pkcs12(PROOF_SIGNING_PASSPHRASE))
    path.chmod(0o600)
    return path


def manage(env, *args):
    # S603: this interpreter and manage.py.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


@pytest.fixture
def worker(site_env):
    with celery_worker(site_env, site_env["CELERY_QUEUE"], REPO) as process:
        yield process


def notices_to(sms, mobile):
    sent = []
    for request in list(sms.requests):
        query = {k: v[0] for k, v in parse_qs(urlsplit(request["path"]).query).items()}
        if query.get("PhoneNumbers") == mobile and query.get("TemplateCode") == NOTICE_TEMPLATE:
            sent.append(json.loads(query["TemplateParam"]))
    return sent


def mail_text(raw):
    """Subject and body of an e-mail as the reader sees them (the wire has them encoded)."""
    message = email.message_from_bytes(raw.encode("utf-8"), policy=email.policy.default)
    return f"{message['Subject']}\n{message.get_body(('plain',)).get_content()}"


def outbox(params, name, recipient):
    with psycopg.connect(dbname=name, autocommit=True, **params) as db:
        return db.execute(
            "SELECT channel, status, attempts FROM accounts_outboundmessage WHERE recipient = %s ORDER BY id",
            [recipient],
        ).fetchall()


def test_a_new_bureau_serves_from_the_first_start(site_env, empty_database, outside_world, worker):
    _url, params, name = empty_database
    sms, mail = outside_world

    # docs/operations.md "First start of a new site", with the production settings.
    manage(site_env, "migrate", "--noinput")
    manage(site_env, "collectstatic", "--noinput")
    setup = manage(site_env, "setup_portal")
    assert "审批机关" in setup
    manage(site_env, "createsuperuser", "--noinput", "--username", "admin", "--email", "admin@zj-bureau.example.cn")
    # Errors only: the one warning is accounts.W001, the stand-in provider speaking plain http on loopback.
    manage(site_env, "check", "--deploy", "--fail-level", "ERROR")

    journey = subprocess.run(
        [sys.executable, "-m", "tests.support.production_journey"],
        cwd=REPO,
        env=site_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert journey.returncode == 0, f"{journey.stdout[-4000:]}\n{journey.stderr[-6000:]}"
    result = json.loads(journey.stdout.strip().splitlines()[-1])
    assert "补正" in result["in_app"]
    assert result["signed_by"] == "浙江省市场监督管理局"  # the 补正告知书 carries the bureau's signature

    # The worker delivers what the 补正 action put in the outbox: the SMS through the provider's API
    # and the e-mail through SMTP, each once.
    wait_for(lambda: notices_to(sms, result["mobile"]), "the 补正 SMS at the provider", worker, WAIT_SECONDS)
    wait_for(lambda: mail.to(result["email"]), "the 补正 e-mail at the SMTP server", worker, WAIT_SECONDS)
    time.sleep(2)  # a second delivery, if any, would have come by now
    [notice] = notices_to(sms, result["mobile"])
    assert notice["reference"] == result["reference"] and "补正" in notice["message"]
    correction_mails = [text for text in map(mail_text, mail.to(result["email"])) if "补正" in text]
    assert len(correction_mails) == 1 and result["reference"] in correction_mails[0]
    assert f"{SITE_URL}/applications/" in correction_mails[0]  # the link leads to the site, not to a laptop
    rows = outbox(params, name, result["mobile"]) + outbox(params, name, result["email"])
    assert ("sms", "sent", 1) in rows and ("email", "sent", 1) in rows
    assert all(status == "sent" for _channel, status, _attempts in rows), rows
