"""审批机关 derivation: never typed by the applicant (docs/domain.md, "Who takes part").

A national level goes to SAMR (国家市场监督管理总局); any other goes to the market-regulation
bureau of the province the applicant is registered in. Levels of both kinds cannot share one
application, because one application is decided by one authority.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Authority, AuthorityLevel
from cms.models import ApprovalLevel


def approval_level_of(levels):
    kinds = {level.effective_approval_level for level in levels}
    if len(kinds) > 1:
        raise ValidationError(
            _("所选许可项目分别由国家市场监督管理总局和省级市场监督管理部门审批，不能在同一申请中提交，请分别申请。"),
            code="mixed_authorities",
        )
    return kinds.pop() if kinds else None


def provincial_authority(organisation):
    """The bureau of the province the organisation is registered in, or None."""
    if organisation is None or not organisation.region_id:
        return None
    try:
        return Authority.objects.for_province(organisation.region_id[:2] + "0000")
    except Authority.DoesNotExist:
        return None


def derive_authority(levels, organisation):
    """The Authority that decides an application for `levels` by `organisation`."""
    level = approval_level_of(levels)
    if level is None:
        raise ValidationError(_("请至少选择一个许可项目。"), code="no_items")
    if level == ApprovalLevel.NATIONAL:
        authority = Authority.objects.filter(authority_level=AuthorityLevel.NATIONAL).first()
    else:
        authority = provincial_authority(organisation)
    if authority is None:
        raise ValidationError(
            _("未找到负责该申请的审批机关，请检查账号的所在地信息，或联系系统管理员。"), code="no_authority"
        )
    return authority
