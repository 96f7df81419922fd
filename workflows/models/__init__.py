from .applications import Application, ApplicationItem, ApplicationKind, ApplicationState, Clock
from .attachments import ApplicationAttachment
from .audit import AccessKind, AccessLog
from .calendar import CalendarDay, DayKind
from .correction import CorrectionItem, CorrectionNotice, CorrectionTarget
from .documents import Document, DocumentKind, DocumentSequence
from .events import Action, ApplicationEvent
from .lapses import DeadlineLapse
from .licences import License, LicenseReminder, LicenseStatus
from .notifications import Notification
from .permissions import ApplicationGroupObjectPermission, ApplicationUserObjectPermission
from .rectification import RectificationRequest
from .review import (
    ProposalSide,
    ProposalStatus,
    ReviewAppointment,
    ReviewConclusion,
    ReviewFeedback,
    ReviewFile,
    ReviewFileKind,
    ReviewReport,
)
from .settings import WorkflowSettings
from .signing import SigningIdentity, SigningKind

__all__ = [
    "AccessKind",
    "AccessLog",
    "Action",
    "Application",
    "ApplicationAttachment",
    "ApplicationEvent",
    "ApplicationGroupObjectPermission",
    "ApplicationItem",
    "ApplicationKind",
    "ApplicationState",
    "ApplicationUserObjectPermission",
    "CalendarDay",
    "Clock",
    "CorrectionItem",
    "CorrectionNotice",
    "CorrectionTarget",
    "DayKind",
    "DeadlineLapse",
    "Document",
    "DocumentKind",
    "DocumentSequence",
    "License",
    "LicenseReminder",
    "LicenseStatus",
    "Notification",
    "ProposalSide",
    "ProposalStatus",
    "RectificationRequest",
    "ReviewAppointment",
    "ReviewConclusion",
    "ReviewFeedback",
    "ReviewFile",
    "ReviewFileKind",
    "ReviewReport",
    "SigningIdentity",
    "SigningKind",
    "WorkflowSettings",
]
