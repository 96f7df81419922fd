"""The Celery app (background jobs: the outbox's deliveries and the daily jobs).

Configured from Django's settings under the CELERY_ namespace (settings/base.py: broker, beat
schedule; dev.py and test.py run tasks eagerly in-process, so `make run` needs no broker). Tasks
live in each app's tasks.py (accounts/tasks.py, workflows/tasks.py). Run with
`celery -A portal worker` and exactly one `celery -A portal beat` (docs/operations.md).
"""

import os

from celery import Celery

# Like wsgi.py: a worker is a deployment; dev needs none (tasks run eagerly there).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
