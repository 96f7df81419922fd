"""Delete what the portal no longer needs: stale stashed uploads and old SMS codes.

Run daily (cron or systemd timer). Personal data is kept no longer than its purpose needs
(PIPL): an SMS code only matters for its 5 minutes and for today's send count.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts.models import SmsCode
from accounts.uploads import purge_stale_stashes

SMS_CODE_RETENTION = timedelta(days=2)


class Command(BaseCommand):
    help = "删除过期的暂存上传文件和短信验证码记录"

    def handle(self, *args, **options):
        files = purge_stale_stashes()
        codes, _ = SmsCode.objects.filter(created_at__lt=timezone.now() - SMS_CODE_RETENTION).delete()
        self.stdout.write(f"stashed uploads removed: {files}; SMS codes removed: {codes}")
