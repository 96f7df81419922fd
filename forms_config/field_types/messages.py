"""Error messages with the field's label already in them.

Django formats some messages once more with its own params (`message % {"value": ...}` for an
invalid choice, the length and digit limits). A label an editor typed may contain "%" (含量%),
which would then raise instead of showing the message; a `FixedMessage` ignores that second
formatting.
"""


class FixedMessage(str):
    def __mod__(self, params):
        return self


def fixed(message):
    return FixedMessage(str(message))
