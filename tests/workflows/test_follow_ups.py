"""换证 / 增项 / 变更 (workflows.licensing): the renewal window to the day, prefilling
from the licence and its application, items merged by 增项, the holder's name changed by 变更,
supersession, one open follow-up at a time, a late renewal refused at submission, and 404s for
anyone but the holder."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.support.builders import make_catalogue
from tests.support.licence_builders import approve, approved_licence, licence_row, months_after, set_valid_until
from tests.support.workflow_builders import make_parties, refresh
from workflows import licensing, services
from workflows.models import Application, ApplicationKind, ApplicationState, License, LicenseStatus

pytestmark = pytest.mark.django_db
K = ApplicationKind
DAY = datetime.timedelta(days=1)


@pytest.fixture
def parties():
    return make_parties(make_catalogue())


@pytest.fixture
def licence(parties):
    """A licence as a row (no workflow, no PDFs): what the follow-up rules read."""
    return licence_row(parties, months_after(timezone.localdate(), 48) - DAY)


def in_renewal_window(licence):
    """The licence, its expiry moved so that today is inside the renewal window."""
    return set_valid_until(licence, months_after(timezone.localdate(), 9))


# --- the renewal window, to the day ----------------------------------------------------------


@pytest.mark.parametrize(
    "valid_until, opens, deadline",
    [
        (datetime.date(2030, 6, 30), datetime.date(2029, 6, 30), datetime.date(2029, 12, 30)),
        # No 31 June or 31 February: the month's last day.
        (datetime.date(2030, 12, 31), datetime.date(2029, 12, 31), datetime.date(2030, 6, 30)),
        (datetime.date(2030, 8, 31), datetime.date(2029, 8, 31), datetime.date(2030, 2, 28)),
    ],
)
def test_window_dates(licence, valid_until, opens, deadline):
    licence.valid_until = valid_until
    assert licensing.renewal_opens_on(licence) == opens
    assert licensing.renewal_deadline(licence) == deadline


def test_renewal_opens_twelve_months_before_expiry_and_closes_six_months_before(licence):
    licence.valid_until = datetime.date(2030, 6, 30)
    refusal = licensing.follow_up_refusal

    day_before = refusal(licence, K.RENEWAL, today=datetime.date(2029, 6, 29))
    assert day_before == "换证申请自 2029-06-30 起可以提出（有效期届满前12个月）。"
    assert refusal(licence, K.RENEWAL, today=datetime.date(2029, 6, 30)) is None  # the first allowed day
    assert refusal(licence, K.RENEWAL, today=datetime.date(2029, 12, 30)) is None  # the last allowed day
    late = refusal(licence, K.RENEWAL, today=datetime.date(2029, 12, 31))
    assert late.startswith("换证申请须在有效期届满6个月以前（2029-12-30 前）提出")
    # 增项 and 变更 are not bound to the window.
    assert refusal(licence, K.ADD_ITEMS, today=datetime.date(2029, 6, 29)) is None
    assert refusal(licence, K.CHANGE, today=datetime.date(2029, 12, 31)) is None


def test_expired_and_superseded_licences_take_no_follow_up(parties, licence):
    licence.valid_until = datetime.date(2030, 6, 30)
    expired = licensing.follow_up_refusal(licence, K.CHANGE, today=datetime.date(2030, 7, 1))
    assert expired == "该许可证已于 2030-06-30 过期，请按新申请（取证）办理。"
    assert licensing.follow_up_refusal(licence, K.CHANGE, today=datetime.date(2030, 6, 30)) is None  # last valid day

    newer = License.objects.create(
        number="TS-NEWER",
        application=services.start_application(parties.applicant, [parties.catalogue["B"].pk]),
        holder=licence.holder,
        authority=licence.authority,
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
    )
    License.objects.filter(pk=licence.pk).update(superseded_by=newer)
    licence = License.objects.get(pk=licence.pk)
    assert licence.status() == LicenseStatus.SUPERSEDED
    assert licensing.follow_up_refusal(licence, K.ADD_ITEMS) == "该许可证已换发为 TS-NEWER，请在新许可证上办理。"


def test_renewal_cannot_be_started_outside_the_window(parties, licence):
    # Just issued: four years to go.
    with pytest.raises(ValidationError) as refused:
        services.start_follow_up(parties.applicant, licence, K.RENEWAL)
    assert "换证申请自" in refused.value.messages[0]
    assert not Application.objects.filter(previous_license=licence).exists()


# --- starting, prefilled ---------------------------------------------------------------------


def test_renewal_is_prefilled_from_the_licence_and_its_application(parties, licence):
    licence = in_renewal_window(licence)
    draft = services.start_follow_up(parties.applicant, licence, K.RENEWAL)

    assert draft.kind == K.RENEWAL and draft.previous_license == licence and draft.state == ApplicationState.DRAFT
    assert draft.authority == licence.authority
    assert [(i.item_name, i.level_code) for i in draft.items.all()] == [("压力容器制造（固定式压力容器）", "D")]
    # What the licence's application said (typed by the applicant, not an account value).
    assert draft.data["fa_ding_dai_biao_ren"] == "张三"
    assert draft.data["quality_system"] == "ISO 9001"
    assert draft.data["qi_ye_ming_cheng"] == parties.applicant.organisation.name
    assert parties.applicant.has_perm("workflows.change_application", draft)


def test_only_one_open_follow_up_at_a_time(parties, licence):
    licence = in_renewal_window(licence)
    change = services.start_follow_up(parties.applicant, licence, K.CHANGE)

    for kind in (K.RENEWAL, K.CHANGE, K.ADD_ITEMS):
        with pytest.raises(ValidationError) as refused:
            services.start_follow_up(parties.applicant, licence, kind, [parties.catalogue["B"].pk])
        assert refused.value.messages[0] == "该许可证已有一份正在办理的变更申请（草稿），办结或撤回后才能再提出。"

    # A deleted draft frees the licence again.
    services.delete_draft(change)
    assert services.start_follow_up(parties.applicant, licence, K.RENEWAL).kind == K.RENEWAL


def test_add_items_needs_a_level_the_licence_does_not_have(parties, licence):
    for levels in ([], [parties.catalogue["D"].pk]):
        with pytest.raises(ValidationError) as refused:
            services.start_follow_up(parties.applicant, licence, K.ADD_ITEMS, levels)
        assert refused.value.messages[0] == "请至少选择一个许可证上还没有的许可项目及级别。"


def test_only_the_holder_starts_a_follow_up(parties, licence):
    with pytest.raises(PermissionDenied):
        services.start_follow_up(parties.other_enterprise, licence, K.CHANGE)


# --- approving a follow-up --------------------------------------------------------------------


def test_approved_renewal_runs_four_years_from_the_old_expiry_and_supersedes(parties):
    # A licence issued through the whole workflow, renewed through the whole workflow.
    licence = in_renewal_window(approved_licence(parties))
    draft = services.start_follow_up(parties.applicant, licence, K.RENEWAL)
    new = approve(draft, parties)

    old = License.objects.get(pk=licence.pk)
    assert old.superseded_by == new and old.status() == LicenseStatus.SUPERSEDED
    assert new.valid_until == datetime.date(old.valid_until.year + 4, old.valid_until.month, old.valid_until.day)
    assert new.issued_on == timezone.localdate() and new.status() == LicenseStatus.VALID
    assert [(i["item_name"], i["level_code"]) for i in new.items] == [("压力容器制造（固定式压力容器）", "D")]
    assert new.verification_code and new.holder_name == old.holder_name


def test_approved_add_items_merges_the_items_and_keeps_the_expiry(parties, licence):
    draft = services.start_follow_up(parties.applicant, licence, K.ADD_ITEMS, [parties.catalogue["B"].pk])
    assert [i.level_code for i in draft.items.all()] == ["B"]  # only the new level is applied for
    new = approve(draft, parties)

    assert [(i["item_name"], i["level_code"]) for i in new.items] == [
        ("压力容器制造（固定式压力容器）", "D"),
        ("锅炉安装", "B"),
    ]
    assert new.valid_until == licence.valid_until
    assert License.objects.get(pk=licence.pk).superseded_by == new


def test_approved_change_renames_the_holder_on_the_new_licence_and_the_organisation(parties, licence):
    draft = services.start_follow_up(parties.applicant, licence, K.CHANGE)
    services.save_values(draft, {"qi_ye_ming_cheng": "北京新名称特种设备有限公司"})
    new = approve(draft, parties)

    assert new.holder_name == "北京新名称特种设备有限公司"
    assert new.valid_until == licence.valid_until and new.items == licence.items
    organisation = parties.applicant.organisation
    organisation.refresh_from_db()
    assert organisation.name == "北京新名称特种设备有限公司"
    old = License.objects.get(pk=licence.pk)
    assert old.superseded_by == new
    assert old.holder_name != "北京新名称特种设备有限公司"  # what the old certificate says stays


# --- a late renewal at submission --------------------------------------------------------------


def test_late_renewal_is_refused_at_submission_with_the_reason_on_the_check_page(client, parties, licence):
    licence = in_renewal_window(licence)
    draft = services.start_follow_up(parties.applicant, licence, K.RENEWAL)
    # The applicant let the deadline pass: six months before expiry was a month ago.
    late = set_valid_until(licence, months_after(timezone.localdate(), 5))
    deadline = licensing.renewal_deadline(late)

    client.force_login(parties.applicant)
    response = client.post(reverse("applications:check", args=[draft.uuid]))

    assert response.status_code == 400
    message = (
        f"换证申请须在有效期届满6个月以前（{deadline:%Y-%m-%d} 前）提交，已超过期限，请撤回后按新申请（取证）办理。"
    )
    assert message in response.content.decode()
    assert refresh(draft).state == ApplicationState.DRAFT and refresh(draft).reference is None


def test_submission_refused_when_the_licence_was_superseded_meanwhile(client, parties, licence):
    draft = services.start_follow_up(parties.applicant, licence, K.CHANGE)
    newer = License.objects.create(
        number="TS-OTHER",
        application=services.start_application(parties.applicant, [parties.catalogue["B"].pk]),
        holder=licence.holder,
        authority=licence.authority,
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
    )
    License.objects.filter(pk=licence.pk).update(superseded_by=newer)

    client.force_login(parties.applicant)
    response = client.post(reverse("applications:check", args=[draft.uuid]))
    assert response.status_code == 400
    assert f"原许可证 {licence.number} 已换发，该申请不能再提交，请撤回后按新申请办理。" in response.content.decode()
    assert refresh(draft).state == ApplicationState.DRAFT


# --- the portal's start views ------------------------------------------------------------------


def test_renewal_button_posts_and_opens_the_draft(client, parties, licence):
    licence = in_renewal_window(licence)
    client.force_login(parties.applicant)
    response = client.post(reverse("applications:licence_renew", args=[licence.pk]))
    draft = Application.objects.get(previous_license=licence)
    assert draft.kind == K.RENEWAL
    assert response.status_code == 302 and response["Location"] == reverse("applications:page", args=[draft.uuid, 1])


def test_refused_start_goes_back_to_the_licence_with_the_reason(client, parties, licence):
    client.force_login(parties.applicant)
    response = client.post(reverse("applications:licence_renew", args=[licence.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:licence", args=[licence.pk])
    assert "换证申请自" in response.content.decode()
    assert not Application.objects.filter(previous_license=licence).exists()


def test_start_views_are_post_only_and_csrf_protected(parties, licence):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(parties.applicant)
    assert client.get(reverse("applications:licence_change", args=[licence.pk])).status_code == 405
    assert client.post(reverse("applications:licence_change", args=[licence.pk])).status_code == 403
    assert not Application.objects.filter(previous_license=licence).exists()


def test_add_items_page_offers_only_levels_the_licence_lacks(client, parties, licence):
    client.force_login(parties.applicant)
    url = reverse("applications:licence_add_items", args=[licence.pk])
    html = client.get(url).content.decode()
    d, b = parties.catalogue["D"], parties.catalogue["B"]
    assert f'name="level" value="{b.pk}"' in html
    assert f'name="level" value="{d.pk}"' not in html and "许可证已有" in html

    refused = client.post(url, {"level": [d.pk]})
    assert refused.status_code == 400 and "请至少选择一个许可证上还没有的许可项目及级别。" in refused.content.decode()

    response = client.post(url, {"level": [b.pk]})
    draft = Application.objects.get(previous_license=licence)
    assert draft.kind == K.ADD_ITEMS
    assert response["Location"] == reverse("applications:page", args=[draft.uuid, 1])


@pytest.mark.parametrize("who", ["other_enterprise", "authority", "samr"])
def test_others_get_404_on_every_licence_url(client, parties, licence, who):
    licence = in_renewal_window(licence)
    client.force_login(getattr(parties, who))
    for name in ("licence", "licence_add_items"):
        assert client.get(reverse(f"applications:{name}", args=[licence.pk])).status_code == 404
    for name in ("licence_renew", "licence_change", "licence_add_items"):
        data = {"level": [parties.catalogue["B"].pk]}
        assert client.post(reverse(f"applications:{name}", args=[licence.pk]), data).status_code == 404
    assert not Application.objects.filter(previous_license=licence).exists()


def test_staff_see_the_kind_and_the_previous_licence_and_can_filter_by_kind(client, parties, licence):
    draft = in_renewal_window(licence)
    renewal = services.submit_application(
        refresh(services.start_follow_up(parties.applicant, draft, K.RENEWAL)), parties.applicant
    )
    client.force_login(parties.authority)

    detail = client.get(reverse("licensing:detail", args=[renewal.pk])).content.decode()
    assert "换证" in detail and licence.number in detail

    index = reverse("licensing:index")
    renewals = client.get(index, {"kind": "renewal"}).content.decode()
    assert renewal.reference in renewals
    assert renewal.reference not in client.get(index, {"kind": "new"}).content.decode()
    response = client.get(index, {"export": "csv", "kind": "renewal"})
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "换证" in export and renewal.reference in export
