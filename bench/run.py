"""`make bench` (docs/benchmarks.md): data, gunicorn with production settings, locust
headless in-process, one table.

    .venv/bin/python bench/run.py [--skip-data] [--small] [--duration 15] [--soak-seconds 60]

Steps: `manage.py bench_data` (unless --skip-data), collectstatic for the manifest storage,
gunicorn on a free loopback port, log-ins and warm-up, each scenario of bench/scenarios.py alone
with 16 closed-loop users, a 200-user soak of every role with think time, a warm-worker PDF
micro-benchmark, then the table on stdout and in var/bench/results.md.

The same file, called with `--django <task>`, is the Django side (resolving admin pks, rendering
PDFs): that process never imports gevent or locust.
"""

import sys

if "--django" not in sys.argv:
    # Locust needs gevent's monkey patching before anything opens a socket.
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
MANIFEST = Path(os.environ.get("BENCH_MANIFEST", VAR / "manifest.json"))
STAFF_PKS = MANIFEST.with_name("staff_detail_pks.json")
RESULTS = VAR / "results.md"
PYTHON = sys.executable
SETTINGS = "portal.settings.bench"
# --small: enough for a quick check of the whole run, not a result.
SMALL_DATA = ("--organisations", "300", "--applications", "3000", "--sample", "40")

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "site"))


def django_env():
    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    env.setdefault("STATIC_ROOT", str(VAR / "static"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), str(ROOT / "site"), env.get("PYTHONPATH")]))
    return env


def say(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args):
    # S603: this interpreter and manage.py, arguments from this script.
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args, f"--settings={SETTINGS}"], env=django_env(), check=True)  # noqa: S603


def django_task(task, *args):
    """Runs this file's Django side in a fresh process and returns its JSON answer."""
    # S603: this interpreter and this file, arguments from this script.
    output = subprocess.run(  # noqa: S603
        [PYTHON, __file__, "--django", task, *args], env=django_env(), check=True, capture_output=True, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


# ----- the Django side (python bench/run.py --django <task>) ------------------------------------


def _django_setup():
    import django

    django.setup()


def django_prepare():
    """The admin pk of each staff account's detail application (the admin's URLs take pks), and
    the database server's version for the results."""
    _django_setup()
    from django.db import connection

    from workflows.models import Application

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    uuids = [e["detail"] for e in manifest.get("authority_staff", []) + manifest.get("review_body_staff", [])]
    pks = {str(uuid): pk for uuid, pk in Application.objects.filter(uuid__in=uuids).values_list("uuid", "pk")}
    STAFF_PKS.write_text(json.dumps(pks), encoding="utf-8")
    with connection.cursor() as cursor:
        # Planner statistics and visibility maps for the rows bench_data just wrote with COPY: a
        # production database has them (autovacuum), and without them the plans of the first
        # minutes vary from run to run (the applicant list ranged from 2 to 13 req/s).
        started = time.monotonic()
        cursor.execute("VACUUM (ANALYZE)")
        vacuum_seconds = time.monotonic() - started
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return {"staff_pks": len(pks), "postgresql": version, "vacuum_seconds": vacuum_seconds}


def django_has_data():
    _django_setup()
    from django.contrib.auth import get_user_model

    from bench.data.parties import APPLICANT_PREFIX

    return {"has_data": get_user_model().objects.filter(username__startswith=APPLICANT_PREFIX).exists()}


def create_database():
    """CREATE DATABASE for BENCH_DATABASE_URL if it does not exist (never a test database)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = django_env()["DATABASE_URL"]
    config = dj_database_url.parse(url)
    name = config["NAME"]
    if name in ("postgres", "template0", "template1") or name.startswith("test"):
        raise SystemExit(f"refusing to use the database {name!r} for the benchmark")
    params = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**params, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"created the database {name}")


def _timed(function, runs):
    function()  # warm-up: templates, fonts and the xhtml2pdf imports loaded
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
        "runs": runs,
        "pages": result.count(b"/Type /Page") - result.count(b"/Type /Pages"),
    }


def django_pdf(runs):
    """Rendering in a warm worker, no HTTP: the whole 申请书 of a sampled application
    (workflows.printing.print_application, as the print view calls it, fetch included) and a
    受理决定书 rendered as documents.issue renders it, without storing a new document, then the same
    rendered and signed (workflows/pdf_signing.py) as documents.issue signs it."""
    _django_setup()
    from django.conf import settings
    from django.utils import timezone, translation

    from forms_config.pdf import render_pdf
    from workflows import documents, pdf_signing
    from workflows.models import Application, Document, DocumentKind
    from workflows.printing import print_application

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    sample = manifest["applicants"][0]

    def whole_application():
        return print_application(Application.objects.get(uuid=sample["print"]))

    def decision():
        document = Document.objects.select_related("application").get(uuid=sample["acceptance_decision"])
        application = Application.objects.select_related("applicant", "authority", "review_body").get(
            pk=document.application_id
        )
        issued = getattr(document, "issued_at", None)
        context = {
            "application": application,
            "items": list(application.items.all()),
            "applicant": application.applicant,
            "authority": application.authority,
            "document": {
                "kind": DocumentKind(document.kind).label,
                "number": document.number,
                "issued_on": timezone.localdate(issued) if issued else timezone.localdate(),
            },
            "review_body": application.review_body,
        }
        with translation.override(settings.LANGUAGE_CODE):
            return render_pdf(documents.template_for(DocumentKind.ACCEPTANCE_DECISION), context)

    signer = bench_signer()
    sampled = Document.objects.select_related("application__authority").get(uuid=sample["acceptance_decision"])
    authority_name = sampled.application.authority.name

    def decision_signed():
        # Render and sign, as documents.issue does (the signer's PKCS#12 file is read once per
        # process by workflows.signing, so loading it is not part of a document's cost).
        return pdf_signing.sign_pdf(decision(), signer, signer_name=authority_name)

    return {
        "application": _timed(whole_application, runs),
        "decision": _timed(decision, runs),
        "decision_signed": _timed(decision_signed, runs),
    }


def bench_signer():
    """A pyHanko signer loaded from PKCS#12 bytes the demo CA issued (demo/signing_ca.py: ECDSA
    P-256, the chain embedded), as workflows.signing loads an authority's file."""
    from pyhanko.sign import signers

    from demo.signing_ca import SigningCA

    issued = SigningCA.create().issue("基准测试审批机关")
    return signers.SimpleSigner.load_pkcs12_data(issued.pkcs12("bench"), other_certs=(), passphrase=b"bench")


# ----- gunicorn ---------------------------------------------------------------------------------


def wait_until_answering(process, host, seconds, name):
    """Until `host` answers the trivial view; SystemExit when `process` dies or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}")
        try:
            # S310: http://127.0.0.1 of the gunicorn this script started.
            with urllib.request.urlopen(f"{host}/bench/trivial/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not answer within {seconds} s")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, args):
        self.port = free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        self.log = VAR / "gunicorn.log"
        self.command = [
            str(Path(PYTHON).with_name("gunicorn")),
            "portal.wsgi:application",
            "--pythonpath",
            "site",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--timeout",
            "30",  # as site/gunicorn.conf.py (production)
        ]
        if args.worker_class == "gthread":
            # In production clients talk to nginx (keepalive_timeout 75 s), not to gunicorn. With
            # gunicorn's own 2 s, a soak user thinking 1-4 s meets a connection the server is
            # closing just as it sends: an error of the test set-up, not of the site.
            self.command += ["--threads", str(args.threads), "--keep-alive", "75"]
        if args.preload:
            self.command.append("--preload")
        self.process = None

    def describe(self, args):
        text = f"gunicorn {args.workers} × {args.worker_class}"
        if args.worker_class == "gthread":
            text += f" ({args.threads} threads)"
        return text + (", --preload" if args.preload else "")

    def start(self):
        self.log.write_text("", encoding="utf-8")
        # The app's own logging (axes logs every login) goes to the log file, not over the table.
        self.output = self.log.open("a", encoding="utf-8")
        # S603: the bench's own gunicorn/locust command lines.
        self.process = subprocess.Popen(  # noqa: S603
            self.command, cwd=ROOT, env=django_env(), stdout=self.output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_answering(self.process, self.host, 60, f"gunicorn (see {self.log})")
        except SystemExit:
            self.stop()
            raise

    def workers_rss(self):
        import psutil

        return {child.pid: child.memory_info().rss for child in psutil.Process(self.process.pid).children()}

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "output", None):
            self.output.close()


# ----- the load ---------------------------------------------------------------------------------


def measure(user_classes, host, users, spawn_rate, warmup, duration, label):
    """Runs the users headless in this process; the statistics cover `duration` after `warmup`."""
    import gevent
    import locust
    from locust.env import Environment

    from bench import locustfile

    environment = Environment(user_classes=user_classes, events=locust.events, host=host)
    runner = environment.create_local_runner()
    locustfile.POOL.restart_counts()
    runner.start(users, spawn_rate=spawn_rate)
    gevent.sleep(warmup)
    environment.stats.reset_all()
    locustfile.QUERIES.reset()
    locustfile.POOL.submits_exhausted_at = None
    started = time.monotonic()
    gevent.sleep(duration)
    elapsed = time.monotonic() - started
    exhausted = locustfile.POOL.submits_exhausted_at
    if exhausted is not None and exhausted > started:
        elapsed = exhausted - started
    total = environment.stats.total
    result = {
        "requests": total.num_requests,
        "rps": total.num_requests / elapsed if elapsed > 0 else 0.0,
        "p50": total.get_response_time_percentile(0.5) if total.num_requests else None,
        "p95": total.get_response_time_percentile(0.95) if total.num_requests else None,
        "errors": total.num_failures,
        "elapsed": elapsed,
        "error_samples": [f"{e.name}: {e.error} ×{e.occurrences}" for e in environment.stats.errors.values()][:5],
        "by_name": {
            name: {
                "requests": entry.num_requests,
                "errors": entry.num_failures,
                "queries": locustfile.QUERIES.mean(name),
            }
            for (name, _method), entry in environment.stats.entries.items()
        },
        "exhausted": exhausted is not None and exhausted > started,
    }
    counted = sum(locustfile.QUERIES.counted.values())
    result["queries"] = sum(locustfile.QUERIES.queries.values()) / counted if counted else None
    runner.stop()
    runner.quit()
    say(
        f"{label}: {result['rps']:.1f} req/s, p50 {result['p50']} ms, p95 {result['p95']} ms, "
        f"{result['errors']} errors in {result['requests']} requests"
        + (f" (drafts ran out after {elapsed:.1f} s)" if result["exhausted"] else "")
    )
    for sample in result["error_samples"]:
        say(f"    error: {sample}")
    return result


def warm_up(host, rounds):
    """Every GET scenario a few times per worker: templates compiled, connections open, caches
    filled, before anything is measured."""
    from bench import locustfile

    pool = locustfile.POOL
    data = locustfile.manifest()
    anonymous = locustfile._quiet_session(host)
    anonymous.cookiejar.set_policy(locustfile.DefaultCookiePolicy(allowed_domains=[]))
    urls = [
        (anonymous, "/bench/trivial/"),
        (anonymous, data["catalogue_url"]),
        *[(anonymous, url) for url in data["item_urls"][:5]],
    ]
    if data.get("applicants"):
        applicant = pool.take("applicant")
        entry = applicant.entry
        urls += [
            (applicant.session, "/applications/"),
            *[(applicant.session, f"/applications/{entry['draft']}/pages/{n}/") for n in entry.get("draft_pages", [])],
            (applicant.session, f"/applications/{entry['detail']}/"),
            (applicant.session, f"/applications/documents/{entry['acceptance_decision']}/"),
            (applicant.session, f"/applications/{entry['print']}/print/"),
        ]
    if data.get("authority_staff"):
        authority = pool.take("authority")
        urls.append((authority.session, "/admin/licensing/?state=submitted&overdue=yes"))
        if authority.entry.get("detail_pk"):
            urls.append((authority.session, f"/admin/licensing/{authority.entry['detail_pk']}/"))
    problems = []
    for _ in range(rounds):
        for session, url in urls:
            response = session.get(url, allow_redirects=False)
            if response.status_code != 200:
                problems.append(f"{url} answered {response.status_code}")
    pool.restart_counts()
    return sorted(set(problems))


def soak(host, users, seconds):
    import gevent
    import locust
    from locust.env import Environment

    from bench import locustfile

    environment = Environment(user_classes=locustfile.SOAK_USERS, events=locust.events, host=host)
    runner = environment.create_local_runner()
    locustfile.POOL.restart_counts()
    runner.start(users, spawn_rate=50)
    gevent.sleep(users / 50 + 10)  # everyone spawned and past their first clicks
    environment.stats.reset_all()
    return environment, runner, seconds


# ----- the table --------------------------------------------------------------------------------


def width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text, size, right=False):
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:.{digits}f}"


def judge(scenario, result, trivial_rps):
    ratio = result["rps"] / trivial_rps if trivial_rps else None
    ok = result["requests"] > 0
    if scenario.zero_errors and result["errors"]:
        ok = False
    if scenario.ratio is not None and (ratio is None or ratio < scenario.ratio):
        ok = False
    if scenario.p95_ms is not None and (result["p95"] is None or result["p95"] > scenario.p95_ms):
        ok = False
    return ratio, ok


HEADERS = ["scenario", "req/s", "p50 ms", "p95 ms", "errors", "queries/req", "× trivial", "target", "met?"]


def table_rows(results):
    from bench.scenarios import SCENARIOS

    trivial_rps = results["trivial"]["rps"]
    rows = []
    for scenario in SCENARIOS:
        result = results.get(scenario.key)
        if result is None:
            continue
        ratio, ok = judge(scenario, result, trivial_rps)
        rows.append(
            [
                scenario.label,
                fmt(result["rps"], 1),
                fmt(result["p50"]),
                fmt(result["p95"]),
                str(result["errors"]),
                fmt(result["queries"], 1),
                "1.00" if scenario.key == "trivial" else fmt(ratio, 2),
                scenario.target_text,
                "yes" if ok else "NO",
            ]
        )
    return rows


def plain_table(rows):
    sizes = [max(width(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = []
    for index, row in enumerate([HEADERS, *rows]):
        cells = [pad(cell, sizes[i], right=0 < i < 7) for i, cell in enumerate(row)]
        lines.append(" | ".join(cells).rstrip())
        if index == 0:
            lines.append("-+-".join("-" * size for size in sizes))
    return "\n".join(lines)


def markdown_table(rows):
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join(["---", *["---:"] * 6, "---", "---"]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def soak_line(result, targets):
    from bench.scenarios import SOAK_MEMORY_GROWTH_TARGET

    growth = result["memory_growth"]
    ok = result["errors"] == 0 and growth is not None and growth <= SOAK_MEMORY_GROWTH_TARGET
    return (
        f"soak: {result['users']} users of every role, {result['seconds']:.0f} s: {result['requests']} requests, "
        f"{result['rps']:.1f} req/s, p95 {fmt(result['p95'])} ms, {result['errors']} errors; "
        f"worker RSS {result['rss_start'] / 2**20:.0f} MB → {result['rss_end'] / 2**20:.0f} MB "
        f"({growth * 100:+.1f}%) — target 0 errors, growth ≤{SOAK_MEMORY_GROWTH_TARGET * 100:.0f}%: "
        f"{'met' if ok else 'NOT met'}"
    )


def pdf_lines(pdf):
    from bench.scenarios import PDF_TARGETS_MS

    lines = []
    names = {"application": "申请书PDF whole application", "decision": "受理决定书PDF acceptance decision"}
    for key, label in names.items():
        data = pdf[key]
        target = PDF_TARGETS_MS[key]
        lines.append(
            f"PDF in a warm worker, {label} ({data['pages']} pages): median {data['median']:.0f} ms, "
            f"p95 {data['p95']:.0f} ms over {data['runs']} renders — target ≤{target} ms: "
            f"{'met' if data['median'] <= target else 'NOT met'}"
        )
    if "decision_signed" in pdf:
        lines.append(signing_line(pdf["decision"], pdf["decision_signed"]))
    return lines


def signing_line(unsigned, signed):
    from bench.scenarios import SIGNING_TARGET_MS

    added = signed["median"] - unsigned["median"]
    return (
        f"PDF in a warm worker, 受理决定书PDF rendered and signed (PAdES, visible seal): median "
        f"{signed['median']:.0f} ms, p95 {signed['p95']:.0f} ms over {signed['runs']} runs; signing adds "
        f"{added:.0f} ms to the {unsigned['median']:.0f} ms render — target ≤{SIGNING_TARGET_MS} ms added: "
        f"{'met' if added <= SIGNING_TARGET_MS else 'NOT met'}"
    )


def machine(postgresql):
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "unknown"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "python": platform.python_version(),
        "postgresql": postgresql,
    }


def counts_text(counts):
    by_state = ", ".join(f"{state} {n}" for state, n in (counts.get("by_state") or {}).items())
    parts = [
        f"{counts.get('applicant_organisations', '?')} applicant organisations",
        f"{counts.get('applications', '?')} applications ({by_state})",
        f"{counts.get('authorities_with_applications', '?')} authorities with applications",
    ]
    for key, label in [
        ("events", "audit events"),
        ("documents", "documents"),
        ("access_logs", "access-log records"),
        ("licences", "licences"),
    ]:
        if key in counts:
            parts.append(f"{counts[key]} {label}")
    return "; ".join(parts)


def write_results(report):
    m = report["machine"]
    lines = [
        "# `make bench` results",
        "",
        f"- Date: {report['date']}",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM; Python {m['python']}; "
        f"PostgreSQL {m['postgresql']}; Redis cache and sessions",
        f"- Server: {report['server']}, portal.settings.bench (production settings, plain HTTP on loopback); "
        "the load generator (locust, FastHttpUser) runs on the same cores",
        f"- Load: {report['users']} closed-loop users per scenario, {report['duration']:.0f} s measured "
        f"after {report['warmup']:.0f} s warm-up; soak {report['soak']['users']} users with 1–4 s think time",
        f"- Data: {report['counts']}",
        f"- Whole run: {report['total_seconds'] / 60:.1f} min",
        "",
        report["markdown"],
        "",
        f"- {report['soak_line']}",
        *[f"- {line}" for line in report["pdf_lines"]],
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


# ----- main -------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-data", action="store_true", help="use the data and manifest already there")
    parser.add_argument("--small", action="store_true", help="bench_data --small: a quick check, not a result")
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before each scenario's measurement")
    parser.add_argument("--soak-users", type=int, default=200)
    parser.add_argument("--soak-seconds", type=float, default=60.0)
    parser.add_argument("--pdf-runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)))
    parser.add_argument("--worker-class", default=os.environ.get("BENCH_WORKER_CLASS", "gthread"))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", 4)))
    parser.add_argument("--preload", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--only", help="comma-separated scenario keys (a partial run, for tuning)")
    parser.add_argument("--no-soak", action="store_true")
    parser.add_argument("--no-pdf", action="store_true")
    return parser.parse_args()


def main():
    args = parse_args()
    began = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)

    if not args.skip_data:
        options = ["--manifest", str(MANIFEST), *(SMALL_DATA if args.small else [])]
        # A rerun starts from a fresh database: the last run's submits used up its drafts.
        if django_task("has-data")["has_data"]:
            options.append("--flush")
        say("generating data: manage.py bench_data " + " ".join(options))
        manage("bench_data", *options)
    if not MANIFEST.exists():
        raise SystemExit(f"{MANIFEST} is missing: run without --skip-data")
    say("collectstatic")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    prepared = django_task("prepare")
    say(
        f"VACUUM (ANALYZE) in {prepared['vacuum_seconds']:.0f} s; "
        f"admin pks of {prepared['staff_pks']} staff detail pages resolved"
    )

    from bench import locustfile
    from bench.scenarios import SCENARIOS

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    server = Gunicorn(args)
    os.environ["BENCH_HOST"] = server.host
    locustfile.POOL.host = server.host
    say(f"starting {server.describe(args)} on {server.host}")
    server.start()
    results = {}
    soak_result = None
    try:
        started = time.monotonic()
        logged_in = locustfile.POOL.login_all()
        say(f"{logged_in} accounts logged in ({time.monotonic() - started:.0f} s, not measured)")
        pages = locustfile.POOL.prefetch_payloads()
        say(f"{pages} draft pages read for the autosave payloads (not measured)")
        problems = warm_up(server.host, rounds=3)
        for problem in problems:
            say(f"warm-up: {problem}")

        only = set(args.only.split(",")) if args.only else None
        for scenario in SCENARIOS:
            if only and scenario.key not in only and scenario.key != "trivial":
                continue
            results[scenario.key] = measure(
                [locustfile.scenario_user(scenario)],
                server.host,
                args.users,
                args.users,
                args.warmup,
                args.duration,
                scenario.label,
            )

        if not args.no_soak:
            import gevent

            environment, runner, seconds = soak(server.host, args.soak_users, args.soak_seconds)
            rss_start = server.workers_rss()
            started = time.monotonic()
            gevent.sleep(seconds)
            elapsed = time.monotonic() - started
            rss_end = server.workers_rss()
            total = environment.stats.total
            common = [pid for pid in rss_start if pid in rss_end]
            before = sum(rss_start[pid] for pid in common) or sum(rss_start.values())
            after = sum(rss_end[pid] for pid in common) or sum(rss_end.values())
            soak_result = {
                "users": args.soak_users,
                "seconds": elapsed,
                "requests": total.num_requests,
                "rps": total.num_requests / elapsed,
                "p95": total.get_response_time_percentile(0.95) if total.num_requests else None,
                "errors": total.num_failures,
                "rss_start": before,
                "rss_end": after,
                "memory_growth": (after - before) / before if before else None,
                "workers_replaced": len(common) != len(rss_start),
            }
            for error in list(environment.stats.errors.values())[:5]:
                say(f"    soak error: {error.name}: {error.error} ×{error.occurrences}")
            runner.stop()
            runner.quit()
            say(soak_line(soak_result, None))
    finally:
        server.stop()

    pdf = None
    if not args.no_pdf:
        say(f"PDF micro-benchmark: {args.pdf_runs} renders each after one warm-up (gunicorn stopped)")
        pdf = django_task("pdf", str(args.pdf_runs))

    rows = table_rows(results)
    total_seconds = time.monotonic() - began
    report = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(prepared["postgresql"]),
        "server": server.describe(args),
        "users": args.users,
        "duration": args.duration,
        "warmup": args.warmup,
        "soak": {"users": args.soak_users},
        "counts": counts_text(manifest.get("counts", {})),
        "markdown": markdown_table(rows),
        "soak_line": soak_line(soak_result, None) if soak_result else "soak: not run",
        "pdf_lines": pdf_lines(pdf) if pdf else ["PDF micro-benchmark: not run"],
        "total_seconds": total_seconds,
    }
    print()
    print(plain_table(rows))
    print()
    print(report["soak_line"])
    for line in report["pdf_lines"]:
        print(line)
    m = report["machine"]
    print(f"\n{m['cpu']}, {m['cores']} cores, {m['ram']}; Python {m['python']}; PostgreSQL {m['postgresql']}")
    print(f"data: {report['counts']}")
    write_results(report)
    say(f"written {RESULTS.relative_to(ROOT)}; bench/run.py took {total_seconds / 60:.1f} min")


def django_main():
    task = sys.argv[sys.argv.index("--django") + 1]
    extra = sys.argv[sys.argv.index("--django") + 2 :]
    if task == "has-data":
        answer = django_has_data()
    elif task == "prepare":
        answer = django_prepare()
    elif task == "pdf":
        answer = django_pdf(int(extra[0]) if extra else 20)
    else:
        raise SystemExit(f"unknown task {task}")
    print(json.dumps(answer))


if __name__ == "__main__":
    if "--django" in sys.argv:
        django_main()
    elif "--create-database" in sys.argv:
        create_database()
    else:
        main()
