"""Who a staff user is: the roles the admin's screens ask about, from the user's organisation.

Kept in accounts because they depend only on the user and the organisation kind; the application
queue (workflows/staff_admin/access.py), 许可证登记 and 统计分析 build on them.
"""

from accounts.models import AuthorityLevel, OrganisationKind

STAFF_KINDS = frozenset({OrganisationKind.AUTHORITY, OrganisationKind.REVIEW_BODY})


def acts_for_staff_body(user):
    """Whether the user acts for an authority or a review body (and so may take staff actions)."""
    if not (user.is_authenticated and user.is_active) or user.organisation_id is None:
        return False
    return user.organisation.kind in STAFF_KINDS


def is_authority_staff(user):
    """Staff of an approving authority (or a superuser): who opens 许可证登记 and 统计分析."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.organisation_id is not None and user.organisation.kind == OrganisationKind.AUTHORITY


def sees_every_authority(user):
    """SAMR supervises every provincial bureau: its staff (and superusers) see every authority's
    licences and figures; a provincial bureau sees its own."""
    if not is_authority_staff(user):
        return False
    return user.is_superuser or user.organisation.authority_level == AuthorityLevel.NATIONAL
