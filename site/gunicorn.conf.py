"""gunicorn settings: `gunicorn -c site/gunicorn.conf.py portal.wsgi` from the repository root."""

import multiprocessing
import os

pythonpath = "site"  # the Django project package lives in site/portal (the stdlib owns `site`)
wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
max_requests = 2000
max_requests_jitter = 200
timeout = 30
accesslog = "-"
# No query strings in the access log: they may carry phone numbers or ID numbers.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'


def _drop_server_header():
    """No `Server: gunicorn` banner (outside review, docs/security.md): it names the software to anyone
    probing an app server directly. gunicorn has no setting for it, so its Response leaves that
    one line out; the workers fork from the master that reads this file. Behind nginx the client
    sees nginx's own header, which `server_tokens off;` strips of its version (docs/operations.md)."""
    from gunicorn.http import wsgi

    default_headers = wsgi.Response.default_headers
    if getattr(default_headers, "drops_server", False):
        return

    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    headers.drops_server = True
    wsgi.Response.default_headers = headers


_drop_server_header()
