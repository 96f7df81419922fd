"""Conflicting requests at the same moment on a live server (tests/security/test_concurrency.py): a
logged-in browser, two requests fired from threads released together, and the pairs the suite fires
(also the README's figures, tests/security/test_figures.py)."""

import threading

import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.support.field_types import PDF

ROUNDS = 3
CSRF_TOKEN = "c" * 32  # an unmasked secret in both the cookie and the header, as Django accepts


class Browser:
    """A logged-in user's browser on the live server (staff with the second factor passed)."""

    def __init__(self, live_server, user):
        client = Client()
        client.force_login(user)  # tests/conftest.py verifies a staff session too
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.base = live_server.url
        self.headers = {
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={CSRF_TOKEN}",
            "X-CSRFToken": CSRF_TOKEN,
        }

    def post(self, path, data=None, files=None):
        def send():
            return requests.post(
                self.base + path, data=data, files=files, headers=self.headers, allow_redirects=False, timeout=60
            )

        return send


def fire(*sends):
    """Send the requests from threads released at the same moment; their responses in order."""
    barrier = threading.Barrier(len(sends))
    responses = [None] * len(sends)

    def run(index, send):
        barrier.wait(timeout=30)
        try:
            responses[index] = send()
        except requests.RequestException as error:
            responses[index] = error

    threads = [threading.Thread(target=run, args=(i, send)) for i, send in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a request is stuck"
    for response in responses:
        assert isinstance(response, requests.Response), response
        assert response.status_code < 500, (response.status_code, response.text[:2000])
    return responses


def page_url(application):
    return reverse("applications:page", args=[application.uuid, 1])


def submit(browser, application):
    return browser.post(reverse("applications:check", args=[application.uuid]))


def delete(browser, application):
    return browser.post(reverse("applications:delete", args=[application.uuid]))


def autosave(browser, application):
    url = reverse("applications:autosave", args=[application.uuid, 1])
    return browser.post(url, {"f-credit_code": "NOT-A-CODE"})


def page_save(browser, application):
    return browser.post(page_url(application), {"action": "save", "f-credit_code": "NOT-A-CODE"})


def upload(browser, application):
    return browser.post(
        page_url(application),
        {"action": "save", "f-credit_code": application.data["credit_code"]},
        files={"f-site_proof": ("新.pdf", PDF, "application/pdf")},
    )


def remove_file(browser, application):
    ref = application.data["site_proof"][0]["id"]
    return browser.post(page_url(application), {"action": "save", "f-site_proof__remove": ref})


DRAFT_PAIRS = [
    (submit, delete),
    (submit, autosave),
    (submit, page_save),
    (submit, upload),
    (submit, remove_file),
    (delete, upload),
    (delete, autosave),
]


# What tests/security/test_concurrency.py's test_conflicting_actions_after_submission fires, for
# `make security-figures`.
AFTER_SUBMISSION_PAIRS = ("受理 × 受理", "受理 × 补正告知", "撤回 × 补正后重新提交")
