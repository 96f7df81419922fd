"""Wagtail admin wiring for workflows."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .calendar_admin import CalendarDayViewSet


@hooks.register("register_admin_viewset")
def register_calendar_day_viewset():
    # 工作日历, under 设置: the holidays and 调休 days behind statutory deadlines.
    return CalendarDayViewSet()


@hooks.register("register_admin_viewset")
def register_application_viewset():
    from .staff_admin import ApplicationViewSet

    return ApplicationViewSet()


@hooks.register("register_admin_viewset")
def register_licence_viewset():
    # 许可证登记: the read-only register of issued licences, beside 许可申请办理.
    from .staff_admin.licences import LicenseViewSet

    return LicenseViewSet()


@hooks.register("register_admin_viewset")
def register_audit_viewsets():
    # 审计记录: read-only reports of transitions and downloads (superusers, workflows.view_audit).
    from .audit_admin import AuditViewSetGroup

    return AuditViewSetGroup()


@hooks.register("register_admin_viewset")
def register_statistics_viewset():
    # 统计分析: authority staff see their jurisdiction, SAMR sees every authority.
    from .statistics_admin import StatisticsViewSet

    return StatisticsViewSet()


@hooks.register("register_admin_viewset")
def register_signing_identity_viewset():
    # 电子签章证书, under 设置: each authority's signing certificate (superusers, manage_signingidentity).
    from .signing_admin import SigningIdentityViewSet

    return SigningIdentityViewSet()


@hooks.register("register_log_actions")
def register_signing_log_actions(actions):
    from .signing import ACTIVATE_LOG_ACTION, DEACTIVATE_LOG_ACTION

    actions.register_action(ACTIVATE_LOG_ACTION, _("启用电子签章证书"), _("启用电子签章证书"))
    actions.register_action(DEACTIVATE_LOG_ACTION, _("停用电子签章证书"), _("停用电子签章证书"))
