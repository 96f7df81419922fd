"""Accounts: users, the organisations they act for, administrative regions and SMS codes."""

from .organisations import (
    ApprovalStatus,
    Authority,
    AuthorityLevel,
    EnterpriseCategory,
    EnterpriseType,
    InstitutionType,
    Organisation,
    OrganisationKind,
    ReviewBody,
)
from .regions import Region
from .sms import SmsCode, SmsPurpose
from .users import User

__all__ = [
    "ApprovalStatus",
    "Authority",
    "AuthorityLevel",
    "EnterpriseCategory",
    "EnterpriseType",
    "InstitutionType",
    "Organisation",
    "OrganisationKind",
    "Region",
    "ReviewBody",
    "SmsCode",
    "SmsPurpose",
    "User",
]
