"""One template application per state, made through the real services and actions.

Everything a clone copies (items, attachments, events, issued PDFs, the correction notice, review
proposals and report, the licence, notifications, guardian rows) is first produced here exactly as
the portal produces it, so the bulk copies in bench.data.clone look like real work. The templates
belong to their own applicant organisation in Beijing (a provincial level, so 北京市市场监督管理局
decides them); bj_staff and csei_staff act on them, each the only member of their organisation at
that moment, so every notification has exactly one recipient per party.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import (
    Authority,
    EnterpriseCategory,
    EnterpriseType,
    Organisation,
    OrganisationKind,
    Region,
    ReviewBody,
)
from cms.models import LicenseLevel
from demo.accounts import CSEI_NAME, make_id_number, make_uscc
from demo.applications import DEMO_OFFICER, DEMO_REVIEWER, demo_application_values
from demo.pdfs import demo_pdf
from workflows import actions, services
from workflows.models import Application, ApplicationState, ReviewConclusion
from workflows.working_days import add_working_days

TEMPLATE_USERNAME = "benchtemplate"
TEMPLATE_LEVEL = ("boiler-manufacture", "B")
# The first page of the standard application form: what a half-filled draft has beyond the prefilled account values.
FIRST_PAGE_KEYS = ("production_address", "legal_representative", "postcode")

PARTIAL_DRAFT = "partial_draft"  # a draft on its second page: the form page and autosave scenarios
COMPLETE_DRAFT = "complete_draft"  # every page valid, files attached: submittable


@dataclass
class Templates:
    applicant_user: object
    officer: object
    reviewer: object
    authority: object
    review_body: object
    # state (or PARTIAL_DRAFT / COMPLETE_DRAFT) -> Application
    by_kind: dict = field(default_factory=dict)


def template_applicant(password_hash):
    User = get_user_model()
    user = User.objects.filter(username=TEMPLATE_USERNAME).first()
    if user is not None:
        return user
    county = Region.objects.get(code="110105")
    contact_id = make_id_number("110105", datetime.date(1980, 5, 20), 511)
    organisation = Organisation(
        kind=OrganisationKind.ENTERPRISE,
        name="北京基准锅炉制造有限公司",
        enterprise_category=EnterpriseCategory.LEGAL_PERSON,
        enterprise_type=EnterpriseType.COMPANY,
        unified_social_credit_code=make_uscc("91110105", "MA0BENCH"),
        region=county,
        address="北京市朝阳区基准工业园1号",
        contact_name="周基准",
        contact_id_number=contact_id,
        contact_mobile="16600000000",
        contact_phone="010-00000009",
    )
    organisation.save()
    user = User.objects.create(
        username=TEMPLATE_USERNAME,
        password=password_hash,
        mobile="16600000000",
        email=f"{TEMPLATE_USERNAME}@example.com",
        real_name="周基准",
        last_name="周",
        first_name="基准",
        id_number=contact_id,
    )
    organisation.add_member(user)
    return user


def build_templates(password_hash):
    quiet = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        SMS_BACKEND="accounts.sms.backends.locmem.LocmemBackend",
    )
    User = get_user_model()
    with quiet, transaction.atomic():
        applicant = template_applicant(password_hash)
        officer = User.objects.get(username=DEMO_OFFICER)
        reviewer = User.objects.get(username=DEMO_REVIEWER)
        authority = Authority.objects.for_province("110000")
        review_body = ReviewBody.objects.get(name=CSEI_NAME)
        templates = Templates(applicant, officer, reviewer, authority, review_body)
        for kind in [PARTIAL_DRAFT, COMPLETE_DRAFT, *ApplicationState.values]:
            if kind == ApplicationState.DRAFT:
                continue  # drafts are PARTIAL_DRAFT / COMPLETE_DRAFT
            application = _build(kind, templates)
            # A protected FSMField refuses refresh_from_db(): read the row again.
            templates.by_kind[kind] = Application.objects.get(pk=application.pk)
    return templates


def _level():
    slug, code = TEMPLATE_LEVEL
    level = LicenseLevel.objects.filter(item__slug=slug, item__live=True, code=code).first()
    if level is None:  # an editor removed the demo level: any live provincial level will do
        level = next(
            lv
            for lv in LicenseLevel.objects.filter(item__live=True).select_related("item")
            if lv.effective_approval_level == "provincial" and lv.item.application_form_id
        )
    return level


def _draft(templates, complete):
    user = templates.applicant_user
    draft = services.start_application(user, [_level().pk])
    values = demo_application_values("新申请", "", timezone.localdate())
    if not complete:
        services.save_values(draft, {key: values[key] for key in FIRST_PAGE_KEYS}, current_page=2)
        return draft
    services.save_values(draft, values, current_page=len(draft.schema_version.parsed.pages))
    schema = draft.schema_version.parsed
    for spec in schema.fields_by_key.values():
        if spec.accepts_uploads and schema.field_visible(spec, draft.data):
            upload = SimpleUploadedFile(
                f"{spec.label}.pdf", demo_pdf(spec.label, (user.organisation.name,)), "application/pdf"
            )
            errors = services.attach_files(draft, spec, [upload], [], user)
            if errors:
                raise RuntimeError("；".join(errors))
    problems = schema.problems(draft.data)
    if problems:
        labels = "、".join(spec.label for _page, spec, _messages in problems)
        raise RuntimeError(f"模板草稿不完整：{labels}")
    return draft


def _build(kind, t):
    if kind == PARTIAL_DRAFT:
        return _draft(t, complete=False)
    draft = _draft(t, complete=True)
    if kind == COMPLETE_DRAFT:
        return draft
    application = services.submit_application(draft, t.applicant_user)
    if kind == ApplicationState.SUBMITTED:
        return application
    if kind == ApplicationState.WITHDRAWN:
        return actions.withdraw(application, t.applicant_user, "企业生产计划调整，暂不申请。")
    if kind == ApplicationState.CORRECTION_REQUESTED:
        items = [
            {
                "target": "field",
                "key": "quality_manual",
                "label": "质量手册",
                "page_number": 5,
                "comment": "质量手册未加盖单位公章，请重新上传盖章版本。",
            },
            {
                "target": "field",
                "key": "legal_representative",
                "label": "法定代表人",
                "page_number": 1,
                "comment": "与营业执照登记的法定代表人不一致。",
            },
        ]
        actions.request_correction(application, t.officer, items, "请按补正告知书一次性补正全部材料。")
        return application
    if kind == ApplicationState.NOT_ACCEPTED:
        return actions.refuse_acceptance(application, t.officer, "申请事项不属于本机关的许可范围。")
    actions.accept(application, t.officer, t.review_body, "申请材料齐全，符合法定形式。")
    today = timezone.localdate()
    review_days = [add_working_days(today, 7), add_working_days(today, 8)]
    actions.propose_review_dates(application, t.reviewer, review_days, "评审组拟于上述日期到场开展鉴定评审。")
    if kind == ApplicationState.ACCEPTED:
        return application
    actions.agree_review_date(application, t.applicant_user, review_days[0])
    if kind == ApplicationState.REVIEW_SCHEDULED:
        return application
    qualified = kind != ApplicationState.DENIED
    report = demo_pdf("鉴定评审报告", ("评审结论：" + ("符合条件" if qualified else "不符合条件"),))
    actions.submit_review_report(
        application,
        t.reviewer,
        reviewed_from=review_days[0],
        reviewed_to=review_days[1],
        conclusion=ReviewConclusion.QUALIFIED if qualified else ReviewConclusion.NOT_QUALIFIED,
        summary=(
            "资源条件、质量保证体系的建立与实施和试制产品均符合许可条件。"
            if qualified
            else "质量保证体系未有效实施，试制产品检验记录不全，不符合许可条件。"
        ),
        report_file=(SimpleUploadedFile("鉴定评审报告.pdf", report, "application/pdf"), "application/pdf"),
        materials=[],
    )
    if kind == ApplicationState.REVIEWED:
        return application
    if kind == ApplicationState.APPROVED:
        actions.approve(application, t.officer, "经审查，符合许可条件，准予许可。")
    else:
        actions.deny(application, t.officer, "鉴定评审结论为不符合条件，不予许可。")
    return application
