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
