"""Stand-ins for the outside world on 127.0.0.1, shared by the tests that talk to it: an SMS
provider's HTTP API (tests/accounts/test_sms_providers.py, the production proof) and an SMTP server
(the real-worker tests), each recording what it received; and a real Celery worker process."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port_url():
    """An address where nothing listens: a connection is refused."""
    return f"http://127.0.0.1:{free_port()}"


class ProviderServer:
    """An HTTP server in a thread: `requests` holds what arrived, `reply` sets the next answers.
    With `log_path`, each request is also appended to that file as a JSON line, for a process of
    its own to read (the production proof reads the registration code the provider was asked to text)."""

    def __init__(self, log_path=None):
        self.requests = []
        self.status, self.body, self.content_type, self.delay = 200, b"{}", "application/json", 0
        self.log_path = log_path
        self.lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.record(
                    {"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
                )
                time.sleep(recorder.delay)
                try:
                    self.send_response(recorder.status)
                    self.send_header("Content-Type", recorder.content_type)
                    self.send_header("Content-Length", str(len(recorder.body)))
                    self.end_headers()
                    self.wfile.write(recorder.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the backend gave up waiting (the timeout tests)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def record(self, request):
        with self.lock:
            self.requests.append(request)
            if self.log_path:
                line = {**request, "body": request["body"].decode("utf-8", "replace")}
                with open(self.log_path, "a", encoding="utf-8") as log:
                    log.write(json.dumps(line, ensure_ascii=False) + "\n")

    def reply(self, payload, status=200, content_type="application/json"):
        self.body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.status, self.content_type = status, content_type

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def last(self):
        assert self.requests, "the backend sent nothing"
        return self.requests[-1]

    def raw(self):
        """Everything the server received, as one string (to look for what must not be there)."""
        return "\n".join(r["path"] + repr(r["headers"]) + r["body"].decode("utf-8", "replace") for r in self.requests)


class MailServer:
    """aiosmtpd on a fixed port, started and stopped at will; keeps every message received.
    While stopped nothing listens on the port, so a connection is refused."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.received = []
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):
                server.received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address):
        return [content for recipients, content in self.received if address in recipients]


@contextlib.contextmanager
def celery_worker(env, queue, cwd):
    """`celery -A portal worker` in a process of its own with `env` (its settings, database and
    broker), reading only `queue`; stopped on leaving. Its log is printed then, which pytest shows
    when the test failed."""
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo", "-l", "info"]
    command += ["-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat"]
    # S603: a Celery worker of this interpreter, arguments from the fixture.
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        print(Path(log.name).read_text()[-4000:])
        os.unlink(log.name)


def wait_for(condition, what, worker, seconds=60):
    """Poll `condition` until it holds; fail after `seconds` or as soon as the worker has died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for: {what}")


REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def redis_is_up():
    """Whether a Redis answers where the tests that need a real broker look for one."""
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False
