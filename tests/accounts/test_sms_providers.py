"""The real SMS providers (Alibaba Cloud, Tencent Cloud) through their official SDKs, pointed at a
local HTTP server on 127.0.0.1 that records each request and answers as the provider would."""

import json
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts.checks import check_sms_backend
from accounts.sms.backends import get_backend, locmem
from accounts.sms.backends.aliyun import AliyunSmsBackend
from accounts.sms.backends.base import SmsDeliveryError
from accounts.sms.backends.tencent import TencentSmsBackend
from tests.support.servers import ProviderServer, closed_port_url

MOBILE = "13800138000"
ALIYUN_KEY_ID = "LTAI-test-key-id"
# S105: fake provider credentials the stand-in server checks.
ALIYUN_SECRET = "aliyun-secret-never-sent-4f1c"  # noqa: S105
TENCENT_SECRET_ID = "AKID-test-secret-id"  # noqa: S105
TENCENT_SECRET_KEY = "tencent-secret-never-sent-9b2e"  # noqa: S105
NOTICE = {"reference": "TS2026-000123", "message": "您的申请已受理"}


@pytest.fixture
def server():
    running = ProviderServer()
    yield running
    running.close()


@pytest.fixture
def aliyun(settings, server):
    settings.SMS_BACKEND = "accounts.sms.backends.aliyun.AliyunSmsBackend"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ALIYUN_KEY_ID
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_SECRET
    settings.SMS_ALIYUN_SIGN_NAME = "特种设备许可"
    settings.SMS_ALIYUN_TEMPLATES = {"verification_code": "SMS_100000001", "notice": "SMS_100000002"}
    settings.SMS_ALIYUN_ENDPOINT = server.url
    server.reply({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "A1B2-C3D4"})
    return server


@pytest.fixture
def tencent(settings, server):
    settings.SMS_BACKEND = "accounts.sms.backends.tencent.TencentSmsBackend"
    settings.SMS_TENCENT_SECRET_ID = TENCENT_SECRET_ID
    settings.SMS_TENCENT_SECRET_KEY = TENCENT_SECRET_KEY
    settings.SMS_TENCENT_SDK_APP_ID = "1400000001"
    settings.SMS_TENCENT_SIGN_NAME = "特种设备许可"
    settings.SMS_TENCENT_REGION = "ap-guangzhou"
    settings.SMS_TENCENT_TEMPLATES = {
        "verification_code": {"id": "100001", "params": ["code"]},
        "notice": {"id": "100002", "params": ["reference", "message"]},
    }
    settings.SMS_TENCENT_ENDPOINT = server.url
    server.reply(tencent_status("Ok"))
    return server


def tencent_status(code, message="send success"):
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "5000:1045710669157053657849499619",
                    "PhoneNumber": f"+86{MOBILE}",
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


def tencent_error(code):
    return {"Response": {"Error": {"Code": code, "Message": "refused"}, "RequestId": "b1-c2"}}


def delivery_error(**send):
    with pytest.raises(SmsDeliveryError) as info:
        get_backend().send(MOBILE, "【特种设备行政许可】您的申请已受理", **send)
    error = info.value
    assert MOBILE not in str(error) and "138****" not in str(error)
    assert ALIYUN_SECRET not in str(error) and TENCENT_SECRET_KEY not in str(error)
    return error


# --- Alibaba Cloud -----------------------------------------------------------------------------


def aliyun_query(request):
    return {key: values[0] for key, values in parse_qs(urlsplit(request["path"]).query).items()}


def test_aliyun_sends_the_verification_template_signed_without_the_secret(aliyun):
    biz_id = get_backend().send(
        MOBILE, "【特种设备行政许可】您的验证码为123456", template="verification_code", params={"code": "123456"}
    )

    assert biz_id == "900619746936498440^0"
    request = aliyun.last
    query = aliyun_query(request)
    assert request["headers"]["x-acs-action"] == "SendSms"
    assert request["headers"]["x-acs-version"] == "2017-05-25"
    assert query["PhoneNumbers"] == MOBILE
    assert query["SignName"] == "特种设备许可"
    assert query["TemplateCode"] == "SMS_100000001"
    assert json.loads(query["TemplateParam"]) == {"code": "123456"}
    authorization = request["headers"]["authorization"]
    assert authorization.startswith(f"ACS3-HMAC-SHA256 Credential={ALIYUN_KEY_ID},")
    assert "Signature=" in authorization and len(authorization.split("Signature=")[1]) == 64
    assert ALIYUN_SECRET not in aliyun.raw()


def test_aliyun_notice_variables_are_cut_to_the_providers_limit_with_an_ellipsis(aliyun):
    long_text = "您的申请" + "需要补正材料" * 10
    get_backend().send(
        MOBILE, long_text, template="notice", params={"reference": "TS2026-000123", "message": long_text}
    )

    variables = json.loads(aliyun_query(aliyun.last)["TemplateParam"])
    assert variables["reference"] == "TS2026-000123"
    assert len(variables["message"]) == 35
    assert variables["message"] == long_text[:34] + "…"
    assert aliyun_query(aliyun.last)["TemplateCode"] == "SMS_100000002"


@pytest.mark.parametrize(
    "code, retryable, words",
    [
        ("isv.BUSINESS_LIMIT_CONTROL", True, "限流"),
        ("isv.DAY_LIMIT_CONTROL", True, "限流"),
        ("isv.MOBILE_NUMBER_ILLEGAL", False, "手机号码无效"),
        ("isv.MOBILE_COUNT_OVER_LIMIT", False, "手机号码无效"),
        ("isv.ACCOUNT_ABNORMAL", False, "账户停用"),
        ("isv.OUT_OF_SERVICE", False, "账户停用"),
        ("isv.AMOUNT_NOT_ENOUGH", False, "欠费"),
        ("isv.ACCOUNT_NOT_EXISTS", False, "不存在"),
        ("isv.SMS_TEMPLATE_ILLEGAL", False, "模板"),
        ("isv.SMS_SIGNATURE_ILLEGAL", False, "签名"),
        ("isv.BLACK_KEY_CONTROL_LIMIT", False, "拒绝发送"),
        ("isp.SYSTEM_ERROR", True, "暂时不可用"),
        ("SomethingNew", True, "发送失败"),
    ],
)
def test_aliyun_refusals_are_delivery_errors_staff_can_read(aliyun, code, retryable, words):
    aliyun.reply({"Code": code, "Message": "refused", "RequestId": "R-1"})

    error = delivery_error(template="notice", params=NOTICE)

    assert error.code == code
    assert error.retryable is retryable
    assert words in str(error) and code in str(error)


def test_aliyun_throttling_of_the_call_itself_is_retryable(aliyun):
    aliyun.reply({"Code": "Throttling.User", "Message": "Request was denied", "RequestId": "R-2"}, status=400)
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == ("Throttling.User", True)
    assert str(error) == "短信服务商限流（Throttling.User），稍后重试"


def test_aliyun_wrong_access_key_is_a_configuration_error(aliyun):
    aliyun.reply({"Code": "InvalidAccessKeyId.NotFound", "Message": "not found", "RequestId": "R-3"}, status=404)
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == ("InvalidAccessKeyId.NotFound", False)
    assert "配置" in str(error)


def test_aliyun_http_500_is_retryable(aliyun):
    aliyun.reply({"Code": "ServiceUnavailable", "Message": "busy", "RequestId": "R-4"}, status=500)
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == ("ServiceUnavailable", True)
    assert "暂时不可用" in str(error)


def test_aliyun_an_error_page_that_is_not_json_is_retryable(aliyun):
    aliyun.reply(b"<html>502 Bad Gateway</html>", status=502, content_type="text/html")
    error = delivery_error(template="notice", params=NOTICE)
    assert error.retryable and error.code == "BadResponse"


def test_aliyun_closed_port_is_retryable(aliyun, settings):
    settings.SMS_ALIYUN_ENDPOINT = closed_port_url()
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == ("ConnectionError", True)
    assert str(error) == "无法连接短信服务商（ConnectionError），稍后重试"


def test_aliyun_a_hung_provider_times_out(aliyun, settings):
    settings.SMS_PROVIDER_READ_TIMEOUT_SECONDS = 0.3
    aliyun.delay = 1
    started = time.monotonic()
    error = delivery_error(template="notice", params=NOTICE)
    assert time.monotonic() - started < 1
    assert (error.code, error.retryable) == ("Timeout", True)


# --- Tencent Cloud -----------------------------------------------------------------------------


def test_tencent_sends_the_template_with_its_params_in_order(tencent):
    serial = get_backend().send(MOBILE, "【特种设备行政许可】您的申请已受理", template="notice", params=NOTICE)

    assert serial == "5000:1045710669157053657849499619"
    request = tencent.last
    assert request["headers"]["x-tc-action"] == "SendSms"
    assert request["headers"]["x-tc-version"] == "2021-01-11"
    assert request["headers"]["x-tc-region"] == "ap-guangzhou"
    assert request["headers"]["authorization"].startswith(f"TC3-HMAC-SHA256 Credential={TENCENT_SECRET_ID}/")
    assert "Signature=" in request["headers"]["authorization"]
    body = json.loads(request["body"])
    assert body["PhoneNumberSet"] == [f"+86{MOBILE}"]
    assert body["SmsSdkAppId"] == "1400000001"
    assert body["SignName"] == "特种设备许可"
    assert body["TemplateId"] == "100002"
    assert body["TemplateParamSet"] == ["TS2026-000123", "您的申请已受理"]
    assert TENCENT_SECRET_KEY not in tencent.raw()


def test_tencent_verification_code_and_the_configured_param_order(tencent, settings):
    settings.SMS_TENCENT_TEMPLATES = {
        "verification_code": {"id": "100001", "params": ["code"]},
        "notice": {"id": "100002", "params": ["message", "reference"]},
    }
    get_backend().send(MOBILE, "验证码123456", template="verification_code", params={"code": "123456"})
    assert json.loads(tencent.last["body"])["TemplateParamSet"] == ["123456"]
    assert json.loads(tencent.last["body"])["TemplateId"] == "100001"

    settings.SMS_TENCENT_PARAM_MAX_CHARS = 12
    get_backend().send(
        MOBILE, "…", template="notice", params={"reference": "R", "message": "一二三四五六七八九十甲乙丙丁"}
    )
    assert json.loads(tencent.last["body"])["TemplateParamSet"] == ["一二三四五六七八九十甲…", "R"]


@pytest.mark.parametrize(
    "code, retryable, words",
    [
        ("LimitExceeded.PhoneNumberDailyLimit", True, "限流"),
        ("LimitExceeded.PhoneNumberThirtySecondLimit", True, "限流"),
        ("InvalidParameterValue.IncorrectPhoneNumber", False, "手机号码无效"),
        ("FailedOperation.PhoneNumberInBlacklist", False, "手机号码无效"),
        ("FailedOperation.ContainSensitiveWord", False, "拒绝发送"),
    ],
)
def test_tencent_refusal_of_the_number(tencent, code, retryable, words):
    tencent.reply(tencent_status(code, "refused"))
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == (code, retryable)
    assert words in str(error) and code in str(error)


@pytest.mark.parametrize(
    "code, retryable, words",
    [
        ("FailedOperation.InsufficientBalanceInSmsPackage", False, "欠费"),
        ("UnauthorizedOperation.ServiceSuspendDueToArrears", False, "账户停用"),
        ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", False, "配置"),
        ("AuthFailure.SignatureFailure", False, "配置"),
        ("FailedOperation.SignatureIncorrectOrUnapproved", False, "签名"),
        ("FailedOperation.TemplateIncorrectOrUnapproved", False, "模板"),
        ("LimitExceeded.DeliveryFrequencyLimit", True, "限流"),
        ("RequestLimitExceeded", True, "限流"),
        ("InternalError.Timeout", True, "暂时不可用"),
    ],
)
def test_tencent_refusal_of_the_call(tencent, code, retryable, words):
    tencent.reply(tencent_error(code))
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == (code, retryable)
    assert words in str(error)


def test_tencent_http_500_is_retryable(tencent):
    tencent.reply(b"upstream error", status=500, content_type="text/plain")
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == ("ServerNetworkError", True)


def test_tencent_closed_port_is_retryable(tencent, settings):
    settings.SMS_TENCENT_ENDPOINT = closed_port_url()
    error = delivery_error(template="notice", params=NOTICE)
    assert (error.code, error.retryable) == ("ConnectionError", True)


def test_tencent_a_hung_provider_times_out(tencent, settings):
    settings.SMS_PROVIDER_READ_TIMEOUT_SECONDS = 0.3
    tencent.delay = 1
    started = time.monotonic()
    error = delivery_error(template="notice", params=NOTICE)
    assert time.monotonic() - started < 1
    assert (error.code, error.retryable) == ("Timeout", True)


# --- Both --------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["aliyun", "tencent"])
def test_nothing_personal_or_secret_is_logged(request, caplog, backend):
    server = request.getfixturevalue(backend)
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="accounts")
    get_backend().send(MOBILE, "验证码123456", template="verification_code", params={"code": "123456"})
    server.reply({"Code": "isv.MOBILE_NUMBER_ILLEGAL"} if backend == "aliyun" else tencent_error("InternalError"))
    delivery_error(template="notice", params=NOTICE)

    assert any("SMS sent through" in r.getMessage() for r in caplog.records)
    assert any("SMS not sent through" in r.getMessage() for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        for secret in (MOBILE, "123456", ALIYUN_SECRET, TENCENT_SECRET_KEY, "您的申请已受理"):
            assert secret not in text


@pytest.mark.parametrize("backend", ["aliyun", "tencent"])
def test_a_verification_code_without_its_code_is_not_sent(request, backend):
    server = request.getfixturevalue(backend)
    error = delivery_error(template="verification_code", params={})
    assert (error.code, error.retryable) == ("MissingParameter", False)
    error = delivery_error(template="welcome", params={})
    assert (error.code, error.retryable) == ("UnknownTemplate", False)
    assert server.requests == []


@pytest.mark.parametrize(
    "backend_class, setting, env_name",
    [
        (AliyunSmsBackend, "SMS_ALIYUN_ACCESS_KEY_SECRET", "SMS_ALIYUN_ACCESS_KEY_SECRET"),
        (AliyunSmsBackend, "SMS_ALIYUN_SIGN_NAME", "SMS_ALIYUN_SIGN_NAME"),
        (TencentSmsBackend, "SMS_TENCENT_SECRET_KEY", "SMS_TENCENT_SECRET_KEY"),
        (TencentSmsBackend, "SMS_TENCENT_SDK_APP_ID", "SMS_TENCENT_SDK_APP_ID"),
    ],
)
def test_missing_settings_fail_at_construction_and_in_the_system_check(
    request, settings, backend_class, setting, env_name
):
    request.getfixturevalue("aliyun" if backend_class is AliyunSmsBackend else "tencent")
    setattr(settings, setting, "")

    with pytest.raises(ImproperlyConfigured, match=env_name):
        backend_class()
    errors = check_sms_backend()
    assert [e.id for e in errors] == ["accounts.E001"]
    assert env_name in errors[0].msg and "docs/operations.md" in errors[0].msg
    with pytest.raises(SystemCheckError, match="accounts.E001"):
        call_command("check")


@pytest.mark.parametrize(
    "backend, setting, value, env_name",
    [
        ("aliyun", "SMS_ALIYUN_TEMPLATES", {"verification_code": "SMS_1", "notice": ""}, "SMS_ALIYUN_TEMPLATE_NOTICE"),
        (
            "tencent",
            "SMS_TENCENT_TEMPLATES",
            {"notice": {"id": "2", "params": ["reference", "message"]}},
            "SMS_TENCENT_TEMPLATE_VERIFICATION_CODE",
        ),
    ],
)
def test_a_missing_template_is_named_with_its_environment_variable(
    request, settings, backend, setting, value, env_name
):
    request.getfixturevalue(backend)
    setattr(settings, setting, value)
    with pytest.raises(ImproperlyConfigured, match=env_name):
        get_backend()


def test_the_check_passes_a_complete_configuration_and_warns_about_plain_http(aliyun, settings):
    assert [e.id for e in check_sms_backend()] == ["accounts.W001"]  # the test server is plain http
    settings.SMS_ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
    assert check_sms_backend() == []


def test_the_check_reports_a_backend_that_cannot_be_imported(settings):
    settings.SMS_BACKEND = "accounts.sms.backends.nowhere.Backend"
    errors = check_sms_backend()
    assert [(e.id, e.level) for e in errors] == [("accounts.E002", checks.ERROR)]


def test_console_and_locmem_stay_for_development(settings, caplog):
    settings.SMS_BACKEND = "accounts.sms.backends.locmem.LocmemBackend"
    locmem.outbox.clear()
    get_backend().send(MOBILE, "验证码123456", template="verification_code", params={"code": "123456"})
    assert locmem.outbox == [
        {"mobile": MOBILE, "message": "验证码123456", "template": "verification_code", "params": {"code": "123456"}}
    ]
    assert check_sms_backend() == []

    settings.SMS_BACKEND = "accounts.sms.backends.console.ConsoleBackend"
    get_backend().send(MOBILE, "验证码654321")
    assert any("验证码654321" in r.getMessage() for r in caplog.records)
