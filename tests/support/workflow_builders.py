"""The parties of the licensing workflow and applications driven to any state through the real
actions, shared by the workflow tests.

`make_parties(catalogue)` gives one user per role of the access matrix: the applicant, another
enterprise, the right authority (Beijing), another province's authority, SAMR, the assigned
review body, another review body and a content editor. `application_in(state, parties)` submits
a complete application for the provincial level D and walks it along docs/domain.md's happy path (or
the branch that leads to `state`).
"""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Authority, AuthorityLevel, Region
from tests.support.bad_files import pdf_document
from tests.support.builders import ApplicationFactory
from tests.support.factories import OrganisationFactory, UserFactory
from workflows import actions, services
from workflows.models import ApplicationState, ReviewConclusion

PDF_BYTES = pdf_document()  # uploads are parsed with pypdf (core/content_checks.py): a real, minimal PDF


@dataclass
class Parties:
    catalogue: dict
    applicant: object  # user of the applicant enterprise
    other_enterprise: object
    authority: object  # staff of 北京市市场监督管理局 (the application's authority)
    other_authority: object  # staff of another province's bureau
    samr: object  # staff of SAMR
    review_body: object  # staff of the review body the authority entrusts
    other_review_body: object
    editor: object

    @property
    def review_body_org(self):
        return self.review_body.organisation

    def by_role(self):
        return {
            "applicant": self.applicant,
            "other_enterprise": self.other_enterprise,
            "authority": self.authority,
            "other_authority": self.other_authority,
            "samr": self.samr,
            "review_body": self.review_body,
            "other_review_body": self.other_review_body,
            "editor": self.editor,
        }


def staff_of(organisation, **fields):
    return UserFactory(organisation=organisation, is_staff=True, **fields)


def make_parties(catalogue):
    from django.contrib.auth.models import Group, Permission

    beijing = catalogue["beijing"]
    samr = catalogue["samr"]
    jiangsu, _created = Authority.objects.get_or_create(
        authority_level=AuthorityLevel.PROVINCIAL,
        region=Region.objects.get(code="320000"),
        kind="authority",
        defaults={"name": "江苏省市场监督管理局"},
    )
    csei = OrganisationFactory(
        review_body=True, name="中国特种设备检测研究院", contact_name="刘评审", contact_phone="010-12345678"
    )
    other_body = OrganisationFactory(review_body=True, name="江苏省特种设备安全监督检验研究院")
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    staff_group, _created = Group.objects.get_or_create(name="审批机关工作人员")
    staff_group.permissions.add(access_admin)
    body_group, _created = Group.objects.get_or_create(name="鉴定评审机构工作人员")
    body_group.permissions.add(access_admin)
    editor_group, _created = Group.objects.get_or_create(name="内容编辑")
    editor_group.permissions.add(access_admin)

    def staff(organisation, group):
        user = staff_of(organisation)
        user.groups.add(group)
        return user

    editor = UserFactory(organisation=None, is_staff=True)
    editor.groups.add(editor_group)
    return Parties(
        catalogue=catalogue,
        applicant=UserFactory(),
        other_enterprise=UserFactory(),
        authority=staff(beijing, staff_group),
        other_authority=staff(jiangsu, staff_group),
        samr=staff(samr, staff_group),
        review_body=staff(csei, body_group),
        other_review_body=staff(other_body, body_group),
        editor=editor,
    )


def fill_completely(application):
    """Values for every field of the builders' simple form."""
    services.save_values(
        application,
        {"qi_ye_ming_cheng": application.applicant.name, "fa_ding_dai_biao_ren": "张三", "quality_system": "ISO 9001"},
    )
    return application


def submitted(parties):
    draft = fill_completely(ApplicationFactory(user=parties.applicant, levels=[parties.catalogue["D"]]))
    return services.submit_application(draft, parties.applicant)


def report_file(name="评审报告.pdf"):
    return (SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf"), "application/pdf")


def future(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def correction_items():
    return [
        {
            "target": "field",
            "key": "fa_ding_dai_biao_ren",
            "label": "法定代表人",
            "page_number": 1,
            "comment": "与营业执照不一致",
        },
    ]


def application_in(state, parties):
    """An application of `parties.applicant` in `state`, reached through the real actions."""
    p = parties
    if state == ApplicationState.DRAFT:
        return fill_completely(ApplicationFactory(user=p.applicant, levels=[p.catalogue["D"]]))
    return advance(submitted(p), state, p)


def advance(application, state, parties):
    """A submitted application taken on through the real actions until it is in `state`."""
    p = parties
    if state == ApplicationState.SUBMITTED:
        return application
    if state == ApplicationState.WITHDRAWN:
        return actions.withdraw(application, p.applicant, "不再申请")
    if state == ApplicationState.CORRECTION_REQUESTED:
        actions.request_correction(application, p.authority, correction_items(), "请一次性补正")
        return refresh(application)
    if state == ApplicationState.NOT_ACCEPTED:
        return actions.refuse_acceptance(application, p.authority, "申请事项不属于本机关职权范围")
    actions.accept(application, p.authority, p.review_body_org, "材料齐全")
    if state == ApplicationState.ACCEPTED:
        return refresh(application)
    actions.propose_review_dates(application, p.review_body, [future(20), future(21)], "请确认")
    actions.agree_review_date(application, p.applicant, future(20))
    if state == ApplicationState.REVIEW_SCHEDULED:
        return refresh(application)
    actions.submit_review_report(
        application,
        p.review_body,
        reviewed_from=future(20),
        reviewed_to=future(21),
        conclusion=ReviewConclusion.QUALIFIED,
        summary="符合条件",
        report_file=report_file(),
        materials=[],
    )
    if state == ApplicationState.REVIEWED:
        return refresh(application)
    if state == ApplicationState.APPROVED:
        actions.approve(application, p.authority, "准予许可")
    elif state == ApplicationState.DENIED:
        actions.deny(application, p.authority, "评审结论不符合条件")
    return refresh(application)


def refresh(application):
    # A protected FSMField refuses refresh_from_db(): read the row again instead.
    from workflows.models import Application

    return Application.objects.get(pk=application.pk)
