"""SMS verification codes (获取验证码 / 短信验证码).

Rules: a code is 6 digits, stored only as a hash, valid for SMS_CODE_TTL_SECONDS
(5 minutes), allows SMS_CODE_MAX_ATTEMPTS (5) wrong tries, and a phone gets at most one code
per SMS_RESEND_INTERVAL_SECONDS (60 s) and SMS_DAILY_LIMIT_PER_PHONE (10) a day.
The provider is pluggable through SMS_BACKEND, like Django's EMAIL_BACKEND.
"""

from .service import SmsError, consume_code, send_code, verify_code

__all__ = ["SmsError", "consume_code", "send_code", "verify_code"]
