"""The load half of `make bench` (docs/benchmarks.md): locust users of every role.

Driven in-process by bench/run.py, one scenario at a time; it also works on its own for a
look in locust's web UI:

    .venv/bin/locust -f bench/locustfile.py --host http://127.0.0.1:8000 MixedApplicant MixedAnonymous

Accounts and URLs come from var/bench/manifest.json (written by `manage.py bench_data`).

Logged-in users do not log in per simulated user: a Django login costs one PBKDF2 hash (about
0.7 s of CPU here), which would swamp every scenario. Each account logs in once per run, through
the real forms (the portal's login form for applicants; the admin login plus the TOTP step for
staff), and the simulated users send that session's cookies. A locust user's own cookie jar is
switched off, so an anonymous user stays cookie-less, as a first-time visitor is.

A request counts as an error when it fails, answers ≥400, or redirects to a login or second-factor
page; any other redirect is an error too except where the scenario expects one (a submit).
"""

import hashlib
import hmac
import itertools
import json
import os
import random
import struct
import time
from collections import deque
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
import gevent.pool
from gevent.lock import BoundedSemaphore
from locust import FastHttpUser, between, constant, events
from locust.contrib.fasthttp import FastHttpSession
from locust.event import EventHook

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = Path(os.environ.get("BENCH_MANIFEST", ROOT / "var" / "bench" / "manifest.json"))
# uuid -> admin pk of the staff detail pages (the admin's URLs take the pk); run.py writes it.
STAFF_PKS_PATH = MANIFEST_PATH.with_name("staff_detail_pks.json")

LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/admin/2fa/")
AUTOSAVE_PAGES = 2

# The queue with filters as staff use it (workflows/staff_admin/queue.py ApplicationFilterSet:
# state, overdue=yes|no, ordering by a column's sort key). Rotated per request.
AUTHORITY_QUEUE_FILTERS = [
    "?state=submitted",
    "?state=submitted&overdue=yes",
    "?overdue=yes",
    "?state=accepted&ordering=-submitted_at",
    "?state=correction_requested",
    "?state=reviewed&overdue=no",
]
REVIEW_BODY_QUEUE_FILTERS = [
    "?state=accepted",
    "?state=accepted&overdue=yes",
    "?state=review_scheduled",
    "?overdue=no&ordering=-submitted_at",
]


# ----- the manifest ---------------------------------------------------------------------------

_manifest = None


def manifest():
    global _manifest
    if _manifest is None:
        _manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
        if STAFF_PKS_PATH.exists():
            pks = json.loads(STAFF_PKS_PATH.read_text(encoding="utf-8"))
            for entry in _manifest.get("authority_staff", []) + _manifest.get("review_body_staff", []):
                entry.setdefault("detail_pk", pks.get(entry.get("detail")))
    return _manifest


def set_manifest(data):
    """run.py hands over the manifest it has already read (and completed)."""
    global _manifest
    _manifest = data


# ----- X-Bench-Queries per request name ---------------------------------------------------------


class QueryTally:
    """Mean SQL queries per request, by request name, from bench.middleware's response header."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.queries = {}
        self.counted = {}
        self.first = {}
        self.last = {}

    def add(self, name, response):
        now = time.monotonic()
        self.first.setdefault(name, now)
        self.last[name] = now
        headers = getattr(response, "headers", None)
        value = headers.get("X-Bench-Queries") if headers else None
        if value is not None and str(value).isdigit():
            self.queries[name] = self.queries.get(name, 0) + int(value)
            self.counted[name] = self.counted.get(name, 0) + 1

    def mean(self, name):
        return self.queries[name] / self.counted[name] if self.counted.get(name) else None


QUERIES = QueryTally()


@events.request.add_listener
def _count_queries(request_type, name, response_time, response_length, response=None, **kwargs):
    QUERIES.add(name, response)


# ----- logging in once per account -------------------------------------------------------------


def totp(key_hex, at=None, step=30, digits=6):
    """RFC 6238, as django_otp's TOTPDevice computes it (HMAC-SHA1, 30 s, 6 digits, t0 = 0)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


class LoginFailed(RuntimeError):
    pass


class Account:
    def __init__(self, role, entry):
        self.role = role
        self.entry = entry
        self.username = entry["username"]
        self.cookies = {}
        self.session = None  # the FastHttpSession that logged in: for unmeasured set-up requests
        self.lock = BoundedSemaphore(1)

    @property
    def logged_in(self):
        return "sessionid" in self.cookies

    @property
    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    @property
    def csrf(self):
        return self.cookies.get("csrftoken", "")


def _quiet_session(host):
    """A client whose requests stay out of the statistics (log-ins and set-up)."""
    return FastHttpSession(base_url=host, request_event=EventHook(), user=None, network_timeout=120.0)


def _form_post(session, url, fields):
    return session.post(
        url,
        data=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
    )


def _cookies(session):
    return {cookie.name: cookie.value for cookie in session.cookiejar}


def _header_values(response, name):
    headers = getattr(response, "headers", None)
    if not headers:
        return []
    if hasattr(headers, "getlist"):
        return headers.getlist(name)
    value = headers.get(name)
    return [] if value is None else value if isinstance(value, list) else [value]


def _location(response):
    values = _header_values(response, "Location")
    return values[0] if values else ""


def _password_login(session, path, entry, password, next_url, who):
    """The login form at `path` as a browser fills it (its CSRF cookie first); LoginFailed unless
    it redirects away from the login page."""
    session.get(path)
    response = _form_post(
        session,
        path,
        {
            "csrfmiddlewaretoken": _cookies(session).get("csrftoken", ""),
            "username": entry["username"],
            "password": password,
            "next": next_url,
        },
    )
    if response.status_code != 302 or "/login/" in _location(response):
        raise LoginFailed(f"{who} {entry['username']}: {path} answered {response.status_code}")


def _login_applicant(session, entry, password):
    _password_login(session, "/accounts/login/", entry, password, "", "applicant")


def _login_staff(session, entry, password):
    _password_login(session, "/admin/login/", entry, password, "/admin/", "staff")
    # The second factor. A code is accepted once per device and 30 s step (django-otp remembers the
    # last step used), so a rerun within the same step takes the next step's code (tolerance 1),
    # and failing that waits for a fresh step; a refused code also throttles for 1, 2, 4... s.
    for attempt in range(4):
        offset = 0
        if attempt == 1:
            gevent.sleep(1.5)  # the throttle after one refused code is 1 s
            offset = 30
        elif attempt > 1:
            gevent.sleep(max(31 - time.time() % 30, 2**attempt))
        response = _form_post(
            session,
            "/admin/2fa/verify/",
            {
                "csrfmiddlewaretoken": _cookies(session).get("csrftoken", ""),
                "token": totp(entry["totp_key_hex"], time.time() + offset),
                "next": "/admin/",
            },
        )
        if response.status_code == 302 and "/2fa/" not in _location(response):
            return
    raise LoginFailed(f"staff {entry['username']}: TOTP refused ({response.status_code})")


class SessionPool:
    """One logged-in session per account, shared by every simulated user acting for it."""

    def __init__(self):
        self.host = os.environ.get("BENCH_HOST", "http://127.0.0.1:8000")
        self.accounts = {}
        # 16 for the scenarios and a few more so the submit scenario has drafts to spare; the soak's
        # applicant users share these sessions (logging 120 accounts in would cost 90 s of CPU).
        self.limits = {"applicant": int(os.environ.get("BENCH_APPLICANT_SESSIONS", "40"))}
        self.counters = {}
        self.payloads = {}
        self.submits = None
        self.submits_exhausted_at = None

    def role_entries(self, role):
        key = {
            "applicant": "applicants",
            "authority": "authority_staff",
            "review_body": "review_body_staff",
        }[role]
        entries = manifest()[key]
        limit = self.limits.get(role)
        return entries[:limit] if limit else entries

    def account(self, role, entry):
        account = self.accounts.get(entry["username"])
        if account is None:
            account = self.accounts[entry["username"]] = Account(role, entry)
        return account

    def login(self, account):
        with account.lock:
            if account.logged_in:
                return account
            session = _quiet_session(self.host)
            session.cookiejar.clear()
            password = manifest()["password"]
            if account.role == "applicant":
                _login_applicant(session, account.entry, password)
            else:
                _login_staff(session, account.entry, password)
            account.session = session
            account.cookies = _cookies(session)
            if not account.logged_in:
                raise LoginFailed(f"{account.username}: no session cookie after logging in")
        return account

    def take(self, role):
        """The next account of the role, round robin (run.py restarts the count per scenario)."""
        entries = self.role_entries(role)
        if not entries:
            raise LoginFailed(f"the manifest has no {role} accounts")
        index = self.counters.get(role, 0)
        self.counters[role] = index + 1
        return self.login(self.account(role, entries[index % len(entries)]))

    def restart_counts(self):
        self.counters = {}

    def login_all(self, roles=("applicant", "authority", "review_body"), concurrency=4):
        """Logs every account the run will use in, before anything is measured."""
        accounts = [self.account(role, entry) for role in roles for entry in self.role_entries(role)]
        pool = gevent.pool.Pool(concurrency)
        jobs = [pool.spawn(self.login, account) for account in accounts]
        gevent.joinall(jobs, raise_error=True)
        return len(accounts)

    # -- set-up requests, not measured --

    def autosave_pages(self, entry):
        """The pages of a draft the autosave scenario posts: the first two (a person types on one
        page at a time; two keep the set-up short)."""
        return (entry.get("draft_pages") or [1])[:AUTOSAVE_PAGES]

    def prefetch_payloads(self, concurrency=4):
        """Reads the autosave pages of every logged-in applicant's draft before anything is measured."""
        jobs = []
        pool = gevent.pool.Pool(concurrency)
        for entry in self.role_entries("applicant"):
            account = self.login(self.account("applicant", entry))
            for number in self.autosave_pages(entry):
                jobs.append(pool.spawn(self.autosave_payload, account, entry["draft"], number))
        gevent.joinall(jobs, raise_error=True)
        return sum(1 for job in jobs if job.value)

    def autosave_payload(self, account, draft, number):
        """The values the form page shows, as application_form.js posts them to the autosave URL."""
        key = (draft, number)
        if key not in self.payloads:
            response = account.session.get(f"/applications/{draft}/pages/{number}/", allow_redirects=False)
            if response.status_code != 200:
                self.payloads[key] = None
            else:
                parser = FormValues()
                parser.feed(response.text or "")
                self.payloads[key] = parser.values
        return self.payloads[key]

    def next_submit(self):
        """(account, draft uuid): every `submittable` draft of the logged-in applicants, once,
        interleaved across organisations as real submissions are."""
        if self.submits is None:
            columns = [
                [(entry, uuid) for uuid in entry.get("submittable", [])] for entry in self.role_entries("applicant")
            ]
            self.submits = deque(pair for row in itertools.zip_longest(*columns) for pair in row if pair)
        if not self.submits:
            if self.submits_exhausted_at is None:
                self.submits_exhausted_at = time.monotonic()
            return None
        entry, uuid = self.submits.popleft()
        return self.login(self.account("applicant", entry)), uuid


POOL = SessionPool()


class FormValues(HTMLParser):
    """The successful controls of the application form (id="application-form") as a browser's
    FormData has them: files, buttons and the CSRF field left out, as application_form.js does."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = []
        self.in_form = False
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "application-form":
            self.in_form = True
            return
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values.append((name, attrs.get("value", "on")))
                return
            self.values.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = {"name": name, "first": None, "chosen": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea is not None:
            self.values.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                chosen = [self.select["first"]]
            self.values.extend((self.select["name"], value) for value in chosen)
            self.select = None


# ----- the simulated users ---------------------------------------------------------------------


# One gunicorn's workers share the users' keep-alive connections unevenly (16 connections were
# split 11/5 and 14/2 between 2 workers in bench/cluster.py's runs), so one core served most of a
# scenario and runs differed by 2x. A new connection per request lets the idle worker take it, as
# nginx's per-request balancing does in production (docs/benchmarks.md). BENCH_KEEP_ALIVE=1 turns it off.
NEW_CONNECTION_PER_REQUEST = os.environ.get("BENCH_KEEP_ALIVE", "") != "1"


class BenchUser(FastHttpUser):
    abstract = True
    host = os.environ.get("BENCH_HOST", "http://127.0.0.1:8000")
    wait_time = constant(0)  # closed loop: each user sends its next request as soon as it has an answer
    network_timeout = 120.0
    connection_timeout = 30.0
    role = "anonymous"

    def on_start(self):
        # Cookies come from the pool's sessions only; an anonymous visitor has none.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.account = POOL.take(self.role) if self.role != "anonymous" else None

    def call(self, method, url, name, *, account=None, data=None, redirect_to=None, sets_cookie=None, headers=None):
        account = account or self.account
        headers = dict(headers or {})
        if NEW_CONNECTION_PER_REQUEST:
            headers["Connection"] = "close"
        body = None
        if account is not None:
            headers["Cookie"] = account.cookie_header
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = account.csrf if account else ""
        with self.client.request(
            method, url, name=name, data=body, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            status = response.status_code or 0
            location = _location(response)
            if not status:
                response.failure(f"no response: {getattr(response, 'error', '')}")
            elif status >= 400:
                response.failure(f"HTTP {status}")
            elif 300 <= status < 400:
                path = urlsplit(location).path
                if path.startswith(LOGIN_PATHS):
                    response.failure(f"redirected to {path}")
                elif redirect_to is None or not path.startswith(redirect_to):
                    response.failure(f"unexpected redirect to {path}")
                elif sets_cookie and not any(
                    v.startswith(f"{sets_cookie}=") for v in _header_values(response, "Set-Cookie")
                ):
                    response.failure(f"redirect without the {sets_cookie} cookie")
                else:
                    response.success()
            elif redirect_to is not None:
                response.failure(f"HTTP {status} instead of a redirect")
            else:
                response.success()
            return response


class AnonymousBench(BenchUser):
    abstract = True

    def trivial(self):
        self.call("GET", "/bench/trivial/", "trivial")

    def catalogue(self):
        self.call("GET", manifest()["catalogue_url"], "catalogue")

    def item(self):
        # S311: load-test traffic mix, not secrets.
        self.call("GET", random.choice(manifest()["item_urls"]), "item")  # noqa: S311


class ApplicantBench(BenchUser):
    abstract = True
    role = "applicant"

    def on_start(self):
        super().on_start()
        self.pages = itertools.cycle(self.account.entry.get("draft_pages") or [1])
        self.save_pages = None

    def next_save_page(self):
        """The draft's pages in turn, those whose form could be read (fetched once, unmeasured)."""
        if self.save_pages is None:
            entry = self.account.entry
            readable = [n for n in POOL.autosave_pages(entry) if POOL.autosave_payload(self.account, entry["draft"], n)]
            self.save_pages = itertools.cycle(readable or [None])
        return next(self.save_pages)

    def trivial_logged_in(self):
        self.call("GET", "/bench/trivial/", "trivial_logged_in")

    def applicant_list(self):
        self.call("GET", "/applications/", "applicant_list")

    def form_page(self):
        self.call("GET", f"/applications/{self.account.entry['draft']}/pages/{next(self.pages)}/", "form_page")

    def autosave(self):
        draft, number = self.account.entry["draft"], self.next_save_page()
        values = POOL.autosave_payload(self.account, draft, number) if number else None
        if values is None:
            # No page of the draft could be read: report it rather than post nothing.
            self.environment.events.request.fire(
                request_type="POST",
                name="autosave",
                response_time=0,
                response_length=0,
                exception=RuntimeError("no form page of the draft answered 200"),
                context={},
            )
            gevent.sleep(0.5)
            return
        self.call(
            "POST",
            f"/applications/{draft}/pages/{number}/autosave/",
            "autosave",
            data=[("csrfmiddlewaretoken", self.account.csrf), *values],
            headers={"X-Requested-With": "XMLHttpRequest"},
        )

    def submit(self):
        taken = POOL.next_submit()
        if taken is None:  # every submittable draft is used: idle (run.py reports when it ran out)
            gevent.sleep(0.5)
            return
        account, uuid = taken
        # 提交 on the check page; success is the redirect to the submitted application's detail.
        self.call(
            "POST",
            f"/applications/{uuid}/check/",
            "submit",
            account=account,
            data={"csrfmiddlewaretoken": account.csrf},
            redirect_to=f"/applications/{uuid}/",
            # A draft already submitted (a rerun on old data) redirects to the same page without
            # submitting; only a real submit sets the 提交成功 message (cookie message storage).
            sets_cookie="messages",
        )

    def applicant_detail(self):
        self.call("GET", f"/applications/{self.account.entry['detail']}/", "applicant_detail")

    def acceptance_pdf(self):
        self.call("GET", f"/applications/documents/{self.account.entry['acceptance_decision']}/", "acceptance_pdf")

    def application_pdf(self):
        self.call("GET", f"/applications/{self.account.entry['print']}/print/", "application_pdf")


class StaffBench(BenchUser):
    abstract = True
    filters = AUTHORITY_QUEUE_FILTERS

    def on_start(self):
        super().on_start()
        # S311: load-test traffic mix, not secrets.
        start = random.randrange(len(self.filters))  # noqa: S311
        self.queue_filters = itertools.cycle(self.filters[start:] + self.filters[:start])

    def authority_queue(self):
        self.call("GET", f"/admin/licensing/{next(self.queue_filters)}", "authority_queue")

    def review_body_queue(self):
        self.call("GET", f"/admin/licensing/{next(self.queue_filters)}", "review_body_queue")

    def staff_detail(self):
        entry = self.account.entry
        pk = entry.get("detail_pk")
        if pk is None:
            raise LoginFailed(f"no admin pk for {entry['detail']}: run bench/run.py (it resolves them)")
        self.call("GET", f"/admin/licensing/{pk}/", "staff_detail")


class AuthorityBench(StaffBench):
    abstract = True
    role = "authority"


class ReviewBodyBench(StaffBench):
    abstract = True
    role = "review_body"
    filters = REVIEW_BODY_QUEUE_FILTERS


# One user class per measured scenario (bench/scenarios.py), each doing only that request.
_ROLE_BASES = {"anonymous": AnonymousBench, "applicant": ApplicantBench, "authority": AuthorityBench}


def scenario_user(scenario):
    base = _ROLE_BASES[scenario.role]
    task = getattr(base, scenario.key)
    return type(f"Scenario_{scenario.key}", (base,), {"tasks": [task], "abstract": False})


# ----- the soak: every role at once, with think time ------------------------------------------

SOAK_WAIT = between(1, 4)  # seconds a person reads a page before the next click


class MixedAnonymous(AnonymousBench):
    weight = 4
    wait_time = SOAK_WAIT
    tasks = {AnonymousBench.catalogue: 2, AnonymousBench.item: 3}


class MixedApplicant(ApplicantBench):
    weight = 10
    wait_time = SOAK_WAIT
    tasks = {
        ApplicantBench.applicant_list: 3,
        ApplicantBench.form_page: 4,
        ApplicantBench.autosave: 6,
        ApplicantBench.applicant_detail: 2,
        ApplicantBench.acceptance_pdf: 1,
        ApplicantBench.application_pdf: 1,
        ApplicantBench.submit: 1,
    }


class MixedAuthority(AuthorityBench):
    weight = 4
    wait_time = SOAK_WAIT
    tasks = {StaffBench.authority_queue: 3, StaffBench.staff_detail: 2}


class MixedReviewBody(ReviewBodyBench):
    weight = 2
    wait_time = SOAK_WAIT
    tasks = {StaffBench.review_body_queue: 2, StaffBench.staff_detail: 2}


SOAK_USERS = [MixedAnonymous, MixedApplicant, MixedAuthority, MixedReviewBody]
