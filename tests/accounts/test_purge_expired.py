from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import SmsCode
from accounts.sms import send_code
from accounts.uploads import restore_upload, stash_upload
from tests.accounts.helpers import png_file

pytestmark = pytest.mark.django_db


def test_purge_removes_old_sms_codes_and_keeps_todays(monkeypatch):
    send_code("13900000001", "register")
    send_code("13900000002", "register")
    SmsCode.objects.filter(mobile="13900000001").update(created_at=timezone.now() - timedelta(days=3))
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert list(SmsCode.objects.values_list("mobile", flat=True)) == ["13900000002"]
    assert "SMS codes removed: 1" in out.getvalue()


def test_purge_removes_stale_stashes_only(monkeypatch):
    fresh = stash_upload(png_file())
    import accounts.uploads as uploads

    real_now = timezone.now
    monkeypatch.setattr(uploads.timezone, "now", lambda: real_now() + timedelta(days=2))
    call_command("purge_expired", stdout=StringIO())
    monkeypatch.setattr(uploads.timezone, "now", real_now)
    assert restore_upload(fresh) is None
    kept = stash_upload(png_file())
    call_command("purge_expired", stdout=StringIO())
    assert restore_upload(kept) is not None
