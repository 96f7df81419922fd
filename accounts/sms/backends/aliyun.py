"""Alibaba Cloud SMS (阿里云短信服务, dysmsapi 2017-05-25 SendSms) through its official SDK.

SMS_BACKEND = "accounts.sms.backends.aliyun.AliyunSmsBackend"; settings SMS_ALIYUN_* (README,
docs/operations.md "SMS providers"). A business refusal (quota, number, account, template) comes
back with HTTP 200 and a Code other than "OK"; a refusal of the call itself (throttling, bad
AccessKey, signature) comes back as HTTP 4xx and the SDK raises it. Both end as SmsDeliveryError.
"""

import json

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
from alibabacloud_tea_openapi.models import Config
from darabonba.exceptions import RetryError
from django.conf import settings
from Tea.exceptions import UnretryableException

from . import provider

RATE_LIMITED = {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL"}
INVALID_NUMBER = {"isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT"}
ACCOUNT = {"isv.ACCOUNT_ABNORMAL", "isv.OUT_OF_SERVICE", "isv.AMOUNT_NOT_ENOUGH", "isv.ACCOUNT_NOT_EXISTS"}
CONFIGURATION = {
    "isv.SMS_TEMPLATE_ILLEGAL",
    "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.TEMPLATE_PARAMS_ILLEGAL",
    "isv.INVALID_JSON_PARAM",
    "isv.PARAM_LENGTH_LIMIT",
    "isp.RAM_PERMISSION_DENY",
    "SignatureDoesNotMatch",
}
# Refusals of the call itself: a wrong or disabled AccessKey, a RAM user without the permission.
CONFIGURATION_PREFIXES = ("InvalidAccessKeyId", "Forbidden")


def classify(code, status=200):
    """The kind of failure (provider.RATE_LIMITED, ...) for an Aliyun error code."""
    if code in RATE_LIMITED or code.startswith("Throttling"):
        return provider.RATE_LIMITED
    if code in INVALID_NUMBER:
        return provider.INVALID_NUMBER
    if code in ACCOUNT:
        return provider.ACCOUNT
    if code in CONFIGURATION or code.startswith(CONFIGURATION_PREFIXES):
        return provider.CONFIGURATION
    if code.startswith("isp.") or status >= 500:
        return provider.UNAVAILABLE  # the provider's own system error
    if code.startswith("isv.") or 400 <= status < 500:
        return provider.REJECTED  # the request is wrong: the same request fails again
    return provider.UNKNOWN


class AliyunSmsBackend(provider.ProviderBackend):
    label = "Alibaba Cloud SMS"
    prefix = "SMS_ALIYUN"
    required_settings = ("SMS_ALIYUN_ACCESS_KEY_ID", "SMS_ALIYUN_ACCESS_KEY_SECRET", "SMS_ALIYUN_SIGN_NAME")
    templates_setting = "SMS_ALIYUN_TEMPLATES"
    max_chars_setting = "SMS_ALIYUN_PARAM_MAX_CHARS"

    def __init__(self):
        super().__init__()
        scheme, host = provider.split_endpoint(settings.SMS_ALIYUN_ENDPOINT)
        connect, read = self.timeouts
        config = Config(
            access_key_id=settings.SMS_ALIYUN_ACCESS_KEY_ID,
            access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET,
            endpoint=host,
            protocol=scheme.upper(),
            connect_timeout=int(connect * 1000),  # milliseconds
            read_timeout=int(read * 1000),
        )
        # No retry_options: the SDK tries once; retrying is the outbox's decision.
        self.client = Client(config)

    def send(self, mobile, message, *, template="notice", params=None):
        variables = dict(self.variables(template, params, message))
        request = SendSmsRequest(
            phone_numbers=mobile,
            sign_name=settings.SMS_ALIYUN_SIGN_NAME,
            template_code=self.templates[template],
            template_param=json.dumps(variables, ensure_ascii=False),
        )
        try:
            body = self.client.send_sms(request).body
        except AlibabaCloudException as exc:
            code = exc.code if exc.code and exc.code != "None" else f"HTTP {exc.status_code}"
            status = exc.status_code or 0
            raise self.failed(provider.delivery_error(classify(code, status), code), template, exc.request_id) from None
        except UnretryableException as exc:
            # No answer, or an answer that is not JSON (a proxy's error page). Its text quotes the
            # request URL, so neither it nor the original traceback goes further.
            if isinstance(exc.inner_exception, RetryError):
                error = provider.network_error(str(exc.inner_exception.message))
            else:
                error = provider.delivery_error(provider.UNAVAILABLE, "BadResponse")
            raise self.failed(error, template) from None
        if body.code != "OK":
            code = body.code or "NoCode"
            raise self.failed(provider.delivery_error(classify(code), code), template, body.request_id)
        self.sent(template, body.request_id)
        return body.biz_id
