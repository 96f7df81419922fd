from .base import BaseSmsBackend

# Like django.core.mail.outbox: tests read the messages sent here.
outbox = []


class LocmemBackend(BaseSmsBackend):
    def send(self, mobile, message, *, template="notice", params=None):
        outbox.append({"mobile": mobile, "message": message, "template": template, "params": dict(params or {})})
