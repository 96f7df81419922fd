"""An SMS backend for settings.SMS_BACKEND ("tests.support.sms.FailingBackend")."""

from accounts.sms.backends.base import BaseSmsBackend, SmsDeliveryError


class FailingBackend(BaseSmsBackend):
    """The provider refuses or cannot be reached (settings.SMS_BACKEND points here)."""

    def send(self, mobile, message, **kwargs):
        raise SmsDeliveryError("provider unreachable")
