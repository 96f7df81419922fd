"""Comforts for users: the error summary, the autosave time, confirmations of
irreversible steps, empty states that say what to do next, the print stylesheet and the page for
an oversized request. The browser behaviour (focus, dialogs, progress bar) is in static/js/ and
checked by hand (README, "Comforts for users"); here is what the server renders and refuses."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from cms.models import GuidePage, HomePage
from tests.support.accounts import enterprise_data
from tests.support.builders import ApplicationFactory, make_catalogue, make_form_schema
from tests.support.factories import UserFactory
from tests.support.workflow_builders import application_in, make_parties, refresh
from workflows.models import ApplicationState as S
from workflows.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def draft(catalogue, user):
    return ApplicationFactory(user=user, levels=[catalogue["D"]])


def html_of(response):
    return response.content.decode()


def summary_of(html):
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def tag_with_id(html, element_id):
    match = re.search(rf'<(input|textarea|select)[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no control with id {element_id}"
    return match.group(0)


# --- the error summary -----------------------------------------------------------------------------


def test_registration_errors_are_summarised_with_links_and_the_fields_point_at_their_messages(client):
    data = enterprise_data(username="", legal_representative="")
    response = client.post(reverse("accounts:register_enterprise"), data)
    assert response.status_code == 200 or response.status_code == 400
    html = html_of(response)
    summary = summary_of(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and 'id="error-summary"' in summary
    count = summary.count("<li>")
    assert count >= 1 and f"提交的内容有 {count} 处需要修改" in summary
    assert 'href="#id_username"' in summary
    field = tag_with_id(html, "id_username")
    assert 'aria-invalid="true"' in field
    assert "id_username_error" in re.search(r'aria-describedby="([^"]*)"', field).group(1).split()
    assert 'id="id_username_error"' in html
    # A field without a mistake is not marked.
    assert "aria-invalid" not in tag_with_id(html, "id_name")


def test_the_region_and_mobile_messages_have_the_ids_their_fields_point_at(client):
    response = client.post(reverse("accounts:register_enterprise"), enterprise_data(province="", mobile="123"))
    html = html_of(response)
    assert 'href="#id_province"' in summary_of(html)
    assert 'id="id_province_error"' in html and 'id="id_mobile_error"' in html


def test_login_mistakes_are_summarised_without_a_field_link(client):
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong-password-1A"})
    summary = summary_of(html_of(response))
    assert "提交的内容有 1 处需要修改" in summary


def test_a_form_page_summarises_its_mistakes_and_marks_the_fields(client, draft, user):
    client.force_login(user)
    url = reverse("applications:page", args=[draft.uuid, 1])
    response = client.post(url, {"action": "next", "f-qi_ye_ming_cheng": "新名称有限公司"})
    assert response.status_code == 400
    html = html_of(response)
    summary = summary_of(html)
    assert "提交的内容有 1 处需要修改" in summary
    assert 'href="#id_f-fa_ding_dai_biao_ren"' in summary and "法定代表人：请填写法定代表人。" in summary
    field = tag_with_id(html, "id_f-fa_ding_dai_biao_ren")
    assert 'aria-invalid="true"' in field and "id_f-fa_ding_dai_biao_ren_error" in field
    assert 'id="id_f-fa_ding_dai_biao_ren_error"' in html
    assert "aria-invalid" not in tag_with_id(html, "id_f-qi_ye_ming_cheng")


def test_a_fresh_form_page_marks_nothing_invalid(client, draft, user):
    # The page form is bound to the stored (empty) values: Django alone would mark every empty
    # required field invalid before the applicant typed anything.
    client.force_login(user)
    html = html_of(client.get(reverse("applications:page", args=[draft.uuid, 1])))
    assert "aria-invalid" not in html and "error-summary" not in html


def test_the_check_page_summarises_what_is_missing_with_links_to_the_pages(client, draft, user):
    client.force_login(user)
    response = client.post(reverse("applications:check", args=[draft.uuid]))
    assert response.status_code == 400
    summary = summary_of(html_of(response))
    page_url = reverse("applications:page", args=[draft.uuid, 1])
    assert f'href="{page_url}?errors#field-f-fa_ding_dai_biao_ren"' in summary
    assert "处需要修改" in summary


def test_a_withdrawal_refused_for_its_reason_is_summarised(client, catalogue):
    parties = make_parties(catalogue)
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.applicant)
    response = client.post(reverse("applications:withdraw", args=[application.uuid]), {"reason": "长" * 1001})
    assert response.status_code == 400
    html = html_of(response)
    assert 'href="#id_reason"' in summary_of(html)
    assert 'aria-invalid="true"' in tag_with_id(html, "id_reason") and 'id="id_reason_error"' in html


# --- autosave --------------------------------------------------------------------------------------


def test_autosave_answers_the_server_time_it_saved(client, draft, user):
    client.force_login(user)
    response = client.post(reverse("applications:autosave", args=[draft.uuid, 1]), {"f-fa_ding_dai_biao_ren": "李四"})
    body = response.json()
    assert re.fullmatch(r"\d\d:\d\d", body["saved_time"])
    assert body["message"] == f"已保存 {body['saved_time']}"
    assert body["saved_at"][11:16] == body["saved_time"]


def test_the_form_page_has_the_autosave_live_region_and_its_messages(client, draft, user):
    client.force_login(user)
    html = html_of(client.get(reverse("applications:page", args=[draft.uuid, 1])))
    assert re.search(r'id="autosave-status" role="status" aria-live="polite">已保存 \d\d:\d\d<', html)
    assert 'data-msg-saving="正在保存…"' in html
    assert 'data-msg-failed="未能保存，请检查网络；内容已暂存在本机浏览器"' in html
    assert "js/upload_progress.js" in html and "data-upload-progress" in html


# --- confirmations ---------------------------------------------------------------------------------


def test_irreversible_portal_buttons_ask_first(client, catalogue):
    parties = make_parties(catalogue)
    draft = application_in(S.DRAFT, parties)
    submitted = application_in(S.SUBMITTED, parties)
    client.force_login(parties.applicant)
    check = html_of(client.get(reverse("applications:check", args=[draft.uuid])))
    assert 'data-confirm="提交后申请书不能再修改' in check
    withdraw = html_of(client.get(reverse("applications:withdraw", args=[submitted.uuid])))
    assert 'data-confirm="撤回后本申请办理终止' in withdraw
    delete = html_of(client.get(reverse("applications:delete", args=[draft.uuid])))
    assert 'data-confirm="草稿中已填写的内容' in delete
    assert "js/confirm.js" in delete


STAFF_DECISIONS = [
    ("accept", S.SUBMITTED, "authority", lambda p: {"review_body": p.review_body_org.pk, "comment": "齐全"}),
    ("refuse_acceptance", S.SUBMITTED, "authority", lambda p: {"reasons": "不属于本机关职权范围"}),
    (
        "request_correction",
        S.SUBMITTED,
        "authority",
        lambda p: {"tick-field-fa_ding_dai_biao_ren": "on", "comment-field-fa_ding_dai_biao_ren": "不一致"},
    ),
    ("approve", S.REVIEWED, "authority", lambda p: {"comment": "准予许可"}),
    ("deny", S.REVIEWED, "authority", lambda p: {"reasons": "评审结论不符合条件"}),
]


@pytest.mark.parametrize(("action", "state", "who", "data"), STAFF_DECISIONS, ids=[d[0] for d in STAFF_DECISIONS])
def test_a_staff_decision_without_the_confirmation_box_is_refused(client, action, state, who, data):
    parties = make_parties(make_catalogue(make_form_schema()))
    application = application_in(state, parties)
    documents = Document.objects.count()
    client.force_login(getattr(parties, who))
    url = reverse(f"licensing:{action}", args=[application.pk])
    page = html_of(client.get(url))
    assert 'name="confirmed"' in page and "我已确认" in page
    assert "data-confirm=" in page and "js/confirm.js" in page

    response = client.post(url, data(parties))
    assert response.status_code == 400
    assert "请勾选“我已确认……”后再提交：该决定作出后不能撤回。" in html_of(response)
    assert refresh(application).state == state and Document.objects.count() == documents

    response = client.post(url, {**data(parties), "confirmed": "on"})
    assert response.status_code == 302
    assert refresh(application).state != state


def test_the_review_report_needs_the_confirmation_box(client, catalogue):
    parties = make_parties(catalogue)
    application = application_in(S.REVIEW_SCHEDULED, parties)
    client.force_login(parties.review_body)
    response = client.post(reverse("licensing:submit_review_report", args=[application.pk]), {"summary": "x"})
    assert response.status_code == 400 and "请勾选“我已确认……”后再提交" in html_of(response)


def test_a_correction_without_items_still_says_so_when_unconfirmed(client, catalogue):
    parties = make_parties(catalogue)
    application = application_in(S.SUBMITTED, parties)
    client.force_login(parties.authority)
    response = client.post(reverse("licensing:request_correction", args=[application.pk]), {"comment": "补正"})
    html = html_of(response)
    assert "请至少勾选一项需要补正的内容" in html and "请勾选“我已确认……”后再提交" in html


# --- empty states ----------------------------------------------------------------------------------


def test_an_empty_application_list_says_what_to_do_and_links_the_guide(client, catalogue, user):
    HomePage.objects.first().add_child(instance=GuidePage(title="操作指南", slug="guide-test", body=[]))
    client.force_login(user)
    html = html_of(client.get(reverse("applications:list")))
    assert "您还没有许可申请。" in html
    empty = html.split('id="applications-empty"', 1)[1]
    assert f'href="{reverse("applications:new")}"' in empty and "新建许可申请" in empty
    assert "guide-test/" in empty and "先看操作指南" in empty


def test_no_notifications_says_what_will_arrive_there(client, user):
    client.force_login(user)
    html = html_of(client.get(reverse("applications:notifications")))
    assert 'id="notifications-empty"' in html and "暂无消息。" in html and "会在这里通知您" in html


def test_an_empty_staff_queue_says_so_and_how_to_clear_the_filters(client, catalogue):
    parties = make_parties(catalogue)
    client.force_login(parties.authority)
    index = reverse("licensing:index")
    html = html_of(client.get(index))
    assert "当前没有待办理的申请" in html and "站内消息" in html

    application_in(S.SUBMITTED, parties)
    html = html_of(client.get(index, {"state": S.APPROVED, "q": "不存在的单位"}))
    assert "没有符合当前条件的申请" in html
    assert "搜索：“不存在的单位”" in html and "清除“状态”" in html
    assert "清除全部条件，查看全部申请" in html


def test_a_catalogue_search_without_results_offers_to_clear_it(client, catalogue, user):
    client.force_login(user)
    html = html_of(client.get(reverse("applications:new"), {"q": "没有这个项目"}))
    assert "没有找到符合条件的许可项目" in html and "清除搜索条件，查看全部许可项目" in html


# --- print, oversized requests ----------------------------------------------------------------------


def test_the_print_stylesheet_hides_the_chrome_and_keeps_rows_whole():
    with open(finders.find("css/portal.css"), encoding="utf-8") as f:
        css = f.read()
    printing = css[css.index("@media print {") :]
    hidden = next(rule for rule in printing.split("}") if "display: none" in rule)
    for selector in (".site-header", ".site-nav", ".lang-switch", ".form-actions", "button", "dialog"):
        assert selector in hidden, selector
    assert "page-break-inside: avoid" in printing and "attr(href)" in printing
    assert "color: #000" in printing and "background: #fff" in printing


def test_an_oversized_request_gets_a_chinese_page_with_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(reverse("accounts:login"), {"username": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    html = html_of(response)
    assert "提交的内容太大，服务器未能接收" in html and "分几次上传" in html


def test_other_bad_requests_keep_djangos_400(client):
    from django.core.exceptions import SuspiciousOperation
    from django.test import RequestFactory

    from portal.errors import bad_request

    response = bad_request(RequestFactory().get("/"), SuspiciousOperation("x"))
    assert response.status_code == 400
