"""Wagtail admin wiring for accounts: the 单位管理 menu and its permission policy.

The policies are registered at import time, before any viewset asks the registry for one:
Wagtail otherwise creates a per-model fallback policy, and the proxies would then each want
their own add/change permission (accounts.change_authority, ...) instead of the one permission
staff roles are given.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from . import account_settings
from .models import Authority, Organisation, ReviewBody
from .outbox_admin import OutboxViewSet  # registers its permission policy on import
from .services import REGION_LOG_ACTION
from .viewsets import (
    APPROVE_LOG_ACTION,
    REJECT_LOG_ACTION,
    OrganisationPermissionPolicy,
    OrganisationViewSetGroup,
)

# Applicants register themselves on the portal, so staff may add authorities and review
# bodies but never an applicant.
register_permission_policy(Organisation, OrganisationPermissionPolicy(Organisation))
register_permission_policy(Authority, OrganisationPermissionPolicy(Authority, can_add=True))
register_permission_policy(ReviewBody, OrganisationPermissionPolicy(ReviewBody, can_add=True))


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationViewSetGroup()


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    # 发送记录: the outbox's e-mails and SMS, failed ones first, 重新发送 for administrators.
    return OutboxViewSet()


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    actions.register_action(APPROVE_LOG_ACTION, _("审核通过"), _("机构账号审核通过"))
    actions.register_action(REJECT_LOG_ACTION, _("不予通过"), _("机构账号不予通过"))
    actions.register_action(REGION_LOG_ACTION, _("完善所在地"), _("申请人完善所在地"))


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    # 账号信息: the applicant's own changes (the field names, never the values).
    account_settings.register_log_actions(actions)


@hooks.register("insert_global_admin_js")
def admin_init_script():
    # The admin's CSP allows no inline script: this file makes the calls that Wagtail's inline
    # scripts made, from the JSON blocks our templates and chooser widgets write instead
    # (site/portal/security.py). Deferred, so it runs once the forms below it are parsed.
    return format_html('<script src="{}" defer></script>', static("js/admin-init.js"))


@hooks.register("insert_global_admin_css")
def admin_stylesheet():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


# The bureau's admin carries the portal's name and emblem (templates/wagtailadmin/), not Wagtail's.
# Wagtail's editor guide and release notes are English pages about Wagtail, not about this service.
WAGTAIL_HELP_ITEMS = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("construct_main_menu")
def settings_menu_without_wagtails_version(request, menu_items):
    # Wagtail's 设置 submenu signs its foot "Wagtail v8.0.1"; the same submenu without that line.
    for index, item in enumerate(menu_items):
        if item.name == "settings" and type(item) is not SubmenuMenuItem:
            menu_items[index] = SubmenuMenuItem(
                item.label,
                item.menu,
                name=item.name,
                classname=item.classname,
                icon_name=item.icon_name,
                attrs=item.attrs,
                order=item.order,
            )


@hooks.register("construct_help_menu")
def help_menu_without_wagtails_guides(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAIL_HELP_ITEMS)]
