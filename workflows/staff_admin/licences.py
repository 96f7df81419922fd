"""许可证登记 in the Wagtail admin: the read-only register of issued licences (TSG 07-2019 §3.6),
beside 许可申请办理.

Who sees which licences:
- a provincial authority's staff (省级市场监督管理局): the licences their authority issued;
- SAMR's staff (国家市场监督管理总局, the authority of level national): every licence, as the
  regulator of the whole register;
- superusers: every licence (support, audits);
- review bodies, content editors and applicants: no register at all (Wagtail's permission
  redirect; applicants see their own under 我的许可证 in the portal).

Nothing here changes a licence: licences are issued and superseded by workflows.actions.approve.
Filters by status and expiry, search by number, holder name or credit code, CSV/XLSX export.
"""

from collections import OrderedDict

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import OrganisationKind
from accounts.roles import is_authority_staff, sees_every_authority

from .. import licensing
from ..models import License, LicenseStatus
from .queue import RegisterIndexView, TextColumn


def register_queryset(user):
    """The licences the user's authority issued; every licence for SAMR and superusers."""
    if not is_authority_staff(user):
        return License.objects.none()
    queryset = License.objects.all()
    if sees_every_authority(user):
        return queryset
    return queryset.filter(authority_id=user.organisation_id)


class LicensePermissionPolicy(BasePermissionPolicy):
    """Only "view", for authority staff and superusers; nobody adds, edits or deletes here."""

    def user_has_permission(self, user, action):
        return action == "view" and is_authority_staff(user)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and is_authority_staff(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(organisation__kind=OrganisationKind.AUTHORITY))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and register_queryset(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return License.objects.none()
        return register_queryset(user)


register_permission_policy(License, LicensePermissionPolicy(License), exact_class=True)


def status_text(licence):
    return str(licence.status().label)


def items_text(licence):
    return gettext("、").join(
        f"{item.get('item_name', '')} {item.get('level_code', '')}".strip() for item in licence.items
    )


def superseded_by_number(licence):
    return licence.superseded_by.number if licence.superseded_by_id else ""


def renewal_window(licence):
    return f"{licensing.renewal_opens_on(licence):%Y-%m-%d} — {licensing.renewal_deadline(licence):%Y-%m-%d}"


EXPORT_COLUMNS = OrderedDict(
    [
        ("number", (_("许可证编号"), lambda lic: lic.number)),
        ("holder_name", (_("持证单位"), lambda lic: lic.holder_name)),
        ("holder_credit_code", (_("统一社会信用代码"), lambda lic: lic.holder_credit_code)),
        ("holder_address", (_("住所"), lambda lic: lic.holder_address)),
        ("items", (_("许可项目"), items_text)),
        ("authority", (_("发证机关"), lambda lic: lic.authority.name)),
        ("issued_on", (_("发证日期"), lambda lic: lic.issued_on)),
        ("valid_until", (_("有效期至"), lambda lic: lic.valid_until)),
        ("status", (_("状态"), status_text)),
        ("renewal_window", (_("换证申请期限"), renewal_window)),
        ("superseded_by", (_("换发为"), superseded_by_number)),
        ("reference", (_("申请编号"), lambda lic: lic.application.reference)),
        ("kind", (_("申请类型"), lambda lic: lic.application.get_kind_display())),
    ]
)

EXPIRING_CHOICES = [("6", _("6个月内到期")), ("12", _("12个月内到期"))]


class LicenseFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=LicenseStatus.choices, empty_label=_("全部"), method="filter_status"
    )
    expiring = django_filters.ChoiceFilter(
        label=_("即将到期"), choices=EXPIRING_CHOICES, empty_label=_("全部"), method="filter_expiring"
    )
    valid_until = django_filters.DateFromToRangeFilter(label=_("有效期至"), widget=DateRangePickerWidget)
    issued_on = django_filters.DateFromToRangeFilter(label=_("发证日期"), widget=DateRangePickerWidget)

    class Meta:
        model = License
        fields = []

    def filter_status(self, queryset, name, value):
        # The same rule as License.status(), as conditions on the stored columns.
        today = timezone.localdate()
        if value == LicenseStatus.SUPERSEDED:
            return queryset.filter(superseded_by__isnull=False)
        if value == LicenseStatus.EXPIRED:
            return queryset.filter(superseded_by__isnull=True, valid_until__lt=today)
        if value == LicenseStatus.VALID:
            return queryset.filter(superseded_by__isnull=True, valid_until__gte=today)
        return queryset

    def filter_expiring(self, queryset, name, value):
        today = timezone.localdate()
        months = int(value)
        # Valid licences expiring within `months` calendar months (months_before runs forward
        # for a negative count).
        last_day = licensing.months_before(today, -months)
        return queryset.filter(superseded_by__isnull=True, valid_until__gte=today, valid_until__lte=last_day)


class LicenseIndexView(RegisterIndexView):
    export_columns = EXPORT_COLUMNS
    page_title = _("许可证登记")

    def get_base_queryset(self):
        return register_queryset(self.request.user).select_related("authority", "superseded_by", "application")


class LicenseViewSet(ModelViewSet):
    model = License
    name = "licences"
    url_prefix = "licences"
    icon = "doc-full"
    menu_label = _("许可证登记")
    menu_order = 51  # right below 许可申请办理
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = LicenseIndexView
    filterset_class = LicenseFilterSet
    search_backend_name = None  # plain icontains: licences are not in the search index
    search_fields = ["number", "holder_name", "holder_credit_code"]
    ordering = "-issued_on"
    list_per_page = 50
    list_display = [
        TextColumn("number", label=_("许可证编号"), accessor="number", sort_key="number", classname="licence-number"),
        TextColumn("holder_name", label=_("持证单位"), accessor="holder_name", sort_key="holder_name"),
        TextColumn("holder_credit_code", label=_("统一社会信用代码"), accessor="holder_credit_code"),
        TextColumn("items", label=_("许可项目"), accessor=items_text),
        TextColumn("authority", label=_("发证机关"), accessor="authority.name"),
        TextColumn("issued_on", label=_("发证日期"), accessor="issued_on", sort_key="issued_on"),
        TextColumn("valid_until", label=_("有效期至"), accessor="valid_until", sort_key="valid_until"),
        StatusTagColumn(
            "status",
            label=_("状态"),
            accessor=status_text,
            primary=lambda licence: licence.status() == LicenseStatus.VALID,
        ),
        TextColumn("superseded_by", label=_("换发为"), accessor=superseded_by_number),
    ]
    list_export = list(EXPORT_COLUMNS)
    export_headings = {field: label for field, (label, _value) in EXPORT_COLUMNS.items()}
    export_filename = "licences"

    def get_permissions_to_register(self):
        # Who sees the register follows from the user's organisation, not from model permissions.
        return Permission.objects.none()

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            inspect_url_name=None,
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]
