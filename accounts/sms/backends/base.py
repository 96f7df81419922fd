class BaseSmsBackend:
    """The interface a real SMS provider implements.

    `send(mobile, message)` delivers one text message. It raises `SmsDeliveryError` when the
    provider refuses or cannot be reached; the service then tells the user to try again and
    does not count the attempt against the user's limits.
    """

    def send(self, mobile, message):
        raise NotImplementedError


class SmsDeliveryError(Exception):
    pass
