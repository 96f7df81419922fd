from django.conf import settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.admin_login import AdminLoginView, AdminLogoutView
from portal.sessions import keepalive
from workflows.views.my_services import MyServicesView
from workflows.views.verify import verify_document, verify_license

urlpatterns = [
    # No CSRF token: the worst a forged switch does is change the visitor's UI language, and a
    # token in the header would make every public page unique to its visitor (core.page_cache).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Before the admin's own URLs: the staff second factor (TOTP) pages.
    path("admin/2fa/", include("accounts.two_factor.urls")),
    # Before the admin's own URLs too, under Wagtail's names: its login with the per-IP failure
    # limit, its logout by POST only (accounts/admin_login.py).
    path("admin/login/", AdminLoginView.as_view(), name="wagtailadmin_login"),
    path("admin/logout/", AdminLogoutView.as_view(), name="wagtailadmin_logout"),
    path("admin/", include(wagtailadmin_urls)),
    # 我的办事 → 接口令牌 (api/portal_views.py), and the JSON API itself (JSON answers only, also for 404).
    path("accounts/api-token/", include("api.portal_urls")),
    # 我的办事 links into the catalogue and the applications, so its view is workflows' (accounts sits
    # below both); the session keep-alive is the project's. Both keep their /accounts/ addresses.
    path("accounts/my/", MyServicesView.as_view(), name="my_services"),
    path("accounts/session/keepalive/", keepalive, name="session_keepalive"),
    path("accounts/", include("accounts.urls")),
    path("api/", include("api.urls")),
    path("applications/", include("workflows.urls")),
    # Wagtail's document links (wagtaildocs_serve): without them the admin's 文档 screens, chooser
    # and API raise NoReverseMatch (a 500); found by tests/security/test_access_matrix.py.
    path("documents/", include(wagtaildocs_urls)),
    # 许可证查询: public, anonymous; the URL every licence's QR code carries (workflows.verification).
    path("verify/", verify_license, name="verify_license"),
    path("verify/document/", verify_document, name="verify_document"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# A body over the upload limits gets a page saying what to do (portal/errors.py), not a bare 400.
handler400 = "portal.errors.bad_request"
