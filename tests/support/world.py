"""The fixture world of the access-control matrix: every party of `make_parties`, one application
of the applicant in each state a URL needs (so the owner's 200 is a real page, not a redirect),
and one object of every kind a URL takes: attachment, document, review file, notification,
calendar day, published pages, the form schema and its revisions, a pending institution, a
Wagtail document and image (so Wagtail's own admin URLs get an existing pk).
"""

import io
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

from cms.models import GuidePage
from tests.support.builders import make_catalogue
from tests.support.factories import OrganisationFactory
from tests.support.signing import identity_for_test
from tests.support.workflow_builders import PDF_BYTES, application_in, future, make_parties
from workflows import actions
from workflows.models import ApplicationAttachment, ApplicationState, CalendarDay, Notification, ReviewFile

ROLES = (
    "anonymous",
    "applicant",
    "other_enterprise",
    "authority",
    "other_authority",
    "samr",
    "review_body",
    "other_review_body",
    "editor",
)


@dataclass
class World:
    parties: object
    apps: dict  # state → application of parties.applicant
    objects: dict  # name → object

    def user(self, role):
        return None if role == "anonymous" else self.parties.by_role()[role]


def _give_editor_the_content_editor_permissions(editor):
    """内容编辑 as setup_portal makes it (accounts/data/staff_groups.json) and the demo editor has it:
    form-schema permissions plus Wagtail's Editors and Moderators groups (编辑人员, 审核人员) for pages, not only
    access_admin as make_parties gives."""
    group = Group.objects.get(name="内容编辑")
    group.permissions.add(
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
    # Wagtail's Editors and Moderators (cms/migrations/0004_wagtail_initial_data_in_chinese.py).
    editor.groups.add(*Group.objects.filter(name__in=["编辑人员", "审核人员"]))


def _attach(application, user):
    return ApplicationAttachment.objects.create(
        application=application,
        field_key="qi_ye_ming_cheng",
        file=ContentFile(PDF_BYTES, name="licence.pdf"),
        original_name="营业执照.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=user,
    )


def _png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="red.png")


def build_world():
    catalogue = make_catalogue()
    parties = make_parties(catalogue)
    _give_editor_the_content_editor_permissions(parties.editor)
    home = catalogue["home"]
    guide = home.add_child(instance=GuidePage(title="操作指南", slug="guide", body=[("heading", "注册")]))

    states = (
        ApplicationState.DRAFT,
        ApplicationState.SUBMITTED,
        ApplicationState.CORRECTION_REQUESTED,
        ApplicationState.ACCEPTED,
        ApplicationState.REVIEW_SCHEDULED,
        ApplicationState.REVIEWED,
        ApplicationState.APPROVED,  # its licence, for 我的许可证 and 许可证登记
    )
    apps = {state: application_in(state, parties) for state in states}
    # An open proposal of the applicant: what the review body confirms in 确认评审日期.
    accepted = apps[ApplicationState.ACCEPTED]
    actions.propose_review_dates(accepted, parties.review_body, [future(20)], "请确认")
    actions.propose_review_dates(accepted, parties.applicant, [future(22)], "另提日期")

    # 整改: one request awaiting the applicant's report, one reported and awaiting confirmation.
    rectification_open = application_in(ApplicationState.REVIEW_SCHEDULED, parties)
    actions.request_rectification(rectification_open, parties.review_body, ["压力试验记录不完整"], future(30))
    rectification_reported = application_in(ApplicationState.REVIEW_SCHEDULED, parties)
    actions.request_rectification(rectification_reported, parties.review_body, ["焊工资格证书过期"], future(30))
    actions.submit_rectification_report(
        rectification_reported,
        parties.applicant,
        (SimpleUploadedFile("整改报告.pdf", PDF_BYTES, content_type="application/pdf"), "application/pdf"),
    )

    reviewed = apps[ApplicationState.REVIEWED]
    draft = apps[ApplicationState.DRAFT]
    form = catalogue["form"]
    form.save_revision()  # a second revision, for the revision URLs
    institution = OrganisationFactory(pending_institution=True)
    institution.business_licence.save("licence.pdf", ContentFile(PDF_BYTES), save=True)
    objects = {
        "attachment": _attach(reviewed, parties.applicant),
        "draft_attachment": _attach(draft, parties.applicant),
        "document": reviewed.documents.get(kind="acceptance_decision"),
        "review_file": ReviewFile.objects.get(report__application=reviewed),
        "notification": Notification.objects.filter(recipient=parties.applicant).first(),
        "calendar_day": CalendarDay.objects.create(date=future(40), kind="holiday", name="测试假日"),
        "home": home,
        "catalogue": catalogue["catalogue"],
        "item": catalogue["vessel"],
        "guide": guide,
        "form": form,
        "revision": form.revisions.order_by("pk").first(),
        "institution": institution,
        "enterprise": parties.applicant.organisation,
        "authority_org": parties.authority.organisation,
        "review_body_org": parties.review_body.organisation,
        "wagtail_document": get_document_model().objects.create(
            title="文档", file=ContentFile(PDF_BYTES, name="doc.pdf"), collection=Collection.get_first_root_node()
        ),
        "wagtail_image": get_image_model().objects.create(title="图片", file=_png()),
        "root_page": Page.get_first_root_node(),
        "licence": apps[ApplicationState.APPROVED].license,
        "rectification_open": rectification_open,
        "rectification_reported": rectification_reported,
        "rectification": rectification_reported.rectifications.get(),
        # Inactive: the world's documents stay unsigned (only the signing tests sign).
        "signing_identity": identity_for_test(parties.authority.organisation, active=False),
    }
    assert objects["notification"] is not None
    return World(parties=parties, apps=apps, objects=objects)
