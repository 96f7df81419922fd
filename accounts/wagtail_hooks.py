"""Wagtail admin wiring for accounts: the 单位管理 menu and its permission policy.

The policies are registered at import time, before any viewset asks the registry for one:
Wagtail otherwise creates a per-model fallback policy, and the proxies would then each want
their own add/change permission (accounts.change_authority, ...) instead of the one permission
staff roles are given.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import Authority, Organisation, ReviewBody
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


@hooks.register("register_log_actions")
def register_organisation_log_actions(actions):
    actions.register_action(APPROVE_LOG_ACTION, _("审核通过"), _("机构账号审核通过"))
    actions.register_action(REJECT_LOG_ACTION, _("不予通过"), _("机构账号不予通过"))
