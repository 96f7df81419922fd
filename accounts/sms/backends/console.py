import logging

from .base import BaseSmsBackend

logger = logging.getLogger("accounts.sms")


class ConsoleBackend(BaseSmsBackend):
    """Development: the message, with its code, appears in the server log instead of a phone."""

    def send(self, mobile, message, *, template="notice", params=None):
        logger.warning("SMS to %s: %s", mobile, message)
