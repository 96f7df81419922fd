"""Who must pass the second factor, and the TOTP devices behind it."""

import base64

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set at login for a user who can reach the admin. The middleware then asks for the second factor
# on every path (a staff member's guardian permissions also open portal pages such as an
# application's detail), without computing admin access, i.e. querying permissions, on each
# request of every applicant.
SESSION_FLAG = "staff_2fa_required"
ENROLMENT_DEVICE_NAME = "enrolment"
CONFIRMED_DEVICE_NAME = "authenticator"


def required():
    return getattr(settings, "STAFF_2FA_REQUIRED", True)


def can_access_admin(user):
    """Everyone the Wagtail admin lets in: the flags first, as they cost no query."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def mark_session_on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and can_access_admin(user):
        request.session[SESSION_FLAG] = True


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def enrolment_device(user):
    """The unconfirmed device of an enrolment in progress: the same secret across reloads of the
    enrolment page, so the QR code scanned a minute ago still matches."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).filter(name=ENROLMENT_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
    return device


def confirm(device):
    """The first right code makes the device the user's; stale enrolment attempts go."""
    device.name = CONFIRMED_DEVICE_NAME
    device.confirmed = True
    device.save(update_fields=["name", "confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).exclude(pk=device.pk).delete()


def base32_secret(device):
    """The secret as authenticator apps take it when typed instead of scanned."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def is_verified_session(request):
    user = request.user
    return bool(getattr(user, "is_verified", None) and user.is_verified())
