"""Accounts: users, the organisations they act for, administrative regions, SMS codes and the
outbox of e-mails and SMS (OutboundMessage)."""

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
from .outbox import Channel, DeliveryStatus, OutboundMessage
from .regions import Region
from .sms import SmsCode, SmsPurpose
from .users import User

__all__ = [
    "ApprovalStatus",
    "Authority",
    "AuthorityLevel",
    "Channel",
    "DeliveryStatus",
    "EnterpriseCategory",
    "EnterpriseType",
    "InstitutionType",
    "Organisation",
    "OrganisationKind",
    "OutboundMessage",
    "Region",
    "ReviewBody",
    "SmsCode",
    "SmsPurpose",
    "User",
]
