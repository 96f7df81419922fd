class BaseSmsBackend:
    """The interface every SMS backend implements.

    `send(mobile, message, *, template="notice", params=None)` delivers one text message.
    `message` is the whole text (what the console and locmem backends show and store). Real
    providers only send pre-approved templates, so they use `template` instead, a logical name
    mapped to the provider's template in settings: "verification_code" with params {"code": ...}
    or "notice" with params {"reference": ..., "message": ...}.

    It raises `SmsDeliveryError` when the provider refuses or cannot be reached.
    """

    def send(self, mobile, message, *, template="notice", params=None):
        raise NotImplementedError


class SmsDeliveryError(Exception):
    """The message did not leave. str() is a Chinese sentence staff can act on; `code` is the
    provider's own error code ("" when there is none); `retryable` is False when sending the same
    message again cannot help (invalid number, suspended account, template or sign not approved)."""

    def __init__(self, message="", code="", retryable=True):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable

    def __str__(self):
        return str(self.message)  # message may be a lazy translation
