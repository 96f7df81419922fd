"""The demo enterprise's applications in three states, so that every role finds work on first login.

Driven through the real services and actions, never by setting a state: one submitted (waiting for
bj_staff), one accepted with csei as review body and csei's proposal of review dates open (waiting
for demo_enterprise), and one approved with its licence (its 评审反馈表 still to fill). They are made
once: a run that finds the enterprise's submitted applications leaves them alone.

The demo enterprise makes boilers in Beijing. Its applications are for provincial levels of the
catalogue (cms/data/catalogue.json), so 北京市市场监督管理局 decides them and bj_staff sees them.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Authority, ReviewBody
from cms.models import LicenseLevel
from workflows import actions, services
from workflows.models import Application, ApplicationKind, ApplicationState, ReviewConclusion
from workflows.working_days import add_working_days

from .accounts import BEIJING, CSEI_NAME, make_id_number
from .pdfs import demo_pdf

DEMO_APPLICANT = "demo_enterprise"
DEMO_OFFICER = "bj_staff"
DEMO_REVIEWER = "csei_staff"
DEMO_APPROVED_LEVEL = ("boiler-manufacture", "B")
DEMO_ACCEPTED_LEVEL = ("boiler-installation", "B")
DEMO_SUBMITTED_LEVEL = ("pressure-vessel-manufacture-fixed", "D")


class DemoSkipped(Exception):
    """A demo application the current catalogue or forms cannot carry (an editor changed them)."""


def demo_application_values(application_type, license_number, today):
    """What the demo enterprise fills in on the standard application form
    (forms_config/data/application_form.json) beyond what its account prefills; keys the form does
    not have are ignored by save_values."""
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


def load_demo_applications():
    """Returns (summary lines, warnings); the lines are None when the enterprise has submitted
    applications already (an earlier run, or a person trying the demo), so a run never adds a
    second set."""
    User = get_user_model()
    applicant = User.objects.get(username=DEMO_APPLICANT)
    officer = User.objects.get(username=DEMO_OFFICER)
    reviewer = User.objects.get(username=DEMO_REVIEWER)
    beijing = Authority.objects.for_province(BEIJING)
    csei = ReviewBody.objects.get(name=CSEI_NAME)
    submitted = Application.objects.filter(applicant=applicant.organisation).exclude(state=ApplicationState.DRAFT)
    if submitted.exists():
        return None, []

    today = timezone.localdate()
    # Proposed dates must lie ahead; working days, as a review body would offer them.
    review_days = [add_working_days(today, 7), add_working_days(today, 8)]
    lines, warnings = [], []

    def approved():
        application = submit_demo_application(applicant, beijing, DEMO_APPROVED_LEVEL, "新申请", "")
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
        lines.append(f"{application.reference} 准予许可，许可证 {license.number}（{DEMO_APPLICANT} 可填写评审反馈表）")
        return license

    license = demo_step(warnings, approved)
    # Further items for a licence holder are an 增项, started from the licence (its 申请类别 follows);
    # a licence has one open follow-up at a time, so the third one is a new application.
    application_type, license_number = ("增项", license.number) if license else ("新申请", "")

    def accepted():
        application = submit_demo_application(
            applicant, beijing, DEMO_ACCEPTED_LEVEL, application_type, license_number, license
        )
        actions.accept(application, officer, csei, "申请材料齐全，符合法定形式。")
        actions.propose_review_dates(application, reviewer, review_days, "评审组拟于上述日期到场开展鉴定评审。")
        lines.append(f"{application.reference} 已受理，{csei.name}提议了鉴定评审日期（待 {DEMO_APPLICANT} 确认）")

    def waiting():
        application = submit_demo_application(applicant, beijing, DEMO_SUBMITTED_LEVEL, "新申请", "")
        lines.append(f"{application.reference} 已提交（待 {DEMO_OFFICER} 受理）")

    demo_step(warnings, accepted)
    demo_step(warnings, waiting)
    return lines, warnings


def demo_step(warnings, make):
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


def submit_demo_application(applicant, beijing, level_key, application_type, license_number, license=None):
    slug, code = level_key
    level = LicenseLevel.objects.filter(item__slug=slug, item__live=True, code=code).first()
    if level is None:
        raise DemoSkipped(f"许可目录中没有已发布的“{slug}”{code}级别")
    if license is not None:
        draft = services.start_follow_up(applicant, license, ApplicationKind.ADD_ITEMS, [level.pk])
    else:
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
