from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("accounts.urls")),
    path("applications/", include("workflows.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
