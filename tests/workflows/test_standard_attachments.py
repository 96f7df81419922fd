"""The standard 申请书's 申请类别 and the attachments of TSG 07-2019 §3.2.1: the 申请类别 follows
the application's kind and cannot be changed; the business licence comes from the registration
and is required of companies and institutions; the 许可项目表 is generated to print and sign; a
follow-up carries the licence it follows up."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from wagtail.blocks.struct_block import StructBlockValidationError

from forms_config.field_types.basic import RadioField
from forms_config.reference_data import APPLICATION_FORM, load_form
from tests.support.builders import make_catalogue
from tests.support.factories import UserFactory
from tests.support.licence_builders import approved_licence, months_after, set_valid_until
from tests.support.pdf import text_of
from tests.support.workflow_builders import PDF_BYTES, make_parties, refresh
from workflows import services
from workflows.models import Application, ApplicationKind, DocumentKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def standard_form():
    form, _created = load_form(APPLICATION_FORM)
    return form


@pytest.fixture
def catalogue(standard_form):
    return make_catalogue(form=standard_form)


@pytest.fixture
def enterprise():
    user = UserFactory()
    user.organisation.business_licence.save("licence.pdf", ContentFile(PDF_BYTES))
    return user


def start(user, catalogue):
    return services.start_application(user, [catalogue["D"].pk])


def problem_keys(application):
    return {spec.key for _page, spec, _messages in services.application_problems(refresh(application))}


# ----- 申请类别: from the kind, read-only, tamper-proof ----------------------------------------------


def test_a_new_application_is_a_new_application_and_the_page_shows_it_disabled(client, enterprise, catalogue):
    application = start(enterprise, catalogue)
    assert application.data["application_type"] == "新申请"
    client.force_login(enterprise)
    page = client.get(reverse("applications:page", args=[application.uuid, 2])).content.decode()
    assert 'value="新申请"' in page
    radios = [chunk for chunk in page.split("<input") if 'name="f-application_type"' in chunk]
    assert radios and all("disabled" in chunk.split(">")[0] for chunk in radios)
    assert "此项由系统填写，不能修改。" in page


def test_posting_another_kind_leaves_new_application_stored(client, enterprise, catalogue):
    application = start(enterprise, catalogue)
    client.force_login(enterprise)
    url = reverse("applications:page", args=[application.uuid, 2])
    response = client.post(url, {"f-application_type": "换证", "action": "save"})
    assert response.status_code == 302
    autosave = reverse("applications:autosave", args=[application.uuid, 2])
    assert client.post(autosave, {"f-application_type": "换证"}).status_code == 200
    services.save_values(application, {"application_type": "换证"})
    application = refresh(application)
    assert application.data["application_type"] == "新申请"
    assert application.kind == ApplicationKind.NEW
    # The renewal's fields stay hidden: the 申请类别 says 新申请.
    assert "original_license_number" not in problem_keys(application)


def test_submission_refuses_a_kind_that_disagrees(enterprise, catalogue):
    application = start(enterprise, catalogue)
    Application.objects.filter(pk=application.pk).update(data={**application.data, "application_type": "换证"})
    with pytest.raises(ValidationError) as refused:
        services.check_kind_agreement(refresh(application))
    assert "申请类别与申请方式不一致" in refused.value.messages[0]
    services.check_kind_agreement(application)  # 新申请 agrees


# ----- 营业执照: from the registration, required of companies ------------------------------------------


def test_the_business_licence_is_copied_from_the_registration(client, enterprise, catalogue):
    application = start(enterprise, catalogue)
    [ref] = application.data["business_licence"]
    attachment = application.attachments.get(field_key="business_licence")
    assert ref["id"] == str(attachment.uuid) and ref["name"] == "营业执照.pdf"
    assert attachment.file.name != enterprise.organisation.business_licence.name
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    assert "business_licence" not in problem_keys(application)

    # The applicant may replace it: removing the copy leaves the registration's file alone.
    spec = application.schema_version.parsed.fields_by_key["business_licence"]
    services.attach_files(application, spec, [], [ref["id"]], enterprise)
    assert enterprise.organisation.business_licence.storage.exists(enterprise.organisation.business_licence.name)
    problems = {spec.key: messages for _page, spec, messages in services.application_problems(refresh(application))}
    assert problems["business_licence"] == ["请上传营业执照。"]
    with pytest.raises(services.IncompleteApplication) as refused:
        services.submit_application(refresh(application), enterprise)
    assert "business_licence" in {spec.key for _page, spec, _messages in refused.value.problems}

    client.force_login(enterprise)
    check = client.get(reverse("applications:check", args=[application.uuid])).content.decode()
    assert "请上传营业执照。" in check


def test_an_individual_needs_no_business_licence(catalogue):
    individual = UserFactory(organisation__individual=True)
    application = start(individual, catalogue)
    assert not application.data.get("business_licence")
    assert "business_licence" not in problem_keys(application)


# ----- 许可项目表: generated, printed, signed, uploaded --------------------------------------------------


def test_the_items_table_lists_the_items_for_the_owner_only(client, enterprise, catalogue):
    application = start(enterprise, catalogue)
    client.force_login(enterprise)
    page = client.get(reverse("applications:page", args=[application.uuid, 2])).content.decode()
    url = reverse("applications:items_table", args=[application.uuid])
    assert url == f"/applications/{application.uuid}/items-table.pdf"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(io.BytesIO(response.content))
    assert "许可项目表" in text and "压力容器制造" in text and "中、低压容器" in text
    assert enterprise.organisation.name in text and "取证" in text
    assert "items_table" in problem_keys(application)  # the signed scan is still to upload

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404


# ----- a follow-up carries the licence it follows up -----------------------------------------------


def test_a_renewal_draft_carries_the_current_licence(standard_form):
    parties = make_parties(make_catalogue())  # approved on the builders' simple form
    licence = set_valid_until(approved_licence(parties), months_after(timezone.localdate(), 9))
    for item in (parties.catalogue["vessel"], parties.catalogue["boiler"]):
        item.application_form = standard_form
        item.save_revision().publish()
    renewal = services.start_follow_up(parties.applicant, licence, ApplicationKind.RENEWAL)
    assert renewal.data["application_type"] == "换证"
    document = licence.application.documents.get(kind=DocumentKind.LICENSE)
    attachment = renewal.attachments.get(field_key="current_license")
    assert renewal.data["current_license"] == [attachment.as_raw()]
    assert licence.number in attachment.original_name
    with attachment.file.open("rb") as handle, document.file.open("rb") as original:
        assert handle.read() == original.read()
    assert "current_license" not in problem_keys(renewal)
    services.check_kind_agreement(refresh(renewal))

    new = start(parties.applicant, parties.catalogue)
    assert "current_license" not in new.data
    assert "current_license" not in problem_keys(new)  # hidden for 新申请


def test_a_locked_field_needs_a_prefill_source():
    block = RadioField().get_form_block()
    value = {"label": "申请类别", "key": "kind", "required": True, "choices": ["新申请"], "show_when": {}}
    block.clean(block.to_python({**value, "prefill": "application.kind", "locked": True}))
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({**value, "prefill": "", "locked": True}))
    assert "锁定的字段须选择预填来源" in str(refused.value.block_errors["locked"])
