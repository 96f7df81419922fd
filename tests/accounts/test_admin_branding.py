"""The bureau's branding in the Wagtail admin (templates/wagtailadmin/): the portal's name and
emblem on the login page, the dashboard and the sidebar, the name in every admin <title>, the
emblem as favicon; nowhere Wagtail's name or its bird."""

import json

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from tests.support.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NAME = "特种设备行政许可申报系统"
EMBLEM = "/static/images/emblem.svg"


def visible_text(html):
    """What a browser shows with scripts on: the text outside <script>/<style>, the sidebar's
    <template> included (the sidebar draws its logo from it). <noscript> is left out: Wagtail's
    skeleton says there that JavaScript is required "to use Wagtail", outside any block a template
    may override; it shows only when scripts are off, and the admin does not work then anyway."""
    tree = lxml.html.fromstring(html)
    for element in tree.xpath("//script | //style | //noscript"):
        element.drop_tree()
    for template in tree.xpath("//template"):
        # lxml keeps a <template>'s children as ordinary elements: their text is already there.
        template.drop_tag()
    return " ".join(tree.text_content().split())


def sidebar_strings(tree):
    """The texts the sidebar shows from its JSON props: menu labels and submenu footers."""
    shown = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("label", "footer_text") and isinstance(item, str):
                    shown.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(json.loads(tree.xpath("//script[@id='wagtail-sidebar-props']")[0].text))
    return [text for text in shown if text]


def title(html):
    return lxml.html.fromstring(html).findtext(".//title").strip()


def favicon(html):
    return lxml.html.fromstring(html).xpath("//link[@rel='icon']/@href")


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(username="bjstaff01", is_staff=True, is_superuser=True))  # OTP-verified by conftest
    return client


def test_the_login_page_shows_the_portals_name_and_emblem():
    html = Client().get(reverse("wagtailadmin_login")).content.decode()
    heading = lxml.html.fromstring(html).xpath("//h1")[0]
    assert NAME in heading.text_content() and "管理后台登录" in heading.text_content()
    assert heading.xpath(".//img/@src") == [EMBLEM]
    assert title(html).endswith(f" - {NAME}")
    assert favicon(html) == [EMBLEM]
    assert "Wagtail" not in visible_text(html) and "Wagtail" not in title(html)
    assert "login-logo" not in html  # the wordmark under the form


def test_the_dashboard_and_its_sidebar_show_the_portals_name_and_emblem(staff_client):
    html = staff_client.get(reverse("wagtailadmin_home")).content.decode()
    tree = lxml.html.fromstring(html)
    assert NAME in tree.xpath("//h1")[0].text_content()
    # The sidebar draws its logo from this template (Wagtail's branding_logo block).
    logo = tree.xpath("//template[@data-wagtail-sidebar-branding-logo]")[0]
    logo_html = lxml.html.tostring(logo, encoding="unicode")
    assert EMBLEM in logo_html and NAME in logo_html and "管理后台" in logo_html
    assert title(html).endswith(f" - {NAME}")
    assert favicon(html) == [EMBLEM]
    assert "Wagtail" not in visible_text(html) and "Wagtail" not in title(html)
    # The menus the sidebar draws from JSON: 设置 without "Wagtail v8.0.1" at its foot, 帮助 without
    # Wagtail's English editor guide and release notes.
    shown = sidebar_strings(tree)
    assert "设置" in shown and "快捷键" in shown
    assert not [text for text in shown if "Wagtail" in text]


@pytest.mark.parametrize("url_name", ["wagtailusers_users:index", "wagtailadmin_explore_root"])
def test_every_admin_page_carries_the_name_and_emblem(staff_client, url_name):
    html = staff_client.get(reverse(url_name)).content.decode()
    assert title(html).endswith(f" - {NAME}") and favicon(html) == [EMBLEM]
    assert EMBLEM in lxml.html.tostring(
        lxml.html.fromstring(html).xpath("//template[@data-wagtail-sidebar-branding-logo]")[0], encoding="unicode"
    )


def test_the_second_factor_pages_carry_the_name(client):
    # A staff session before its TOTP code (accounts/two_factor/): a real password login, which
    # conftest's force_login would have verified.
    UserFactory(username="bjstaff02", is_staff=True)
    response = client.post(
        reverse("wagtailadmin_login"), {"username": "bjstaff02", "password": DEFAULT_PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert "两步验证" in html
    assert title(html).endswith(f" - {NAME}") and favicon(html) == [EMBLEM]
    assert lxml.html.fromstring(html).xpath("//h1//img/@src") == [EMBLEM]


def test_the_emblem_is_our_own_svg():
    from django.contrib.staticfiles import finders

    svg = open(finders.find("images/emblem.svg"), encoding="utf-8").read()
    assert svg.startswith("<svg") and "特" in svg and "<script" not in svg
