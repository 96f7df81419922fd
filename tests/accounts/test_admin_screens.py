"""Staff screens in the Wagtail admin: 单位管理 (applicants, authorities, review bodies), the
approval of institution accounts, masking of personal data in lists, and the staff user forms."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts import reference_data
from accounts.models import ApprovalStatus, Authority, Organisation, ReviewBody
from accounts.viewsets import APPROVE_LOG_ACTION, REJECT_LOG_ACTION
from core.masking import mask_id_number, mask_mobile
from tests.support.factories import OrganisationFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db
User = get_user_model()

INDEX = reverse("accounts_applicants:index")
AUTHORITIES = reverse("accounts_authorities:index")
REVIEW_BODIES = reverse("accounts_review_bodies:index")
CONTACT_ID = make_id_number(77, birth="19800102")
CONTACT_MOBILE = "13912345678"


def approve_url(organisation):
    return reverse("accounts_applicants:approve", args=[organisation.pk])


def reject_url(organisation):
    return reverse("accounts_applicants:reject", args=[organisation.pk])


@pytest.fixture
def superuser():
    return UserFactory(username="root01", organisation=None, is_staff=True, is_superuser=True)


@pytest.fixture
def institution():
    """A freshly registered institution: 待审核, its user not yet allowed to log in."""
    organisation = OrganisationFactory(
        pending_institution=True,
        name="示范大学压力容器研究所",
        contact_id_number=CONTACT_ID,
        contact_mobile=CONTACT_MOBILE,
    )
    UserFactory(username="jigou0001", organisation=organisation, is_active=False)
    UserFactory(username="jigou0002", organisation=organisation, is_active=False)
    return organisation


@pytest.fixture
def staff_with_access_only():
    """Can open the admin, but holds no permission on organisations."""
    user = UserFactory(username="staff0001", organisation=None, is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("110105491231002", "110105*****1002"),  # 15-digit first-generation number
        ("", ""),
        (None, ""),
        (" 11010519491231002X ", "110105********002X"),
        ("1234", "***4"),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13800000000", "138****0000"), ("13912345678", "139****5678"), ("", ""), (None, ""), ("1234567", "******7")],
)
def test_mask_mobile(value, masked):
    assert mask_mobile(value) == masked


# --- who may open the screens ----------------------------------------------------------------


def test_superuser_sees_pending_institution_in_applicant_list(client, superuser, institution):
    OrganisationFactory(name="示范锅炉有限公司")
    client.force_login(superuser)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "申请单位" in html
    assert "示范大学压力容器研究所" in html and "示范锅炉有限公司" in html
    assert "待审核" in html
    assert "审核通过" in html and "不予通过" in html
    assert approve_url(institution) in html and reject_url(institution) in html


def test_list_masks_id_numbers_and_mobiles(client, superuser, institution):
    client.force_login(superuser)
    html = client.get(INDEX).content.decode()
    assert CONTACT_ID not in html and CONTACT_MOBILE not in html
    assert mask_id_number(CONTACT_ID) in html
    assert "139****5678" in html


def test_applicant_list_leaves_out_authorities_and_review_bodies(client, superuser, institution):
    OrganisationFactory(provincial_authority=True)
    OrganisationFactory(review_body=True)
    client.force_login(superuser)
    html = client.get(INDEX).content.decode()
    assert "北京市市场监督管理局" not in html and "测试检验研究院" not in html
    assert "北京市市场监督管理局" in client.get(AUTHORITIES).content.decode()
    assert "测试检验研究院" in client.get(REVIEW_BODIES).content.decode()


def test_filters_by_kind_and_status_and_searches_by_credit_code(client, superuser, institution):
    enterprise = OrganisationFactory(name="示范锅炉有限公司")
    client.force_login(superuser)
    html = client.get(INDEX, {"kind": "institution", "approval_status": "pending"}).content.decode()
    assert "示范大学压力容器研究所" in html and "示范锅炉有限公司" not in html
    html = client.get(INDEX, {"q": enterprise.unified_social_credit_code}).content.decode()
    assert "示范锅炉有限公司" in html and "示范大学压力容器研究所" not in html


def test_applicant_is_sent_to_the_admin_login(client, institution):
    applicant = UserFactory(username="qiye0001")
    client.force_login(applicant)
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))
    response = client.post(approve_url(institution))
    assert response.status_code == 302
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.PENDING


def test_staff_without_organisation_permission_is_refused(client, staff_with_access_only, institution):
    client.force_login(staff_with_access_only)
    response = client.get(INDEX)
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    client.post(approve_url(institution))
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.PENDING
    assert not User.objects.filter(organisation=institution, is_active=True).exists()


def test_change_organisation_permission_opens_the_screens(client, staff_with_access_only, institution):
    staff_with_access_only.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="change_organisation")
    )
    client.force_login(staff_with_access_only)
    assert client.get(INDEX).status_code == 200
    assert client.get(AUTHORITIES).status_code == 200
    assert client.get(REVIEW_BODIES).status_code == 200
    client.post(approve_url(institution))
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.APPROVED


def test_nobody_deletes_organisations_or_adds_applicants(client, superuser, institution):
    client.force_login(superuser)
    response = client.get(reverse("accounts_applicants:delete", args=[institution.pk]))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    response = client.get(reverse("accounts_applicants:add"))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert client.get(reverse("accounts_authorities:add")).status_code == 200


# --- 审核通过 / 不予通过 ---------------------------------------------------------------------------


def test_approve_activates_the_users(client, superuser, institution):
    client.force_login(superuser)
    response = client.post(approve_url(institution))
    assert response.status_code == 302 and response.url == INDEX
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.APPROVED
    assert institution.approved_by == superuser and institution.approved_at is not None
    assert set(User.objects.filter(organisation=institution).values_list("is_active", flat=True)) == {True}
    assert ModelLogEntry.objects.filter(object_id=str(institution.pk), action=APPROVE_LOG_ACTION).exists()
    html = client.get(response.url).content.decode()
    assert "已审核通过“示范大学压力容器研究所”" in html


def test_reject_keeps_the_users_inactive(client, superuser, institution):
    client.force_login(superuser)
    response = client.post(reject_url(institution))
    assert response.status_code == 302 and response.url == INDEX
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.REJECTED
    assert set(User.objects.filter(organisation=institution).values_list("is_active", flat=True)) == {False}
    assert ModelLogEntry.objects.filter(object_id=str(institution.pk), action=REJECT_LOG_ACTION).exists()


def test_get_on_the_approve_url_is_refused(client, superuser, institution):
    client.force_login(superuser)
    assert client.get(approve_url(institution)).status_code == 405
    assert client.get(reject_url(institution)).status_code == 405
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.PENDING


def test_approve_needs_the_csrf_token(superuser, institution):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    assert client.post(approve_url(institution)).status_code == 403
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.PENDING


def test_decided_institution_is_left_alone(client, superuser, institution):
    client.force_login(superuser)
    client.post(reject_url(institution))
    response = client.post(approve_url(institution), follow=True)
    institution.refresh_from_db()
    assert institution.approval_status == ApprovalStatus.REJECTED
    assert "已审核（未通过），未作改动" in response.content.decode()


def test_only_institutions_are_approved_here(client, superuser):
    enterprise = OrganisationFactory()
    client.force_login(superuser)
    assert client.post(approve_url(enterprise)).status_code == 404


def test_edit_page_of_pending_institution_offers_the_decision(client, superuser, institution):
    client.force_login(superuser)
    html = client.get(reverse("accounts_applicants:edit", args=[institution.pk])).content.decode()
    assert approve_url(institution) in html and reject_url(institution) in html
    assert CONTACT_ID in html  # the full value is on the record itself, for staff who may change it

    enterprise = OrganisationFactory()
    html = client.get(reverse("accounts_applicants:edit", args=[enterprise.pk])).content.decode()
    assert approve_url(enterprise) not in html


def test_authority_is_not_edited_through_the_applicant_screen(client, superuser):
    bureau = OrganisationFactory(provincial_authority=True)
    client.force_login(superuser)
    assert client.get(reverse("accounts_applicants:edit", args=[bureau.pk])).status_code == 404
    assert client.get(reverse("accounts_authorities:edit", args=[bureau.pk])).status_code == 200


def test_second_bureau_for_a_province_is_refused(client, superuser):
    bureau = OrganisationFactory(provincial_authority=True)
    client.force_login(superuser)
    response = client.post(
        reverse("accounts_authorities:add"),
        {"name": "另一个北京市局", "authority_level": "provincial", "region": bureau.region_id},
    )
    assert response.status_code == 200
    assert "该级别和省份已有审批机关" in response.content.decode()
    assert Authority.objects.count() == 1


# --- staff user forms (Wagtail's user screens) ------------------------------------------------------


def user_form_data(**overrides):
    data = {
        "username": "bjstaff01",
        "email": "bjstaff01@example.com",
        "first_name": "丽",
        "last_name": "孙",
        "password1": "Abcd1234!x",
        "password2": "Abcd1234!x",
        "mobile": "13700001111",
        "organisation": "",
    }
    data.update(overrides)
    return data


def test_user_form_shows_mobile_and_organisation(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert 'name="mobile"' in html and 'name="organisation"' in html
    assert "所属单位" in html


def test_created_staff_user_joins_the_organisation_group(client, superuser):
    bureau = OrganisationFactory(provincial_authority=True)
    role = Group.objects.create(name="审批机关工作人员")
    client.force_login(superuser)
    response = client.post(reverse("wagtailusers_users:add"), user_form_data(organisation=bureau.pk, groups=[role.pk]))
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="bjstaff01")
    assert user.organisation == bureau and user.mobile == "13700001111"
    assert set(user.groups.all()) == {role, bureau.group}


def test_moving_a_staff_user_changes_the_organisation_group(client, superuser):
    old = OrganisationFactory(provincial_authority=True)
    new = OrganisationFactory(review_body=True)
    user = UserFactory(username="bjstaff01", organisation=old, first_name="丽", last_name="孙", email="a@example.com")
    client.force_login(superuser)
    data = user_form_data(organisation=new.pk, password1="", password2="", is_active="on")
    response = client.post(reverse("wagtailusers_users:edit", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()
    user.refresh_from_db()
    assert user.organisation == new
    assert set(user.groups.all()) == {new.group}


def test_user_form_rejects_a_bad_mobile_and_keeps_blank_as_null(client, superuser):
    client.force_login(superuser)
    response = client.post(reverse("wagtailusers_users:add"), user_form_data(mobile="12345"))
    assert response.status_code == 200 and "请输入11位中国大陆手机号码" in response.content.decode()
    client.post(reverse("wagtailusers_users:add"), user_form_data(mobile=""))
    client.post(reverse("wagtailusers_users:add"), user_form_data(username="bjstaff02", mobile=""))
    assert User.objects.filter(username__in=["bjstaff01", "bjstaff02"], mobile__isnull=True).count() == 2


def _organisation_select(html):
    """The 所属单位 <select> as [(optgroup label, [option labels])], empty option left out."""
    select = re.search(r'<select name="organisation"[^>]*>(.*?)</select>', html, re.S)
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select.group(1), re.S)
    return [(label, re.findall(r"<option [^>]*>([^<]*)</option>", body)) for label, body in groups]


def test_organisation_choice_lists_samr_then_bureaus_by_region_code_then_review_bodies(client, superuser):
    reference_data.load_authorities()
    reference_data.load_review_bodies()
    applicant = OrganisationFactory(name="某申请企业")
    client.force_login(superuser)
    html = client.get(reverse("wagtailusers_users:add")).content.decode()
    groups = _organisation_select(html)
    assert [label for label, _options in groups] == ["国家级审批机关", "省级审批机关", "鉴定评审机构"]
    assert groups[0][1] == ["国家市场监督管理总局"]
    bureaus = Authority.objects.filter(authority_level="provincial").order_by("region_id")
    assert groups[1][1] == [bureau.name for bureau in bureaus] and len(bureaus) == 31
    assert groups[1][1][:3] == ["北京市市场监督管理局", "天津市市场监督管理局", "河北省市场监督管理局"]
    assert groups[2][1][0] == "中国特种设备检测研究院" and len(groups[2][1]) == ReviewBody.objects.count()
    assert applicant.name not in html
    # Searchable: the filter box's script (a file, the admin's CSP) and each bureau's region code.
    assert "js/select_filter.js" in html and "data-select-filter" in html
    assert 'data-filter-text="330000"' in html


def test_an_applicants_own_organisation_stays_selectable_last(client, superuser):
    reference_data.load_authorities()
    applicant_org = OrganisationFactory(name="某申请企业")
    user = UserFactory(username="qiye0001", organisation=applicant_org)
    client.force_login(superuser)
    html = client.get(reverse("wagtailusers_users:edit", args=[user.pk])).content.decode()
    groups = _organisation_select(html)
    assert groups[-1] == ("其他单位", ["某申请企业"])
    assert re.search(rf'<option value="{applicant_org.pk}"[^>]*selected', html)


def test_organisation_groups_are_not_offered_as_roles(client, superuser):
    bureau = OrganisationFactory(provincial_authority=True)
    client.force_login(superuser)
    html = client.get(reverse("wagtailusers_users:add")).content.decode()
    assert bureau.group.name not in html
    assert Organisation.objects.filter(pk=bureau.pk).exists()


def test_menu_groups_the_three_screens_under_unit_management(rf, superuser, staff_with_access_only):
    from wagtail.admin.menu import admin_menu

    def labels(user):
        request = rf.get("/admin/")
        request.user = user
        for item in admin_menu.menu_items_for_request(request):
            if str(item.label) == "单位管理":
                return [str(sub.label) for sub in item.menu.menu_items_for_request(request)]
        return None

    assert labels(superuser) == ["申请单位", "审批机关", "鉴定评审机构"]
    assert labels(staff_with_access_only) is None


# --- the uploaded business licence ---------------------------------------------------------------


@pytest.fixture
def institution_with_licence(institution):
    from tests.support.accounts import png_file

    institution.business_licence.save("证书.png", png_file(), save=True)
    return institution


def test_staff_open_the_licence_from_the_edit_page(client, superuser, institution_with_licence):
    client.force_login(superuser)
    url = reverse("accounts_applicants:licence", args=[institution_with_licence.pk])
    edit = client.get(reverse("accounts_applicants:edit", args=[institution_with_licence.pk])).content.decode()
    assert url in edit and "查看营业执照" in edit
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "sandbox"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_licence_is_refused_to_applicants_and_staff_without_permission(
    client, staff_with_access_only, institution_with_licence
):
    url = reverse("accounts_applicants:licence", args=[institution_with_licence.pk])
    assert client.get(url).status_code == 302  # anonymous: to the admin login
    client.force_login(institution_with_licence.members.first())
    assert client.get(url).status_code in (302, 403)
    client.force_login(staff_with_access_only)
    assert client.get(url).status_code in (302, 403)


def test_licence_is_not_under_the_public_media_url(institution_with_licence, settings):
    assert not institution_with_licence.business_licence.path.startswith(str(settings.MEDIA_ROOT))
    assert "证书" not in institution_with_licence.business_licence.name


def test_private_upload_has_no_public_url(institution_with_licence):
    with pytest.raises(ValueError):
        institution_with_licence.business_licence.url  # noqa: B018
