"""演示数据: what `make run` loads after `migrate`, so every role can be tried at once.

`setup_portal` first (the reference data a real site has: authorities, review bodies, staff groups,
catalogue, forms, pages), then the demo on top: one account per role sharing one published password
and TOTP secret, a staff account for every provincial bureau, the review bodies' fictitious contacts
(demo/accounts.py) and the demo enterprise's applications in three states (demo/applications.py).
Safe to run again: accounts are repaired in place and the applications are made once.
"""

import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from cms.models import LicenseItemPage, LicenseLevel
from demo import accounts, applications
from demo import signing as demo_signing

# The bureau the summary names as its example of staff_<region code>.
PROVINCE_STAFF_EXAMPLE = accounts.province_staff_username("330000")


def display_width(text):
    # Chinese characters take two terminal columns; ljust() would misalign the table.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, width):
    return text + " " * (width - display_width(text))


class Command(BaseCommand):
    help = (
        "载入演示数据：先运行 setup_portal（参考数据），再添加各角色演示账号、每个省级审批机关一个工作人员账号"
        "和演示企业的许可申请（可重复执行；仅限开发、测试和压测环境）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也写入演示账号（仅限测试环境；生产环境切勿使用）。",
        )

    def handle(self, *args, force=False, **options):
        # Every demo account, the superuser included, has a published password: never on a real server.
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo 会创建密码公开的演示账号，只能在 DEBUG 开启的本地环境运行（测试可加 --force）。"
            )

        # The demo applications notify their parties like real ones do. The in-app messages are the
        # point; e-mails and SMS about made-up events must not leave the machine.
        quiet = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            SMS_BACKEND="accounts.sms.backends.locmem.LocmemBackend",
        )
        with quiet, transaction.atomic():
            call_command("setup_portal", stdout=self.stdout, stderr=self.stderr, verbosity=options["verbosity"])
            accounts.fill_review_body_contacts()
            logins = accounts.load_accounts()
            province_staff = accounts.load_province_staff()
            accounts.load_totp_devices(
                [username for username, _role, url in logins if url.endswith("/admin/")]
                + [username for username, _name in province_staff]
            )
            # Before the applications, so their decision letters and licence are signed.
            signing_summary = demo_signing.load_signing_identities()
            demo_applications, demo_warnings = applications.load_demo_applications()

        self.stdout.write(
            f"许可目录 {LicenseItemPage.objects.count()} 个许可项目、{LicenseLevel.objects.count()} 个级别/参数。"
        )
        self.print_signing(signing_summary)
        if demo_applications is None:
            self.stdout.write("演示企业已有提交过的许可申请，未再添加演示申请。")
        else:
            self.stdout.write(f"演示企业的许可申请 {len(demo_applications)} 份：")
            for line in demo_applications:
                self.stdout.write(f"  {line}")
        for warning in demo_warnings:
            self.stdout.write(self.style.WARNING(f"演示申请未能添加：{warning}"))
        self.print_logins(logins, province_staff)
        self.stdout.write(
            f"工作人员账号登录管理后台还须两步验证：在手机的身份验证器中添加密钥 {accounts.DEMO_TOTP_SECRET}"
            "（TOTP，6位，30秒），登录后输入其显示的动态验证码。"
        )
        self.stdout.write(self.style.WARNING("演示密钥与演示密码一样是公开的，仅供试用，切勿用于生产环境。"))

    def print_signing(self, summary):
        if summary.problem:
            self.stdout.write(self.style.WARNING(f"演示电子签章证书未配置：{summary.problem}；文书将不带电子签章。"))
            return
        self.stdout.write(
            f"电子签章证书：{summary.authorities} 个审批机关均已配置（本次新建 {summary.created} 个），"
            f"演示根证书和证书文件在 {summary.directory}，口令在环境变量 {demo_signing.PASSPHRASE_ENV}。"
        )

    def print_logins(self, logins, province_staff):
        """A short summary that fits a terminal: the password once, the accounts by where they log
        in, and one line for the thirty other bureaus' staff instead of thirty rows."""
        total = len(logins) + len(province_staff)
        self.stdout.write(self.style.SUCCESS(f"演示账号 {total} 个，密码均为 {accounts.DEMO_PASSWORD}："))
        by_url = {}
        for username, role, url in logins:
            by_url.setdefault(url, []).append((username, str(role)))
        pattern = f"{accounts.PROVINCE_STAFF_PREFIX}<行政区划代码>"
        width = max(display_width(name) for name in [pattern, *(username for username, _role, _url in logins)])
        for url, group in by_url.items():
            staff = url.endswith("/admin/")
            self.stdout.write(f"{'工作人员' if staff else '申请人'}在 {url} 登录：")
            for username, role in group:
                self.stdout.write(f"  {pad(username, width)}  {role}")
            if staff and province_staff:
                names = dict(province_staff)
                example = PROVINCE_STAFF_EXAMPLE if PROVINCE_STAFF_EXAMPLE in names else province_staff[0][0]
                self.stdout.write(
                    f"  {pad(pattern, width)}  其他 {len(province_staff)} 个省级审批机关各一个，"
                    f"如 {example}（{names[example]}），密码同上"
                )
