"""我的办事: the applicant's home after login.

It lives in workflows, not accounts, because it links into the catalogue (cms) and the applicant's
applications: accounts sits below both in the layers (docs/architecture.md).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from cms.models import LicenseCatalogPage


@method_decorator(login_required, name="dispatch")
class MyServicesView(TemplateView):
    """我的办事: the applicant's home after login, with the two service entries of the guide."""

    template_name = "workflows/my_services.html"

    def dispatch(self, request, *args, **kwargs):
        # Staff have no applications of their own: their work is in the admin.
        if request.user.is_staff:
            return redirect("wagtailadmin_home")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # 在线办理 opens the catalogue, whose 直接办理 starts an application (guide 1.5, steps 1-2).
        catalogue = LicenseCatalogPage.objects.live().first()
        return super().get_context_data(catalogue_url=catalogue.url if catalogue else None, **kwargs)
