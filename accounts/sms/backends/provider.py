"""What the real SMS providers (aliyun.py, tencent.py) share: required settings, template
variables, and the Chinese reason a failed delivery gives staff in the outbox.

A provider only sends templates it has approved, never free text: each logical template
("verification_code", "notice") is mapped in settings to the provider's own template, whose
variables are named after the keys of `params` (docs/operations.md, "SMS providers").
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from .base import BaseSmsBackend, SmsDeliveryError

logger = logging.getLogger("accounts.sms")

# Logical template -> the variables it fills, in the order a positional template (Tencent) uses.
TEMPLATE_VARIABLES = {
    "verification_code": ["code"],
    "notice": ["reference", "message"],
}

ELLIPSIS = "…"

# What went wrong, as the outbox needs it: can a later retry help, and what should staff do.
RATE_LIMITED = "rate_limited"
INVALID_NUMBER = "invalid_number"
ACCOUNT = "account"
CONFIGURATION = "configuration"
REJECTED = "rejected"
UNAVAILABLE = "unavailable"
TIMEOUT = "timeout"
NETWORK = "network"
UNKNOWN = "unknown"

RETRYABLE_KINDS = {RATE_LIMITED, UNAVAILABLE, TIMEOUT, NETWORK, UNKNOWN}


def _reason(kind):
    # Built when the error is raised, in the language then active (the site's: Chinese).
    return {
        RATE_LIMITED: _("短信服务商限流（%(code)s），稍后重试"),
        INVALID_NUMBER: _("手机号码无效或无法接收短信（%(code)s），请核对号码，重试无用"),
        ACCOUNT: _("短信服务商账户停用、欠费或不存在（%(code)s），请管理员处理短信账户，重试无用"),
        CONFIGURATION: _("短信签名、模板或密钥未通过服务商校验（%(code)s），请管理员检查短信配置，重试无用"),
        REJECTED: _("短信服务商拒绝发送（%(code)s），重试无用"),
        UNAVAILABLE: _("短信服务商暂时不可用（%(code)s），稍后重试"),
        TIMEOUT: _("短信服务商应答超时（%(code)s），稍后重试"),
        NETWORK: _("无法连接短信服务商（%(code)s），稍后重试"),
        UNKNOWN: _("短信发送失败（%(code)s），稍后重试"),
    }[kind]


def delivery_error(kind, code):
    return SmsDeliveryError(_reason(kind) % {"code": code}, code=code, retryable=kind in RETRYABLE_KINDS)


def network_error(exc_text):
    """A request that got no answer. The SDKs only hand over text (which may quote the request
    URL, hence never shown or logged); the timeout is the one case worth telling apart."""
    if "timed out" in exc_text.lower() or "timeout" in exc_text.lower():
        return delivery_error(TIMEOUT, "Timeout")
    return delivery_error(NETWORK, "ConnectionError")


def clip(value, limit):
    """A variable cut to the provider's limit, the cut marked with an ellipsis; 0 = no limit."""
    value = str(value)
    if limit and len(value) > limit:
        return value[: limit - 1] + ELLIPSIS
    return value


def split_endpoint(endpoint):
    """ "dysmsapi.aliyuncs.com" -> ("https", host); "http://127.0.0.1:8080" -> ("http", "127.0.0.1:8080")."""
    endpoint = endpoint.strip()
    if "://" in endpoint:
        parts = urlsplit(endpoint)
        return parts.scheme.lower(), parts.netloc
    return "https", endpoint.strip("/")


class ProviderBackend(BaseSmsBackend):
    """A provider's settings are checked when the backend is built (and by the accounts.E001
    system check at start-up), so a gap shows at deployment rather than at the first SMS."""

    label = ""  # for messages and logs
    prefix = ""  # settings and environment variables start with it, e.g. SMS_ALIYUN
    required_settings = ()
    templates_setting = ""
    max_chars_setting = ""

    def __init__(self):
        missing = [name for name in self.required_settings if not str(getattr(settings, name, "") or "").strip()]
        templates = getattr(settings, self.templates_setting, None) or {}
        for logical in TEMPLATE_VARIABLES:
            if not self.template_id(templates.get(logical)):
                env_name = f"{self.prefix}_TEMPLATE_{logical.upper()}"
                missing.append(f"{self.templates_setting}[{logical!r}] (environment variable {env_name})")
        if missing:
            raise ImproperlyConfigured(
                f"SMS_BACKEND is {self.label} ({type(self).__module__}.{type(self).__name__}) but these settings "
                f"are empty: {', '.join(missing)}. Set them in the environment "
                '(docs/operations.md, "SMS providers").'
            )
        self.templates = templates
        self.timeouts = (settings.SMS_PROVIDER_CONNECT_TIMEOUT_SECONDS, settings.SMS_PROVIDER_READ_TIMEOUT_SECONDS)

    def template_id(self, entry):
        return entry

    def variables(self, template, params, message):
        """[(name, value)] for the logical template, each value clipped to the provider's limit."""
        if template not in TEMPLATE_VARIABLES:
            raise SmsDeliveryError(
                _("没有名为 %(template)s 的短信模板，未发送") % {"template": template},
                code="UnknownTemplate",
                retryable=False,
            )
        values = dict(params or {})
        if template == "notice":
            # A caller that passed only the text: the whole of it goes into the message variable.
            values.setdefault("message", message)
            values.setdefault("reference", "")
        names = self.variable_names(template)
        absent = [name for name in names if values.get(name) in (None, "")]
        if template == "verification_code" and absent:
            raise SmsDeliveryError(
                _("短信模板 %(template)s 缺少变量 %(names)s，未发送")
                % {"template": template, "names": ", ".join(absent)},
                code="MissingParameter",
                retryable=False,
            )
        limit = getattr(settings, self.max_chars_setting, 0)
        return [(name, clip(values.get(name) or "", limit)) for name in names]

    def variable_names(self, template):
        return TEMPLATE_VARIABLES[template]

    def sent(self, template, request_id):
        # Never the number, the text or the variables: they are personal data (accounts/logging.py).
        logger.info("SMS sent through %s (template %s, request %s)", self.label, template, request_id)

    def failed(self, error, template, request_id=""):
        logger.warning(
            "SMS not sent through %s: %s, retryable=%s (template %s, request %s)",
            self.label,
            error.code,
            error.retryable,
            template,
            request_id or "-",
        )
        return error
