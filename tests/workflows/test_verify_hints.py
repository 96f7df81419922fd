"""许可证查询's hints show a licence number in the shape this system issues (TS + 9 digits + "-" +
the year of expiry), so a visitor comparing the hint with the certificate is not misled."""

import datetime
import re

import pytest
from django.db import transaction
from django.urls import reverse

from tests.support.builders import ApplicationFactory, UserFactory, make_catalogue
from workflows import numbering, verification

pytestmark = pytest.mark.django_db

EXAMPLE = verification.EXAMPLE_LICENSE_NUMBER


def test_the_example_is_what_the_system_issues_for_its_parts():
    # A manufacture licence of the Beijing bureau, its first of 2026, valid until 2030.
    catalogue = make_catalogue()
    application = ApplicationFactory(user=UserFactory(), levels=[catalogue["D"]])
    assert application.authority == catalogue["beijing"]
    with transaction.atomic():
        issued = numbering.license_number(application, datetime.date(2026, 3, 2), datetime.date(2030, 3, 1))
    assert issued == EXAMPLE
    verification.validate_license_number(EXAMPLE)


def test_the_verify_page_hints_at_the_number_in_that_shape(client):
    html = client.get(reverse("verify_license")).content.decode()
    number_input = re.search(r'<input[^>]*name="number"[^>]*>', html).group(0)
    assert f'placeholder="{EXAMPLE}"' in number_input
    assert f"如 {EXAMPLE}：TS 开头，“-”后为有效期截止年份" in html
    # No hint anywhere on the page in another shape.
    assert set(re.findall(r"TS\d+-\d{4}", html)) == {EXAMPLE}


def test_a_malformed_number_is_answered_with_the_same_example(client):
    html = client.get(reverse("verify_license"), {"number": "TS2211"}).content.decode()
    assert f"许可证编号格式不正确：应以 TS 开头，以“-有效期截止年份”结尾，例如 {EXAMPLE}。" in html
