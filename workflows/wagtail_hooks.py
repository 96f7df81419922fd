"""Wagtail admin wiring for workflows."""

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
