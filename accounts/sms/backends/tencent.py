"""Tencent Cloud SMS (腾讯云短信, sms 2021-01-11 SendSms) through its official SDK.

SMS_BACKEND = "accounts.sms.backends.tencent.TencentSmsBackend"; settings SMS_TENCENT_* (README,
docs/operations.md "SMS providers"). Tencent templates are positional ({1}, {2}), so each logical
template names its variables in order in SMS_TENCENT_TEMPLATES. A refusal of the call comes back as
Response.Error (the SDK raises it); a refusal of the number as SendStatusSet[0].Code other than "Ok".
"""

from django.conf import settings
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

from . import provider

INVALID_NUMBER = {
    "InvalidParameterValue.IncorrectPhoneNumber",
    "FailedOperation.PhoneNumberParseFail",
    "FailedOperation.PhoneNumberInBlacklist",  # the owner unsubscribed
    "LimitExceeded.AppCountryOrRegionInBlacklist",
    "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone",
}
ACCOUNT = {
    "FailedOperation.InsufficientBalanceInSmsPackage",
    "FailedOperation.NotEnterpriseCertification",
    "UnauthorizedOperation.ServiceSuspendDueToArrears",
    "UnauthorizedOperation.SdkAppIdIsDisabled",
}
CONFIGURATION = {
    "FailedOperation.SignatureIncorrectOrUnapproved",
    "FailedOperation.TemplateIncorrectOrUnapproved",
    "FailedOperation.TemplateUnapprovedOrNotExist",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
    "FailedOperation.TemplateIdNotExist",
    "FailedOperation.MissingSignature",
    "FailedOperation.SignIdNotExist",
    "InvalidParameterValue.SdkAppIdNotExist",
    "InvalidParameterValue.TemplateParameterFormatError",
    "InvalidParameterValue.TemplateParameterLengthLimit",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter",
}
# Wrong SecretId/SecretKey or signature, an SDK app the key may not use, a caller IP not allowed.
CONFIGURATION_PREFIXES = ("AuthFailure", "UnauthorizedOperation")
REJECTED_PREFIXES = ("FailedOperation", "InvalidParameter", "MissingParameter", "UnsupportedOperation")


def classify(code):
    """The kind of failure (provider.RATE_LIMITED, ...) for a Tencent error code."""
    if code in INVALID_NUMBER:
        return provider.INVALID_NUMBER
    if code.startswith(("LimitExceeded", "RequestLimitExceeded")):
        return provider.RATE_LIMITED
    if code in ACCOUNT:
        return provider.ACCOUNT
    if code in CONFIGURATION or code.startswith(CONFIGURATION_PREFIXES):
        return provider.CONFIGURATION
    if code.startswith(("InternalError", "ServerNetworkError")):
        return provider.UNAVAILABLE  # Tencent's own failure, or an HTTP status other than 200
    if code.startswith(REJECTED_PREFIXES):
        return provider.REJECTED  # the request is wrong: the same request fails again
    return provider.UNKNOWN


def e164(mobile):
    mobile = mobile.strip()
    return mobile if mobile.startswith("+") else f"+86{mobile}"


class TencentSmsBackend(provider.ProviderBackend):
    label = "Tencent Cloud SMS"
    prefix = "SMS_TENCENT"
    required_settings = (
        "SMS_TENCENT_SECRET_ID",
        "SMS_TENCENT_SECRET_KEY",
        "SMS_TENCENT_SDK_APP_ID",
        "SMS_TENCENT_SIGN_NAME",
        "SMS_TENCENT_REGION",
    )
    templates_setting = "SMS_TENCENT_TEMPLATES"
    max_chars_setting = "SMS_TENCENT_PARAM_MAX_CHARS"

    def __init__(self):
        super().__init__()
        scheme, host = provider.split_endpoint(settings.SMS_TENCENT_ENDPOINT)
        # requests takes (connect, read); the SDK passes reqTimeout through to it unchanged.
        http = HttpProfile(protocol=scheme, endpoint=host, reqTimeout=self.timeouts)
        credential = Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY)
        # No retryer and no region breaker: one try at the configured endpoint; retrying is the outbox's call.
        self.client = SmsClient(credential, settings.SMS_TENCENT_REGION, ClientProfile(httpProfile=http))

    def template_id(self, entry):
        return entry.get("id") if isinstance(entry, dict) else entry

    def variable_names(self, template):
        entry = self.templates.get(template)
        names = entry.get("params") if isinstance(entry, dict) else None
        return list(names or provider.TEMPLATE_VARIABLES[template])

    def send(self, mobile, message, *, template="notice", params=None):
        variables = self.variables(template, params, message)
        request = SendSmsRequest()
        request.PhoneNumberSet = [e164(mobile)]
        request.SmsSdkAppId = str(settings.SMS_TENCENT_SDK_APP_ID)
        request.SignName = settings.SMS_TENCENT_SIGN_NAME
        request.TemplateId = str(self.template_id(self.templates[template]))
        request.TemplateParamSet = [value for _name, value in variables]
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            code = exc.code or "NoCode"
            if code == "ClientNetworkError":
                # Its message quotes the request, so it is neither shown nor logged.
                error = provider.network_error(str(exc.message or ""))
            else:
                error = provider.delivery_error(classify(code), code)
            raise self.failed(error, template, exc.requestId) from None
        statuses = response.SendStatusSet or []
        status = statuses[0] if statuses else None
        if status is None or status.Code != "Ok":
            code = (status.Code if status else "") or "NoSendStatus"
            raise self.failed(provider.delivery_error(classify(code), code), template, response.RequestId)
        self.sent(template, response.RequestId)
        return status.SerialNo
