import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_chinese_even_when_the_browser_asks_for_english(client):
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html


def test_language_switch_sets_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    assert '<html lang="zh-hans">' in client.get(reverse("accounts:login")).content.decode()
