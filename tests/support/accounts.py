"""Accounts helpers: valid registration posts per user type (to vary one field at a time), SMS codes,
a licence image, and a staff session past the second factor."""

import io
import re

from PIL import Image

from accounts.models import SmsPurpose
from accounts.sms import send_code
from accounts.sms.backends import locmem
from tests.support.factories import make_id_number, make_uscc

# S105: the password registration tests type in; it passes the complexity rules.
PASSWORD = "Abcd1234!x"  # noqa: S105


def sms_code_for(mobile, purpose=SmsPurpose.REGISTER):
    send_code(mobile, purpose)
    message = [m for m in locmem.outbox if m["mobile"] == mobile][-1]["message"]
    return re.search(r"\d{6}", message).group(0)


def png_file(name="licence.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def enterprise_data(n=1, **overrides):
    data = {
        "enterprise_category": "legal_person",
        "username": f"qiye{n:04d}",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": f"江苏示范压力容器制造有限公司{n}",
        "enterprise_type": "company",
        "credit_code": make_uscc(9000 + n),
        "province": "320000",
        "city": "320100",
        "county": "320106",
        "address": "鼓楼区测试路8号",
        "contact_name": "李四",
        "contact_id_number": make_id_number(n),
        "mobile": f"1370000{n:04d}",
        "sms_code": "",
    }
    data.update(overrides)
    return data


def individual_data(n=1, **overrides):
    data = {
        "real_name": "王小明",
        "id_number": make_id_number(500 + n),
        "province": "320000",
        "city": "320100",
        "county": "320106",
        "address": "鼓楼区测试路18号",
        "mobile": f"1360000{n:04d}",
        "sms_code": "",
        "username": f"geren{n:04d}",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def verify_staff_session(client, user):
    """Mark the client's session as having passed the staff second factor (TOTP), as
    `django_otp.login` does after a right code: the session holds the persistent id of a confirmed
    device of the user. Gives the user a confirmed device when it has none. Returns the device."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.two_factor import policy

    device = policy.confirmed_device(user)
    if device is None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name=policy.CONFIRMED_DEVICE_NAME, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
