"""审批机关 derivation: never typed by the applicant (docs/domain.md, "Who takes part").

A national level goes to SAMR (国家市场监督管理总局); any other goes to the market-regulation
bureau of the province the applicant is registered in. One application is decided by one
authority, so a selection of both kinds is split (`split_by_authority`) into one application per
authority; `derive_authority` answers for levels that must share one application (a follow-up).
`routing_for` answers once per page which authority decides each kind of level for an account,
and why it cannot be told (no region, no bureau for the province).
"""

from dataclasses import dataclass

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


def is_national(level_kind):
    return level_kind == ApprovalLevel.NATIONAL


def national_authority():
    return Authority.objects.filter(authority_level=AuthorityLevel.NATIONAL).first()


def provincial_authority(organisation):
    """The bureau of the province the organisation is registered in, or None."""
    if organisation is None or not organisation.region_id:
        return None
    try:
        return Authority.objects.for_province(organisation.region_id[:2] + "0000")
    except Authority.DoesNotExist:
        return None


@dataclass(frozen=True)
class Routing:
    """Who decides each kind of level for one account: `national` and `provincial` are the
    Authority or None, and `national_problem` / `provincial_problem` tell the applicant why."""

    national: Authority | None
    provincial: Authority | None
    national_problem: str = ""
    provincial_problem: str = ""

    def for_kind(self, level_kind):
        return self.national if is_national(level_kind) else self.provincial

    def problem_for_kind(self, level_kind):
        return self.national_problem if is_national(level_kind) else self.provincial_problem

    @property
    def problems(self):
        return [p for p in (self.provincial_problem, self.national_problem) if p]


def routing_for(organisation):
    """The authorities for `organisation`'s national and provincial levels (two queries at most,
    whatever the number of levels on the page)."""
    national = national_authority()
    provincial = provincial_authority(organisation)
    provincial_problem = national_problem = ""
    if provincial is None:
        if organisation is None or not organisation.region_id:
            provincial_problem = _(
                "账号信息中没有所在地区，省级审批的许可项目无法确定审批机关。请先在账号信息中补充所在地区。"
            )
        else:
            provincial_problem = _(
                "未找到账号所在省份的省级市场监督管理部门，省级审批的许可项目无法确定审批机关。"
                "请检查账号信息中的所在地区，或联系系统管理员。"
            )
    if national is None:
        national_problem = _("系统中尚未配置国家市场监督管理总局，国家级许可项目暂不能办理，请联系系统管理员。")
    return Routing(national, provincial, national_problem, provincial_problem)


def _no_authority():
    return ValidationError(
        _("未找到负责该申请的审批机关，请检查账号的所在地信息，或联系系统管理员。"), code="no_authority"
    )


def split_by_authority(levels, organisation):
    """[(authority, levels)]: the chosen levels grouped by the authority that decides them, one
    group per future application: the national group (SAMR) first, each group in the order of the
    levels (the catalogue's). Refuses, naming
    no authority, when any group cannot be routed."""
    if not levels:
        raise ValidationError(_("请至少选择一个许可项目。"), code="no_items")
    routing = routing_for(organisation)
    groups = {}
    for level in levels:
        kind = level.effective_approval_level
        groups.setdefault(kind, []).append(level)
    split = []
    # SAMR's application first, whatever order the levels came in: the applicant lands on it and
    # the message names the two in the same order every time.
    for kind, group in sorted(groups.items(), key=lambda entry: not is_national(entry[0])):
        authority = routing.for_kind(kind)
        if authority is None:
            raise ValidationError(routing.problem_for_kind(kind), code="no_authority")
        split.append((authority, group))
    return split


def derive_authority(levels, organisation):
    """The Authority that decides an application for `levels` by `organisation` (one kind only)."""
    level = approval_level_of(levels)
    if level is None:
        raise ValidationError(_("请至少选择一个许可项目。"), code="no_items")
    if is_national(level):
        authority = national_authority()
    else:
        authority = provincial_authority(organisation)
    if authority is None:
        raise _no_authority()
    return authority
