"""A logging filter that masks ID numbers and mobile numbers in every record it passes.

Code must not log personal data in the first place; this is the defence in depth behind that rule
(GB/T 22239-2019 8.1.4.11, PIPL art. 51): a third-party library, an exception message quoting a
form value or a debugging line left behind still cannot put a whole 身份证号码 or 手机号 into the
log files, which are kept longer and read by more people than the database.

Installed on the handlers in settings.LOGGING (a filter on a handler sees the records of every
logger that reaches it; a filter on a logger would miss its children's records).
"""

import logging

from core.masking import redact_text


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Render the traceback now so that its text, too, is redacted before any handler formats it.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True
