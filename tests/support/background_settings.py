"""Settings of the real Celery worker that tests/test_background_jobs.py starts: the test settings
with tasks NOT eager, the broker, queue and SMTP server the test names in the environment, and
retries a second apart instead of minutes. Never used by pytest's own process."""

import os

from portal.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_QUEUE"]
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["EMAIL_PORT"])
EMAIL_TIMEOUT = 5
OUTBOX_RETRY_DELAYS = [1] * 10
