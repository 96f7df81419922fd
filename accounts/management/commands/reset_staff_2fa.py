"""`manage.py reset_staff_2fa <username>`: a staff member lost the phone with the authenticator.

Deletes the user's TOTP devices. Sessions verified with them stop being verified at once (django-otp
finds the session's device no more), and the next admin login starts a new enrolment
(accounts/two_factor/). For the system administrator, after checking who asks."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "重置工作人员的两步验证：删除其身份验证器设备，下次登录管理后台时重新设置。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"没有用户名为“{username}”的用户。") from None
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(f"已删除 {user.username} 的 {deleted} 个身份验证器设备，下次登录管理后台时重新设置两步验证。")
