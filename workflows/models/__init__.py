from .applications import Application, ApplicationItem, ApplicationState
from .attachments import ApplicationAttachment
from .events import ApplicationEvent
from .permissions import ApplicationGroupObjectPermission, ApplicationUserObjectPermission

__all__ = [
    "Application",
    "ApplicationAttachment",
    "ApplicationEvent",
    "ApplicationGroupObjectPermission",
    "ApplicationItem",
    "ApplicationState",
    "ApplicationUserObjectPermission",
]
