"""The public page cache (core.page_cache): anonymous visitors share the catalogue and item
pages, logged-in users and other languages never see someone else's copy, and a publish shows
at once."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.support.builders import make_catalogue
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on():
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=300):
        yield
    cache.clear()


@pytest.fixture
def catalogue():
    return make_catalogue()


def test_the_second_anonymous_visit_is_served_from_the_cache_without_queries(
    client, catalogue, django_assert_num_queries
):
    url = catalogue["catalogue"].url
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "压力容器制造" in second.content.decode()
    # The headers the outer middlewares add are there on a hit too.
    assert "script-src 'self'" in second["Content-Security-Policy"]
    assert second["Content-Type"].startswith("text/html")


def test_publishing_an_item_shows_on_the_next_visit(client, catalogue):
    url = catalogue["catalogue"].url
    client.get(url)
    boiler = catalogue["boiler"]
    boiler.title = boiler.item_name = "锅炉安装（改造）"
    boiler.save_revision().publish()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "锅炉安装（改造）" in response.content.decode()


def test_unpublishing_and_deleting_an_item_show_at_once(client, catalogue):
    item_url, list_url = catalogue["boiler"].url, catalogue["catalogue"].url
    client.get(item_url), client.get(list_url)
    catalogue["boiler"].unpublish()
    assert client.get(item_url).status_code == 404
    assert "锅炉安装" not in client.get(list_url).content.decode()
    client.get(list_url)
    catalogue["vessel"].delete()
    assert "压力容器制造" not in client.get(list_url).content.decode()


def test_a_logged_in_user_gets_the_live_page_and_never_stores_one(client, catalogue):
    url = catalogue["catalogue"].url
    user = UserFactory(real_name="张三")
    client.force_login(user)
    response = client.get(url)
    assert not response.has_header("X-Page-Cache")
    assert "张三" in response.content.decode()
    client.logout()
    client.cookies.clear()
    anonymous = client.get(url)
    assert anonymous["X-Page-Cache"] == "miss" and "张三" not in anonymous.content.decode()


def test_languages_are_cached_apart(client, catalogue):
    url = catalogue["catalogue"].url
    chinese = client.get(url).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = client.get(url)
    assert english["X-Page-Cache"] == "miss"
    assert 'lang="en"' in english.content.decode() and 'lang="zh-hans"' in chinese


def test_the_language_switch_works_without_a_csrf_token_and_public_pages_carry_none(catalogue):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    html = client.get(catalogue["catalogue"].url).content.decode()
    assert "csrfmiddlewaretoken" not in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and client.cookies["django_language"].value == "en"


def test_a_query_string_is_part_of_the_key_and_a_post_is_never_cached(client, catalogue):
    url = catalogue["catalogue"].url
    client.get(url)
    assert client.get(url + "?page=2")["X-Page-Cache"] == "miss"
    assert not client.post(url).has_header("X-Page-Cache")


def test_pages_outside_the_cms_are_never_cached(client, catalogue):
    response = client.get("/accounts/login/")
    assert response.status_code == 200 and not response.has_header("X-Page-Cache")
    assert not client.get("/accounts/login/").has_header("X-Page-Cache")


def test_clear_page_cache_command_makes_every_page_a_miss(client, catalogue):
    from django.core.management import call_command

    url = catalogue["catalogue"].url
    client.get(url)
    call_command("clear_page_cache", stdout=open("/dev/null", "w"))
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_cache_hit_carries_the_same_headers_as_the_miss(client, catalogue):
    """Outside review finding 7 (docs/security.md): a hit once lacked X-Frame-Options (the clickjacking
    middleware ran below the cache). Every header but the cache's own marker is the same."""
    url = catalogue["catalogue"].url
    first = client.get(url)
    second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second["X-Frame-Options"] == "DENY"

    def headers(response):
        found = {name: value for name, value in response.items() if name not in ("X-Page-Cache", "Content-Length")}
        found["Vary"] = sorted(part.strip() for part in found.get("Vary", "").split(","))  # order carries no meaning
        return found

    assert headers(second) == headers(first)
