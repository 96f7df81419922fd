"""Staff screens for accounts in the Wagtail admin: users (用户) and organisations (单位管理).

单位管理 has three lists over the one Organisation table: 申请单位 (individual, enterprise and
institution applicants), 审批机关 and 鉴定评审机构. An institution registers as 待审核 with
inactive users (seed 1.3: 机构用户 are activated by staff after checking); staff check it here
and press 审核通过 (its users may log in from then on) or 不予通过. Each decision is a POST,
goes through Organisation.approve()/reject() and is written to the organisation's history.
"""

from pathlib import PurePath

import django_filters
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from core.masking import mask_id_number, mask_mobile

from . import services
from .admin_forms import AuthorityAdminForm, OrganisationAdminForm, StaffUserCreationForm, StaffUserEditForm
from .models import ApprovalStatus, Authority, AuthorityLevel, Organisation, OrganisationKind, ReviewBody
from .models.organisations import APPLICANT_KINDS
from .services import APPROVE_LOG_ACTION, REJECT_LOG_ACTION  # noqa: F401 (wagtail_hooks registers them)

LICENCE_CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


# --- users -------------------------------------------------------------------------------


class StaffUserViewSet(WagtailUserViewSet):
    """Wagtail's user screens with the mobile number and the organisation a staff member acts for."""

    create_template_name = "accounts/admin/user_create.html"
    edit_template_name = "accounts/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else StaffUserCreationForm


# --- permissions -------------------------------------------------------------------------


class OrganisationPermissionPolicy(ModelPermissionPolicy):
    """One permission, accounts.change_organisation, opens all three organisation screens.

    The proxies get no permissions of their own, so a role is granted in one place. Nothing is
    deleted here, not even by a superuser: users, groups and (later) applications point at the
    organisation, and a body that stops acting is renamed or left alone, not erased.
    """

    def __init__(self, model, can_add=False):
        super().__init__(model, auth_model=Organisation)
        self.allowed_actions = {"view", "change"} | ({"add"} if can_add else set())

    def user_has_permission(self, user, action):
        return action in self.allowed_actions and user.has_perm("accounts.change_organisation")

    def users_with_any_permission(self, actions):
        if not self.allowed_actions & set(actions):
            return get_user_model().objects.none()
        return self._get_users_with_any_permission_codenames({"change_organisation"})


# --- approval of institution accounts ------------------------------------------------------


def is_pending_institution(organisation):
    return organisation.kind == OrganisationKind.INSTITUTION and organisation.approval_status == ApprovalStatus.PENDING


def decision_buttons(organisation, approve_url_name, reject_url_name, button_class=Button, classname=""):
    """审核通过 / 不予通过 as buttons that POST with Wagtail's CSRF token (the w-action controller)."""
    if not is_pending_institution(organisation):
        return []
    buttons = []
    for label, url_name, icon, extra_class, priority in (
        (_("审核通过"), approve_url_name, "check", "", 10),
        (_("不予通过"), reject_url_name, "cross", "serious", 20),
    ):
        buttons.append(
            button_class(
                label,
                icon_name=icon,
                classname=f"{classname} {extra_class}".strip(),
                priority=priority,
                attrs={
                    "data-controller": "w-action",
                    "data-action": "w-action#post",
                    "data-w-action-url-value": reverse(url_name, args=(quote(organisation.pk),)),
                },
            )
        )
    return buttons


class RowButton(Button):
    # Shown beside the row's title rather than folded into the "more" menu: the decision is
    # the reason staff open this list.
    allow_in_dropdown = False


class OrganisationDecisionView(PermissionCheckedMixin, View):
    """POST only: a GET must never approve an account (links are prefetched, crawled, shared)."""

    http_method_names = ["post"]
    model = Organisation
    permission_required = "change"
    index_url_name = None
    decision = None  # "approve" or "reject"

    def post(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk, kind=OrganisationKind.INSTITUTION)
        try:
            organisation = services.decide_institution(organisation, self.decision, request.user)
        except services.AlreadyDecided as error:
            messages.warning(request, " ".join(error.messages))
            return redirect(self.index_url_name)
        if self.decision == "approve":
            message = _("已审核通过“%(name)s”，该单位的账号现在可以登录。")
        else:
            message = _("已不予通过“%(name)s”，该单位的账号保持停用。")
        messages.success(request, message % {"name": organisation.name})
        return redirect(self.index_url_name)


class BusinessLicenceView(PermissionCheckedMixin, View):
    """The uploaded 营业执照, for staff checking an account. Never a public media URL."""

    model = Organisation
    permission_required = "change"

    def get(self, request, pk):
        organisation = get_object_or_404(Organisation, pk=pk, kind__in=APPLICANT_KINDS)
        if not organisation.business_licence:
            raise Http404
        content_type = LICENCE_CONTENT_TYPES.get(PurePath(organisation.business_licence.name).suffix.lower())
        if content_type is None:
            raise Http404
        response = FileResponse(organisation.business_licence.open("rb"), content_type=content_type)
        # Inline so staff can read it in the browser, but sandboxed: a crafted PDF cannot script the admin.
        response["Content-Disposition"] = (
            f'inline; filename="licence-{organisation.pk}{PurePath(organisation.business_licence.name).suffix.lower()}"'
        )
        response["Content-Security-Policy"] = "sandbox"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- 申请单位 ------------------------------------------------------------------------------


class ApplicantFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("用户类型"), choices=[(k.value, k.label) for k in APPLICANT_KINDS], empty_label=_("全部")
    )
    approval_status = django_filters.ChoiceFilter(
        label=_("审核状态"), choices=ApprovalStatus.choices, empty_label=_("全部")
    )

    class Meta:
        model = Organisation
        fields = ["kind", "approval_status"]


def region_name(organisation):
    return organisation.region.full_name if organisation.region_id else ""


class ApplicantIndexView(generic.IndexView):
    page_title = _("申请单位")
    approve_url_name = None
    reject_url_name = None
    licence_url_name = None

    def get_base_queryset(self):
        # region__parent__parent: the full 省市县 name of every row without a query per row.
        return Organisation.objects.filter(kind__in=APPLICANT_KINDS).select_related("region__parent__parent")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            buttons += decision_buttons(
                instance,
                self.approve_url_name,
                self.reject_url_name,
                button_class=RowButton,
                classname="button button-small",
            )
        return buttons


class ApplicantEditView(generic.EditView):
    approve_url_name = None
    reject_url_name = None

    def get_queryset(self):
        return Organisation.objects.filter(kind__in=APPLICANT_KINDS)

    licence_url_name = None

    @cached_property
    def header_buttons(self):
        buttons = decision_buttons(self.object, self.approve_url_name, self.reject_url_name, button_class=HeaderButton)
        if self.object.business_licence:
            buttons.append(
                HeaderButton(
                    _("查看营业执照"),
                    url=reverse(self.licence_url_name, args=(quote(self.object.pk),)),
                    icon_name="doc-full",
                    attrs={"target": "_blank", "rel": "noopener"},
                    priority=30,
                )
            )
        return buttons


class OrganisationAdminURLFinder(ModelAdminURLFinder):
    """History and reference listings hold plain Organisation rows: send each kind to its own screen."""

    def construct_edit_url(self, instance):
        namespace = {
            OrganisationKind.AUTHORITY: AuthorityViewSet.name,
            OrganisationKind.REVIEW_BODY: ReviewBodyViewSet.name,
        }.get(instance.kind, ApplicantOrganisationViewSet.name)
        return reverse(f"{namespace}:edit", args=(quote(instance.pk),))


class OrganisationViewSetMixin:
    add_to_admin_menu = False  # reached through the 单位管理 group
    copy_view_enabled = False  # codes are unique; a copy could never be saved unchanged
    add_to_reference_index = False  # nothing links to an organisation from content; skip the per-save task
    search_backend_name = None  # plain icontains: Organisation is not in the search index
    search_fields = ["name", "unified_social_credit_code", "organization_code"]
    url_finder_class = OrganisationAdminURLFinder

    def get_permissions_to_register(self):
        # Only the applicant screen offers the one permission in the group editor; see
        # OrganisationPermissionPolicy.
        return Permission.objects.none()


class ApplicantOrganisationViewSet(OrganisationViewSetMixin, ModelViewSet):
    name = "accounts_applicants"
    url_prefix = "organisations/applicants"
    model = Organisation
    icon = "group"
    menu_label = _("申请单位")
    menu_order = 100
    index_view_class = ApplicantIndexView
    edit_view_class = ApplicantEditView
    decision_view_class = OrganisationDecisionView
    filterset_class = ApplicantFilterSet
    ordering = "-created_at"  # newest registrations, which are the ones waiting for a check
    list_display = [
        "name",
        "kind",
        Column("credit_code", label=_("统一社会信用代码/组织机构代码"), accessor="credit_code"),
        Column("region", label=_("所在地"), accessor=region_name),
        "contact_name",
        Column(
            "contact_id_number",
            label=_("联系人身份证号码"),
            accessor=lambda o: mask_id_number(o.contact_id_number),
        ),
        Column("contact_mobile", label=_("联系人手机号"), accessor=lambda o: mask_mobile(o.contact_mobile)),
        StatusTagColumn(
            "approval_status",
            label=_("审核状态"),
            accessor="get_approval_status_display",
            sort_key="approval_status",
            primary=lambda o: o.approval_status == ApprovalStatus.PENDING,
        ),
        DateColumn("created_at", label=_("注册时间"), sort_key="created_at"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            MultiFieldPanel(
                [
                    FieldPanel("enterprise_category"),
                    FieldPanel("enterprise_type"),
                    FieldPanel("institution_type"),
                    FieldPanel("unified_social_credit_code"),
                    FieldPanel("organization_code"),
                ],
                heading=_("单位信息"),
            ),
            MultiFieldPanel([FieldPanel("region"), FieldPanel("address")], heading=_("所在地")),
            MultiFieldPanel(
                [
                    FieldPanel("contact_name"),
                    FieldPanel("contact_id_number"),
                    FieldPanel("contact_mobile"),
                    FieldPanel("contact_phone"),
                ],
                heading=_("联系人"),
            ),
        ],
        base_form_class=OrganisationAdminForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            approve_url_name=self.get_url_name("approve"),
            reject_url_name=self.get_url_name("reject"),
            licence_url_name=self.get_url_name("licence"),
            **kwargs,
        )

    def get_permissions_to_register(self):
        return Permission.objects.filter(content_type__app_label="accounts", codename="change_organisation")

    @property
    def approve_view(self):
        return self.construct_view(self.decision_view_class, decision="approve")

    @property
    def reject_view(self):
        return self.construct_view(self.decision_view_class, decision="reject")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("approve/<int:pk>/", self.approve_view, name="approve"),
            path("reject/<int:pk>/", self.reject_view, name="reject"),
            path("licence/<int:pk>/", self.construct_view(BusinessLicenceView), name="licence"),
        ]


# --- 审批机关 / 鉴定评审机构 ----------------------------------------------------------------


class AuthorityFilterSet(WagtailFilterSet):
    authority_level = django_filters.ChoiceFilter(
        label=_("审批机关级别"), choices=AuthorityLevel.choices, empty_label=_("全部")
    )

    class Meta:
        model = Authority
        fields = ["authority_level"]


class AuthorityViewSet(OrganisationViewSetMixin, ModelViewSet):
    name = "accounts_authorities"
    url_prefix = "organisations/authorities"
    model = Authority
    icon = "site"
    menu_label = _("审批机关")
    menu_order = 200
    filterset_class = AuthorityFilterSet
    # National first ("national" < "provincial"), then the provinces in GB/T 2260 order.
    ordering = ["authority_level", "region"]
    list_display = [
        "name",
        "authority_level",
        Column("region", label=_("管辖省份"), accessor="region"),
        "contact_name",
        "contact_phone",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("authority_level"),
            FieldPanel("region"),
            FieldPanel("unified_social_credit_code"),
            FieldPanel("address"),
            MultiFieldPanel([FieldPanel("contact_name"), FieldPanel("contact_phone")], heading=_("联系人")),
        ],
        base_form_class=AuthorityAdminForm,
    )


class ReviewBodyViewSet(OrganisationViewSetMixin, ModelViewSet):
    name = "accounts_review_bodies"
    url_prefix = "organisations/review-bodies"
    model = ReviewBody
    icon = "clipboard-list"
    menu_label = _("鉴定评审机构")
    menu_order = 300
    ordering = ["name"]
    list_display = [
        "name",
        Column("region", label=_("所在地"), accessor="region"),
        "contact_name",
        "contact_phone",
        Column("contact_mobile", label=_("联系人手机号"), accessor=lambda o: mask_mobile(o.contact_mobile)),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            MultiFieldPanel(
                [FieldPanel("unified_social_credit_code"), FieldPanel("organization_code")], heading=_("单位信息")
            ),
            MultiFieldPanel([FieldPanel("region"), FieldPanel("address")], heading=_("所在地")),
            # The acceptance decision (受理决定书) prints the review body's contact person and phone.
            MultiFieldPanel(
                [FieldPanel("contact_name"), FieldPanel("contact_phone"), FieldPanel("contact_mobile")],
                heading=_("联系人"),
            ),
        ],
        base_form_class=OrganisationAdminForm,
    )


class OrganisationViewSetGroup(ViewSetGroup):
    menu_label = _("单位管理")
    menu_icon = "group"
    menu_order = 250
    items = (ApplicantOrganisationViewSet, AuthorityViewSet, ReviewBodyViewSet)
