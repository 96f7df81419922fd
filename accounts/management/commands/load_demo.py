"""演示数据: what `make run` loads after `migrate`, so every role can be tried at once.

The authorities are the real structure of the licensing system (SAMR for national items, one
market-regulation bureau per province, DOMAIN.md), the review bodies are four real inspection
institutes, and the applicants and staff are demo accounts sharing one published password.
Everything is looked up by a natural key and updated in place, so running the command again
repairs the demo data instead of duplicating it. The portal content (the licence catalogue, its
application form, the review feedback form, the operating guide and the home page's service entries,
from cms/demo.py, forms_config/demo_form.py and forms_config/demo_feedback_form.py) is the exception:
it belongs to the editors, so a run only adds what is missing and never overwrites their changes.

So that every role finds work on first login, the demo enterprise gets three applications, driven
through the real services and actions (never by setting a state): one submitted (waiting for
bj_staff), one accepted with csei as review body and csei's proposal of review dates open (waiting
for demo_enterprise), and one approved with its licence (its 评审反馈表 still to fill). They are
made once: a run finds the enterprise's submitted applications and leaves them alone.
"""

import base64
import datetime
import functools
import io
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page, Site

from accounts.models import (
    ApprovalStatus,
    Authority,
    AuthorityLevel,
    EnterpriseCategory,
    EnterpriseType,
    InstitutionType,
    Organisation,
    OrganisationKind,
    Region,
    ReviewBody,
)
from accounts.two_factor.policy import CONFIRMED_DEVICE_NAME
from accounts.validators import org_code_check_char, ric_check_char, uscc_check_char
from cms import demo as cms_demo
from cms.models import HomePage, LicenseItemPage, LicenseLevel
from forms_config.demo_feedback_form import build_demo_feedback_form
from forms_config.demo_form import build_demo_form
from forms_config.pdf import cjk_font
from workflows import actions, services
from workflows.models import Application, ApplicationState, ReviewConclusion, WorkflowSettings
from workflows.working_days import add_working_days

# Only the demo accounts below use it; it passes PasswordComplexityValidator (seed 1.3).
DEMO_PASSWORD = "Demo@2026pass"
# Staff log in with a TOTP code as well (accounts/two_factor/). The demo staff accounts share this
# published secret so the demo can be tried with any authenticator app; like the password, it must
# never be used on a real server.
DEMO_TOTP_KEY = b"portal-demo-totp-key"  # 20 bytes, as TOTPDevice keys
DEMO_TOTP_SECRET = base64.b32encode(DEMO_TOTP_KEY).decode("ascii")

SAMR_NAME = "国家市场监督管理总局"
AUTHORITY_STAFF_GROUP = "审批机关工作人员"
REVIEW_BODY_STAFF_GROUP = "鉴定评审机构工作人员"
EDITOR_GROUP = "内容编辑"
# Created by wagtailcore's migrations with page permissions on the whole tree; only Moderators
# may publish pages, and an editor must be able to put a licence item live.
WAGTAIL_EDITORS_GROUP = "Editors"
WAGTAIL_MODERATORS_GROUP = "Moderators"

CSEI_NAME = "中国特种设备检测研究院"
REVIEW_BODIES = [
    # name, region, contact person, contact phone (the contact details are fictitious: the
    # 受理决定书 prints them, and a demo must not send applicants to a real switchboard).
    (CSEI_NAME, "110000", "刘评审", "010-00000000"),
    ("北京市特种设备检验检测研究院", "110000", "", ""),
    ("江苏省特种设备安全监督检验研究院", "320000", "", ""),
    ("广东省特种设备检测研究院", "440000", "", ""),
]

HOME_TITLE = "特种设备行政许可申报系统"
HOME_INTRO = (
    "<p>特种设备行政许可申报系统是特种设备生产单位（设计、制造、安装、改造、修理）和充装单位"
    "向国家市场监督管理总局及省级市场监督管理局申请行政许可的网上办事平台，依据"
    "《特种设备生产和充装单位许可规则》（TSG 07-2019）办理。</p>"
    "<p>申请单位注册并登录后，可以选择许可项目，在线填写许可申请书，保存草稿、打印申请材料并提交；"
    "提交后可随时查看受理、鉴定评审和审查发证的进度，按补正告知书一次性补正材料，"
    "与鉴定评审机构协商评审时间，并在评审结束后填写评审反馈表。</p>"
    "<p>个人用户、企业用户和机构用户请先注册；机构用户注册后须经审核通过方可登录。</p>"
)


# The demo enterprise makes boilers in Beijing. Its applications are for provincial levels of the
# demo catalogue (cms/demo_catalogue.py), so 北京市市场监督管理局 decides them and bj_staff sees them.
DEMO_APPLICANT = "demo_enterprise"
DEMO_OFFICER = "bj_staff"
DEMO_REVIEWER = "csei_staff"
DEMO_APPROVED_LEVEL = ("boiler-manufacture", "B")
DEMO_ACCEPTED_LEVEL = ("boiler-installation", "B")
DEMO_SUBMITTED_LEVEL = ("pressure-vessel-manufacture-fixed", "D")


class DemoSkipped(Exception):
    """A demo application the current catalogue or forms cannot carry (an editor changed them)."""


def make_uscc(registration_prefix, org_body):
    """A valid 18-character code: registration authority, type and region, then the org code."""
    head = registration_prefix + org_body + org_code_check_char(org_body)
    return head + uscc_check_char(head)


def make_id_number(region_code, birth_date, sequence):
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    return body + ric_check_char(body)


@functools.cache
def demo_pdf(title, lines=()):
    """A one-page PDF standing in for an uploaded document (质量手册, 评审报告, ...).

    Drawn with reportlab, which xhtml2pdf brings, in the documents' CJK font so it reads as a
    document when opened. `invariant` leaves out the creation date: every run makes the same bytes,
    so each is drawn once (embedding the font's glyphs is the slow part)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = cjk_font().name
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(title)
    page.setFont(font, 18)
    page.drawString(72, 760, title)
    page.setFont(font, 11)
    for index, line in enumerate(["演示文件，内容仅供试用系统。", *lines]):
        page.drawString(72, 730 - 18 * index, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def demo_application_values(application_type, license_number, today):
    """What the demo enterprise fills in on the demo application form (forms_config/demo_form.py)
    beyond what its account prefills; keys the form does not have are ignored by save_values."""
    return {
        "production_address": "北京市朝阳区示范工业园8号",
        "legal_representative": "张建国",
        "postcode": "100020",
        "application_type": application_type,
        "existing_license_number": license_number,
        "technical_staff": [
            {
                "name": "王建军",
                "id_number": make_id_number("110105", datetime.date(1976, 4, 12), 215),
                "certificate_number": "GLZZ-2022-0316",
                "certificate_valid_until": "2027-06-30",
            },
            {
                "name": "刘芳",
                "id_number": make_id_number("110105", datetime.date(1988, 9, 3), 326),
                "certificate_number": "HG-2023-1088",
                "certificate_valid_until": "2027-09-30",
            },
            {
                "name": "陈志强",
                "id_number": make_id_number("110108", datetime.date(1982, 1, 25), 417),
                "certificate_number": "RT-II-2024-0452",
                "certificate_valid_until": "2028-12-31",
            },
        ],
        "technical_staff_count": "12",
        "certified_worker_count": "36",
        "production_equipment": [
            {"name": "数控卷板机", "model": "W11S-40×3000", "quantity": "1"},
            {"name": "埋弧自动焊机", "model": "MZ-1250", "quantity": "4"},
            {"name": "X射线探伤机", "model": "XXG-3005", "quantity": "2"},
        ],
        "site_area": "3200",
        "qms_version": "第2版，2026年1月1日实施",
        "quality_engineer": "赵德明",
        "declaration": True,
        "declaration_date": today.isoformat(),
    }


def display_width(text):
    # Chinese characters take two terminal columns; ljust() would misalign the table.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, width):
    return text + " " * (width - display_width(text))


class Command(BaseCommand):
    help = (
        "载入演示数据：审批机关、鉴定评审机构、工作人员用户组、门户首页、许可目录、申请书表单、操作指南"
        "和各角色演示账号（可重复执行）。"
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

        # The demo applications notify their parties like real ones do. The in-app messages are
        # the point; e-mails and SMS about made-up events must not leave the machine.
        quiet = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            SMS_BACKEND="accounts.sms.backends.locmem.LocmemBackend",
        )
        with quiet, transaction.atomic():
            samr, provincial = self.load_authorities()
            review_bodies = self.load_review_bodies()
            groups = self.load_staff_groups()
            home = self.load_home_page()
            missing_field_types = self.load_portal_content(home)
            logins = self.load_accounts(samr, provincial["110000"], review_bodies[CSEI_NAME], groups)
            self.load_totp_devices([username for username, _role, url in logins if url.endswith("/admin/")])
            demo_applications, demo_warnings = self.load_demo_applications(
                provincial["110000"], review_bodies[CSEI_NAME]
            )

        self.stdout.write(
            self.style.SUCCESS(
                f"审批机关 {1 + len(provincial)} 个，鉴定评审机构 {len(review_bodies)} 个，演示账号 {len(logins)} 个。"
            )
        )
        self.stdout.write(
            f"许可目录 {LicenseItemPage.objects.count()} 个许可项目、{LicenseLevel.objects.count()} 个级别/参数，"
            "申请书表单 1 份，评审反馈表 1 份，操作指南 1 篇。"
        )
        if demo_applications is None:
            self.stdout.write("演示企业已有提交过的许可申请，未再添加演示申请。")
        else:
            self.stdout.write(f"演示企业的许可申请 {len(demo_applications)} 份：")
            for line in demo_applications:
                self.stdout.write(f"  {line}")
        for warning in demo_warnings:
            self.stdout.write(self.style.WARNING(f"演示申请未能添加：{warning}"))
        if missing_field_types:
            self.stdout.write(
                self.style.WARNING(
                    "以下字段类型尚未注册，演示申请书暂缺这些字段（注册后再次运行即可补齐）："
                    + "、".join(missing_field_types)
                )
            )
        self.print_logins(logins)
        self.stdout.write(
            f"工作人员账号登录管理后台还须两步验证：在手机的身份验证器中添加密钥 {DEMO_TOTP_SECRET}"
            "（TOTP，6位，30秒），登录后输入其显示的动态验证码。"
        )
        self.stdout.write(self.style.WARNING("演示密钥与演示密码一样是公开的，仅供试用，切勿用于生产环境。"))

    # --- organisations -------------------------------------------------------------------

    def load_authorities(self):
        samr, _created = Authority.objects.update_or_create(
            authority_level=AuthorityLevel.NATIONAL, defaults={"name": SAMR_NAME, "region": None}
        )
        provincial = {}
        for province in Region.objects.filter(level=Region.Level.PROVINCE):
            provincial[province.code], _created = Authority.objects.update_or_create(
                authority_level=AuthorityLevel.PROVINCIAL,
                region=province,
                defaults={"name": f"{province.name}市场监督管理局"},
            )
        if not provincial:
            raise CommandError("没有省级行政区划数据，请先运行 migrate（accounts 0002 载入 GB/T 2260 区划）。")
        return samr, provincial

    def load_review_bodies(self):
        bodies = {}
        for name, region_code, contact_name, contact_phone in REVIEW_BODIES:
            bodies[name], _created = ReviewBody.objects.update_or_create(
                name=name,
                defaults={
                    "region_id": region_code,
                    "contact_name": contact_name,
                    "contact_phone": contact_phone,
                },
            )
        return bodies

    # --- staff roles -------------------------------------------------------------------

    def load_staff_groups(self):
        access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        groups = {}
        for name in (AUTHORITY_STAFF_GROUP, REVIEW_BODY_STAFF_GROUP, EDITOR_GROUP):
            groups[name], _created = Group.objects.get_or_create(name=name)
            groups[name].permissions.add(access_admin)
        # Application forms are snippets: editors create, change and publish them.
        groups[EDITOR_GROUP].permissions.add(
            *Permission.objects.filter(
                content_type__app_label="forms_config",
                codename__in=[
                    "add_applicationformschema",
                    "change_applicationformschema",
                    "publish_applicationformschema",
                    "view_applicationformschema",
                ],
            )
        )
        # Page permissions live on Wagtail's own groups; reuse them rather than copy them.
        for name in (WAGTAIL_EDITORS_GROUP, WAGTAIL_MODERATORS_GROUP):
            groups[name] = Group.objects.filter(name=name).first()
        return groups

    # --- CMS -------------------------------------------------------------------------------

    def load_home_page(self):
        home = HomePage.objects.first()
        # wagtailcore's migration leaves a plain "Welcome to your new Wagtail site!" page at
        # depth 2 with the slug "home", as the default site's root.
        welcome = Page.objects.filter(
            depth=2, slug="home", content_type=ContentType.objects.get_for_model(Page)
        ).first()

        if home is None:
            root = Page.get_first_root_node()
            if welcome is not None:
                # Sibling slugs are unique; free "home" before adding the real home page.
                welcome.slug = f"wagtail-welcome-{welcome.pk}"
                welcome.save()
            home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", intro=HOME_INTRO))
            home.save_revision().publish()

        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE
            )
        elif site.root_page_id != home.pk or not site.site_name:
            site.root_page = home
            site.site_name = site.site_name or HOME_TITLE
            site.save()

        # Only after the site has moved: Site.root_page cascades, so deleting first would
        # delete the default site with it.
        if welcome is not None:
            welcome.refresh_from_db()
            if welcome.numchild == 0 and not Site.objects.filter(root_page=welcome).exists():
                welcome.delete()
        return home

    def load_portal_content(self, home):
        """The licence catalogue with its application form, the operating guide and the home page's
        service entries (cms/demo.py). Returns the form's field types not registered yet."""
        form, missing_field_types = build_demo_form()
        catalogue, _created = cms_demo.build_catalogue(home, form)
        guide = cms_demo.build_guide(home)
        cms_demo.build_home_services(home, catalogue, guide)
        feedback_form, missing_feedback_types = build_demo_feedback_form()
        # Only when unset: which form applicants fill is the editors' setting once they chose one.
        workflow_settings = WorkflowSettings.load()
        if workflow_settings.feedback_form_id is None:
            workflow_settings.feedback_form = feedback_form
            workflow_settings.save(update_fields=["feedback_form"])
        return sorted(set(missing_field_types) | set(missing_feedback_types))

    # --- accounts --------------------------------------------------------------------------

    def load_accounts(self, samr, beijing, csei, groups):
        applicant_url = f"{self.base_url}/accounts/login/"
        admin_url = f"{self.base_url}/admin/"
        chaoyang = Region.objects.get(code="110105")
        haidian = Region.objects.get(code="110108")

        admin = self.upsert_user(
            "admin", mobile="13800000008", last_name="系统", first_name="管理员", is_staff=True, is_superuser=True
        )

        person_id = make_id_number("110105", datetime.date(1990, 3, 7), 123)
        person_org, _created = Organisation.objects.update_or_create(
            kind=OrganisationKind.INDIVIDUAL,
            contact_id_number=person_id,
            defaults={
                "name": "王小明",
                "region": chaoyang,
                "address": "北京市朝阳区示范街道1号院2号楼301",
                "contact_name": "王小明",
                "contact_mobile": "13800000001",
            },
        )
        self.upsert_user(
            "demo_person",
            mobile="13800000001",
            organisation=person_org,
            last_name="王",
            first_name="小明",
            real_name="王小明",
            id_number=person_id,
        )

        enterprise_contact_id = make_id_number("110105", datetime.date(1985, 6, 15), 432)
        enterprise, _created = Organisation.objects.update_or_create(
            unified_social_credit_code=make_uscc("91110105", "MA01GL8K"),
            defaults={
                "kind": OrganisationKind.ENTERPRISE,
                "name": "北京示范锅炉制造有限公司",
                "enterprise_category": EnterpriseCategory.LEGAL_PERSON,
                "enterprise_type": EnterpriseType.COMPANY,
                "region": chaoyang,
                "address": "北京市朝阳区示范工业园8号",
                "contact_name": "李华",
                "contact_id_number": enterprise_contact_id,
                "contact_mobile": "13800000002",
                "contact_phone": "010-00000001",
            },
        )
        self.upsert_user(
            "demo_enterprise",
            mobile="13800000002",
            organisation=enterprise,
            last_name="李",
            first_name="华",
            real_name="李华",
            id_number=enterprise_contact_id,
        )

        institution_contact_id = make_id_number("110108", datetime.date(1978, 11, 2), 246)
        institution, _created = Organisation.objects.update_or_create(
            unified_social_credit_code=make_uscc("12110108", "40000123"),
            defaults={
                "kind": OrganisationKind.INSTITUTION,
                "name": "北京示范特种设备技术研究所",
                "institution_type": InstitutionType.PUBLIC_INSTITUTION,
                "region": haidian,
                "address": "北京市海淀区示范路6号",
                "contact_name": "陈静",
                "contact_id_number": institution_contact_id,
                "contact_mobile": "13800000003",
            },
        )
        self.upsert_user(
            "demo_institution",
            mobile="13800000003",
            organisation=institution,
            last_name="陈",
            first_name="静",
            real_name="陈静",
            id_number=institution_contact_id,
        )
        # Institutions are checked by staff before their users may log in; the demo one has
        # already been approved (by the demo administrator) so it can be tried straight away.
        if institution.approval_status != ApprovalStatus.APPROVED or institution.approved_at is None:
            institution.approve(by=admin)

        self.upsert_user(
            "samr_staff",
            mobile="13800000004",
            organisation=samr,
            groups=[groups[AUTHORITY_STAFF_GROUP]],
            last_name="赵",
            first_name="敏",
            real_name="赵敏",
            is_staff=True,
        )
        self.upsert_user(
            "bj_staff",
            mobile="13800000005",
            organisation=beijing,
            groups=[groups[AUTHORITY_STAFF_GROUP]],
            last_name="孙",
            first_name="丽",
            real_name="孙丽",
            is_staff=True,
        )
        self.upsert_user(
            "csei_staff",
            mobile="13800000006",
            organisation=csei,
            groups=[groups[REVIEW_BODY_STAFF_GROUP]],
            last_name="周",
            first_name="强",
            real_name="周强",
            is_staff=True,
        )
        self.upsert_user(
            "editor",
            mobile="13800000007",
            groups=[groups[EDITOR_GROUP], groups[WAGTAIL_EDITORS_GROUP], groups[WAGTAIL_MODERATORS_GROUP]],
            last_name="吴",
            first_name="编辑",
            real_name="吴编辑",
            is_staff=True,
        )

        return [
            ("demo_person", _("个人用户"), applicant_url),
            ("demo_enterprise", _("企业用户（法人企业）"), applicant_url),
            ("demo_institution", _("机构用户（已审核通过）"), applicant_url),
            ("samr_staff", _("审批机关工作人员（%(org)s）") % {"org": samr.name}, admin_url),
            ("bj_staff", _("审批机关工作人员（%(org)s）") % {"org": beijing.name}, admin_url),
            ("csei_staff", _("鉴定评审机构工作人员（%(org)s）") % {"org": csei.name}, admin_url),
            ("editor", _("内容编辑"), admin_url),
            ("admin", _("超级管理员"), admin_url),
        ]

    # --- demo applications ---------------------------------------------------------------

    def load_demo_applications(self, beijing, csei):
        """The demo enterprise's applications in three states, made through the services and
        actions as the users would make them. Returns (summary lines, warnings); the lines are
        None when the enterprise has submitted applications already (an earlier run, or a person
        trying the demo), so a run never adds a second set."""
        User = get_user_model()
        applicant = User.objects.get(username=DEMO_APPLICANT)
        officer = User.objects.get(username=DEMO_OFFICER)
        reviewer = User.objects.get(username=DEMO_REVIEWER)
        submitted = Application.objects.filter(applicant=applicant.organisation).exclude(state=ApplicationState.DRAFT)
        if submitted.exists():
            return None, []

        today = timezone.localdate()
        # Proposed dates must lie ahead; working days, as a review body would offer them.
        review_days = [add_working_days(today, 7), add_working_days(today, 8)]
        lines, warnings = [], []

        def approved():
            application = self.submit_demo_application(applicant, beijing, DEMO_APPROVED_LEVEL, "新申请", "")
            actions.accept(application, officer, csei, "申请材料齐全，符合法定形式。")
            actions.propose_review_dates(application, reviewer, review_days, "评审组拟于上述日期到场开展鉴定评审。")
            actions.agree_review_date(application, applicant, review_days[0])
            report = demo_pdf("鉴定评审报告", (f"申请编号：{application.reference}", "评审结论：符合条件"))
            actions.submit_review_report(
                application,
                reviewer,
                reviewed_from=review_days[0],
                reviewed_to=review_days[1],
                conclusion=ReviewConclusion.QUALIFIED,
                summary="资源条件、质量保证体系的建立与实施和试制产品均符合许可条件。",
                report_file=(SimpleUploadedFile("鉴定评审报告.pdf", report, "application/pdf"), "application/pdf"),
                materials=[],
            )
            license = actions.approve(application, officer, "经审查，符合许可条件，准予许可。")
            lines.append(
                f"{application.reference} 准予许可，许可证 {license.number}（{DEMO_APPLICANT} 可填写评审反馈表）"
            )
            return license

        license = self.demo_step(warnings, approved)
        # Further items for a licence holder are an 增项 (forms_config/demo_form.py).
        application_type, license_number = ("增项", license.number) if license else ("新申请", "")

        def accepted():
            application = self.submit_demo_application(
                applicant, beijing, DEMO_ACCEPTED_LEVEL, application_type, license_number
            )
            actions.accept(application, officer, csei, "申请材料齐全，符合法定形式。")
            actions.propose_review_dates(application, reviewer, review_days, "评审组拟于上述日期到场开展鉴定评审。")
            lines.append(f"{application.reference} 已受理，{csei.name}提议了鉴定评审日期（待 {DEMO_APPLICANT} 确认）")

        def waiting():
            application = self.submit_demo_application(
                applicant, beijing, DEMO_SUBMITTED_LEVEL, application_type, license_number
            )
            lines.append(f"{application.reference} 已提交（待 {DEMO_OFFICER} 受理）")

        self.demo_step(warnings, accepted)
        self.demo_step(warnings, waiting)
        return lines, warnings

    def demo_step(self, warnings, make):
        """`make()` in a savepoint: a demo application the catalogue or forms as editors left them
        cannot carry is rolled back and reported instead of failing the whole run."""
        try:
            with transaction.atomic():
                return make()
        except services.IncompleteApplication as error:
            labels = "、".join(spec.label for _page, spec, _messages in error.problems)
            warnings.append(f"申请书表单有演示数据未填写的内容（{labels}）")
        except (DemoSkipped, ValidationError) as error:
            warnings.append("；".join(error.messages) if isinstance(error, ValidationError) else str(error))
        return None

    def submit_demo_application(self, applicant, beijing, level_key, application_type, license_number):
        slug, code = level_key
        level = LicenseLevel.objects.filter(item__slug=slug, item__live=True, code=code).first()
        if level is None:
            raise DemoSkipped(f"许可目录中没有已发布的“{slug}”{code}级别")
        draft = services.start_application(applicant, [level.pk])
        if draft.authority_id != beijing.pk:
            raise DemoSkipped(f"{level} 不由{beijing.name}审批")
        today = timezone.localdate()
        services.save_values(draft, demo_application_values(application_type, license_number, today))
        schema = draft.schema_version.parsed
        for spec in schema.fields_by_key.values():
            if spec.accepts_uploads and not draft.data.get(spec.key) and schema.field_visible(spec, draft.data):
                upload = SimpleUploadedFile(
                    f"{spec.label}.pdf", demo_pdf(spec.label, (applicant.organisation.name,)), "application/pdf"
                )
                errors = services.attach_files(draft, spec, [upload], [], applicant)
                if errors:
                    raise DemoSkipped("；".join(errors))
        return services.submit_application(draft, applicant)

    @property
    def base_url(self):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")

    def upsert_user(self, username, *, mobile, organisation=None, groups=(), **fields):
        User = get_user_model()
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={"mobile": mobile, "email": f"{username}@example.com", "is_active": True, **fields},
        )
        # Reset on every run, so the published demo password always works.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if organisation is not None:
            organisation.add_member(user)
        user.groups.add(*[group for group in groups if group is not None])
        return user

    def load_totp_devices(self, usernames):
        """One confirmed TOTP device per demo staff account, with the published demo secret; a
        device enrolled by hand is replaced, so the printed secret always works."""
        for user in get_user_model().objects.filter(username__in=usernames):
            TOTPDevice.objects.filter(user=user).exclude(name=CONFIRMED_DEVICE_NAME).delete()
            TOTPDevice.objects.update_or_create(
                user=user,
                name=CONFIRMED_DEVICE_NAME,
                defaults={"key": DEMO_TOTP_KEY.hex(), "confirmed": True},
            )

    def print_logins(self, logins):
        header = ("用户名", "密码", "角色", "登录地址")
        rows = [header] + [(username, DEMO_PASSWORD, str(role), url) for username, role, url in logins]
        widths = [max(display_width(row[i]) for row in rows) for i in range(len(header))]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
