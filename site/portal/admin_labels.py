"""Labels Wagtail leaves to Django's defaults: a form field or a table column declared without a label
is named after its attribute, in English and outside every catalogue ("Page" on 工作流 and a group's
页面权限, "Port", "Site name", "Root page" on 站点). Set once at start-up (portal.apps), from the
model's verbose names where it has them; tests/test_no_english_in_chinese_pages.py finds any other."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def label_wagtails_unlabelled_fields():
    from wagtail.admin.forms.workflows import WorkflowPageForm
    from wagtail.models import Site
    from wagtail.sites.views import IndexView as SiteIndexView
    from wagtail.users.forms import PagePermissionsForm

    for form in (WorkflowPageForm, PagePermissionsForm):
        form.base_fields["page"].label = _("页面")
    for column in SiteIndexView.columns:
        if column.name in ("port", "site_name", "root_page"):
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)
