"""发送记录 in the Wagtail admin: every e-mail and SMS of the outbox (accounts/outbox.py) with its
status, tries and the provider's last error; by default the failed ones, which an administrator
can 重新发送.

Who: superusers, and groups given 查看发送记录 (accounts.view_outboundmessage) to read or 重新发送失败
的通知 (accounts.retry_outboundmessage) to read and retry, both offered in the group editor. The
list spans every authority, so no staff role has it by default; authority and review-body staff
see an application's own rows on its detail page in 许可申请办理 (通知发送情况). Recipients are
masked (core/masking.py); nothing is added, edited or deleted here.
"""

import django_filters
from django.contrib.auth.models import Permission
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import outbox
from .models import Channel, DeliveryStatus, OutboundMessage

VIEW_PERMISSION = "accounts.view_outboundmessage"
RETRY_PERMISSION = "accounts.retry_outboundmessage"
ALL = "all"


class OutboundMessagePermissionPolicy(ModelPermissionPolicy):
    """ "view" for holders of either permission, "retry" for the retry permission; nothing else."""

    def user_has_permission(self, user, action):
        if action == "view":
            return user.has_perm(VIEW_PERMISSION) or user.has_perm(RETRY_PERMISSION)
        if action == "retry":
            return user.has_perm(RETRY_PERMISSION)
        return False

    def users_with_any_permission(self, actions):
        codenames = set()
        if "view" in actions:
            codenames |= {"view_outboundmessage", "retry_outboundmessage"}
        if "retry" in actions:
            codenames.add("retry_outboundmessage")
        return self._get_users_with_any_permission_codenames(codenames)


register_permission_policy(OutboundMessage, OutboundMessagePermissionPolicy(OutboundMessage))


class OutboxFilterSet(WagtailFilterSet):
    # 发送失败 unless another choice is made (OutboxIndexView.get_filterset_kwargs): the rows that
    # need someone. 全部 is a value of its own, so it survives the filter form's round trip.
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[(ALL, _("全部")), *DeliveryStatus.choices],
        empty_label=None,
        initial=DeliveryStatus.FAILED,
        method="filter_status",
    )
    channel = django_filters.ChoiceFilter(label=_("渠道"), choices=Channel.choices, empty_label=_("全部"))
    created_at = django_filters.DateFromToRangeFilter(label=_("创建时间"), widget=DateRangePickerWidget)

    class Meta:
        model = OutboundMessage
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(status=value)


def about_text(message):
    # The application reference or licence number; a verification code is about nobody.
    return str(message.about) if message.about is not None else _("短信验证码")


def summary(message):
    # An e-mail's subject; an SMS has none, so the start of its text.
    return message.subject or Truncator(message.body).chars(40)


class RetryColumn(Column):
    """重新发送 on a failed row, for those allowed: a POST through Wagtail's w-action controller."""

    cell_template_name = "accounts/admin/outbox_retry_cell.html"

    def __init__(self, name, retry_url_name, **kwargs):
        super().__init__(name, **kwargs)
        self.retry_url_name = retry_url_name

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        may_retry = request is not None and request.user.has_perm(RETRY_PERMISSION)
        context["retry_url"] = (
            reverse(self.retry_url_name, args=[instance.pk])
            if may_retry and instance.status == DeliveryStatus.FAILED
            else ""
        )
        return context


class OutboxIndexView(generic.IndexView):
    page_title = _("发送记录")

    def get_base_queryset(self):
        return OutboundMessage.objects.select_related("content_type").prefetch_related("about")

    def get_filterset_kwargs(self):
        kwargs = super().get_filterset_kwargs()
        data = kwargs["data"].copy()
        data.setdefault("status", DeliveryStatus.FAILED)
        return {**kwargs, "data": data}

    def get_list_more_buttons(self, instance):
        return []


class RetryView(PermissionCheckedMixin, View):
    """POST only: a GET must never send anything (links are prefetched, crawled, shared)."""

    http_method_names = ["post"]
    model = OutboundMessage
    permission_required = "retry"
    index_url_name = None

    def post(self, request, pk):
        message = get_object_or_404(OutboundMessage, pk=pk)
        if outbox.retry(message):
            messages.success(request, _("已重新排队发送：%(message)s") % {"message": message})
        else:
            messages.warning(request, _("该记录不是发送失败状态，未作改动。"))
        return redirect(self.index_url_name)


class OutboxViewSet(ModelViewSet):
    model = OutboundMessage
    name = "outbox"
    url_prefix = "outbox"
    icon = "mail"
    menu_label = _("发送记录")
    menu_order = 910  # below 审计记录
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = OutboxIndexView
    filterset_class = OutboxFilterSet
    search_backend_name = None
    ordering = ["-created_at", "-pk"]
    list_per_page = 50

    @property
    def list_display(self):
        return [
            DateColumn("created_at", label=_("创建时间"), sort_key="created_at"),
            Column("channel", label=_("渠道"), accessor="get_channel_display", classname="nowrap"),
            Column("recipient", label=_("收件人"), accessor="masked_recipient"),
            Column("about", label=_("关于"), accessor=about_text),
            Column("subject", label=_("主题"), accessor=summary),
            StatusTagColumn(
                "status",
                label=_("状态"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda m: m.status == DeliveryStatus.SENT,
            ),
            Column("attempts", label=_("尝试次数"), accessor="attempts"),
            Column("last_error", label=_("最近错误"), accessor="last_error"),
            DateColumn("next_attempt_at", label=_("下次尝试时间"), sort_key="next_attempt_at"),
            DateColumn("sent_at", label=_("发送时间"), sort_key="sent_at"),
            RetryColumn("retry", self.get_url_name("retry"), label=""),
        ]

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type__app_label="accounts", codename__in=["view_outboundmessage", "retry_outboundmessage"]
        )

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
            path(
                "retry/<int:pk>/",
                self.construct_view(RetryView, index_url_name=self.get_url_name("index")),
                name="retry",
            ),
        ]
