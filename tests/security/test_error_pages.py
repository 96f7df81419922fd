"""Error pages in Chinese, with the portal's header and the way back (我的办事, 首页, 登录): 400, 403,
404, 500 and the CSRF failure, in the portal and under /admin/, with DEBUG off as in production;
and in development (DEBUG on) a refused URL gets the same 404 page, never Django's technical page
with the site's URL patterns (portal/errors.py DevelopmentNotFoundMiddleware)."""

import importlib

import lxml.html
import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views import defaults

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

NAME = "特种设备行政许可申报系统"
WAY_BACK = {"我的办事": "/accounts/my/", "首页": "/", "登录": "/accounts/login/"}
ERROR_URLS = "tests.support.error_urls"
# What Django's and Wagtail's own English pages say.
ENGLISH = ("Not Found", "Page not found", "Server Error", "Bad Request", "Forbidden", "Error 404", "Wagtail")


def page(response):
    return lxml.html.fromstring(response.content.decode())


def assert_error_page(response, status, heading):
    assert response.status_code == status
    tree = page(response)
    assert tree.xpath("//h1")[0].text_content().strip() == heading
    assert tree.findtext(".//title").strip().endswith(f" - {NAME}")
    # The portal's header, and every way back.
    assert NAME in tree.xpath("//header[@class='site-header']")[0].text_content()
    links = {a.text_content().strip(): a.get("href") for a in tree.xpath("//nav[@class='error-way-back']//a")}
    assert {label: links.get(label) for label in WAY_BACK} == WAY_BACK
    assert f"错误代码 {status}" in tree.text_content()
    text = tree.text_content()
    assert not [word for word in ENGLISH if word in text]
    return tree


@pytest.fixture
def anonymous():
    client = Client()
    client.raise_request_exception = False
    return client


def test_the_way_back_points_where_the_url_names_do():
    # _way_back.html writes the addresses out (the 500 page renders without the URLconf).
    assert [reverse("my_services"), reverse("accounts:login"), reverse("wagtailadmin_home")] == [
        WAY_BACK["我的办事"],
        WAY_BACK["登录"],
        "/admin/",
    ]


@override_settings(DEBUG=False)
def test_404_in_the_portal(anonymous):
    # Wagtail's page tree refuses the first, no URL pattern takes the second.
    for url in ("/no-such-page/", "/no-such-file.html"):
        assert_error_page(anonymous.get(url), 404, "找不到您要访问的页面")


@override_settings(DEBUG=False)
def test_404_for_a_logged_in_applicant_keeps_the_portals_menu(client):
    client.force_login(UserFactory(username="qiye0001"))
    tree = assert_error_page(client.get("/no-such-page/"), 404, "找不到您要访问的页面")
    assert "退出" in tree.xpath("//header")[0].text_content()


@override_settings(DEBUG=False)
def test_404_under_admin_is_the_admins_chinese_page(client):
    client.force_login(UserFactory(username="staff001", is_staff=True, is_superuser=True))
    response = client.get("/admin/no-such-screen/")
    assert response.status_code == 404
    tree = page(response)
    assert tree.xpath("//h1")[0].text_content().strip() == "找不到您要访问的页面"
    assert tree.findtext(".//title").strip() == f"页面不存在 - {NAME}"
    links = {a.text_content().strip(): a.get("href") for a in tree.xpath("//nav[contains(@class, 'way-back')]//a")}
    assert links == {"管理后台": "/admin/", "首页": "/", "登录": "/admin/login/"}
    assert tree.xpath("//img/@src") == ["/static/images/emblem.svg"]
    assert not [word for word in ENGLISH if word in tree.text_content()]


@override_settings(DEBUG=False, ROOT_URLCONF=ERROR_URLS)
def test_403_in_the_portal(anonymous):
    tree = assert_error_page(anonymous.get("/error-test/refused/"), 403, "您没有权限访问此页面")
    assert "请先登录后再访问" in tree.text_content()


@override_settings(DEBUG=False, ROOT_URLCONF=ERROR_URLS)
def test_403_under_admin_offers_the_admin_as_well(client):
    # Wagtail's own views turn a refusal into a redirect with a message; a view of ours under
    # /admin/ outside Wagtail's (the second factor's) gets the 403 page.
    client.force_login(UserFactory(username="staff001", organisation=None, is_staff=True, is_superuser=True))
    tree = assert_error_page(client.get("/admin/error-test/refused/"), 403, "您没有权限访问此页面")
    links = {a.text_content().strip(): a.get("href") for a in tree.xpath("//nav[@class='error-way-back']//a")}
    assert links["管理后台"] == "/admin/"
    assert "请确认您使用的是正确的账号" in tree.text_content()


@override_settings(DEBUG=False)
def test_400(anonymous):
    # A request Django refuses before any view (SuspiciousOperation): a Host header it rejects.
    with override_settings(ALLOWED_HOSTS=["portal.example"]):
        response = anonymous.get("/", HTTP_HOST="attacker.example")
    assert_error_page(response, 400, "无法处理此请求")


@override_settings(DEBUG=False, ROOT_URLCONF=ERROR_URLS)
def test_500_in_the_portal_and_the_admin(anonymous):
    for url in ("/error-test/crash/", "/admin/error-test/crash/"):
        tree = assert_error_page(anonymous.get(url), 500, "系统暂时出现问题")
        assert "已保存的填写内容不会丢失" in tree.text_content()


@override_settings(DEBUG=False, ROOT_URLCONF="tests.support.no_such_urlconf")
def test_the_500_page_needs_no_request_context_database_or_urlconf(django_assert_num_queries):
    # Django's server_error renders 500.html with no context at all; here the URLconf cannot even
    # be imported, and no query may run (the database may be what failed).
    with django_assert_num_queries(0):
        response = defaults.server_error(RequestFactory().get("/"))
    assert_error_page(response, 500, "系统暂时出现问题")


@override_settings(DEBUG=False)
def test_csrf_failure_in_the_portal_and_the_admin():
    client = Client(enforce_csrf_checks=True)
    for url in (reverse("accounts:login"), reverse("wagtailadmin_login")):
        response = client.post(url, {"username": "qiye0001", "password": "x"})
        tree = assert_error_page(response, 403, "页面已过期，本次提交未被接受")
        assert "刷新后重新填写并提交" in tree.text_content()


# --- development: DEBUG on -------------------------------------------------------------------------


def dev_middleware():
    return importlib.import_module("portal.settings.dev").MIDDLEWARE


def test_dev_settings_put_the_404_middleware_just_before_axes():
    middleware = dev_middleware()
    assert middleware[-2:] == ["portal.errors.DevelopmentNotFoundMiddleware", "axes.middleware.AxesMiddleware"]


# A page Wagtail's tree refuses (Http404 in a view), a path no URL pattern takes (Resolver404).
@pytest.mark.parametrize("url", ["/no-such-page/", "/no-such-file.html"])
def test_in_development_a_refused_url_shows_the_chinese_page_not_the_url_list(anonymous, url):
    with override_settings(DEBUG=True, MIDDLEWARE=dev_middleware()):
        response = anonymous.get(url)
    assert_error_page(response, 404, "找不到您要访问的页面")
    text = response.content.decode()
    assert "URLconf" not in text and "applications/" not in text and "DEBUG = True" not in text
    # The outer middleware still added their headers to the replaced page (django-csp leaves out
    # its header on a 404 with DEBUG on, for Django's own pages).
    assert "Permissions-Policy" in response.headers and "X-Content-Type-Options" in response.headers


def test_a_developer_can_have_djangos_technical_404_back(anonymous):
    with override_settings(DEBUG=True, DEBUG_TECHNICAL_404=True, MIDDLEWARE=dev_middleware()):
        response = anonymous.get("/no-such-file.html")
    assert response.status_code == 404 and "URLconf" in response.content.decode()


def test_in_development_the_apis_json_404_stays_json(anonymous):
    with override_settings(DEBUG=True, MIDDLEWARE=dev_middleware()):
        response = anonymous.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
