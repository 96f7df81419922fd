"""The applicant journey of guide 1.5 through the Django test client."""

import pytest
from django.urls import reverse

from tests.support.builders import ApplicationFactory, field, make_catalogue, page, publish_pages, simple_pages
from tests.support.factories import OrganisationFactory, UserFactory
from workflows.models import Application, ApplicationEvent, ApplicationState

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


def page_url(application, number):
    return reverse("applications:page", args=[application.uuid, number])


def fresh(application):
    # Application.state is a protected FSMField: refresh_from_db() cannot set it, so re-fetch.
    return Application.objects.get(pk=application.pk)


def test_choosing_items_shows_the_catalogue_with_levels_and_authorities(client, catalogue, user):
    client.force_login(user)
    html = client.get(reverse("applications:new")).content.decode()
    assert "压力容器制造（固定式压力容器）" in html and "A1" in html and "大型高压容器" in html
    assert "国家市场监督管理总局" in html and "北京市市场监督管理局" in html


def test_the_catalogue_search_finds_items_by_chinese_text_and_level(client, catalogue, user):
    client.force_login(user)
    html = client.get(reverse("applications:new"), {"q": "锅炉"}).content.decode()
    assert "锅炉安装" in html and "压力容器制造" not in html
    html = client.get(reverse("applications:new"), {"q": "A1"}).content.decode()
    assert "压力容器制造" in html and "锅炉安装" not in html


def test_starting_an_application_opens_page_one_with_the_derived_authority(client, catalogue, user):
    client.force_login(user)
    response = client.post(reverse("applications:new"), {"level": [catalogue["A1"].pk]})
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == page_url(application, 1)
    html = client.get(response.url).content.decode()
    assert "国家市场监督管理总局" in html and "审批机关根据企业基本信息自动带入" in html
    assert user.organisation.name in html  # prefilled 企业名称
    assert "申请单位基本情况" in html and "质量保证体系" in html  # the page list


def test_items_of_different_authorities_start_one_draft_per_authority(client, catalogue, user):
    client.force_login(user)
    response = client.post(reverse("applications:new"), {"level": [catalogue["A1"].pk, catalogue["B"].pk]})
    national, provincial = Application.objects.order_by("pk")
    assert response.status_code == 302 and response.url == page_url(national, 1)
    assert (national.authority, provincial.authority) == (catalogue["samr"], catalogue["beijing"])
    html = client.get(response.url).content.decode()
    assert "已按审批机关分别创建2份申请书草稿" in html and "北京市市场监督管理局" in html


def test_choosing_nothing_says_so(client, catalogue, user):
    client.force_login(user)
    response = client.post(reverse("applications:new"), {"level": ["x"]})
    assert response.status_code == 400 and "请至少选择一个许可项目" in response.content.decode()


def test_next_page_validates_and_keeps_what_was_typed(client, draft, user):
    client.force_login(user)
    response = client.post(page_url(draft, 1), {"action": "next", "f-qi_ye_ming_cheng": "新名称有限公司"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请填写法定代表人。" in html and "新名称有限公司" in html
    assert fresh(draft).data["qi_ye_ming_cheng"] == "新名称有限公司"


def test_next_page_moves_on_when_the_page_is_valid(client, draft, user):
    client.force_login(user)
    response = client.post(
        page_url(draft, 1), {"action": "next", "f-qi_ye_ming_cheng": "甲公司", "f-fa_ding_dai_biao_ren": "李四"}
    )
    assert response.status_code == 302 and response.url == page_url(draft, 2)
    assert fresh(draft).current_page == 1


def test_jumping_to_another_page_saves_without_blocking(client, draft, user):
    client.force_login(user)
    response = client.post(page_url(draft, 1), {"goto": "2", "f-fa_ding_dai_biao_ren": "王五"})
    assert response.status_code == 302 and response.url == page_url(draft, 2)
    assert fresh(draft).data["fa_ding_dai_biao_ren"] == "王五"
    response = client.post(page_url(draft, 2), {"action": "prev", "f-quality_system": "ISO 9001"})
    assert response.url == page_url(draft, 1)
    html = client.get(page_url(draft, 1)).content.decode()
    assert 'value="王五"' in html


def test_autosave_stores_values_and_answers_json(client, draft, user):
    client.force_login(user)
    url = reverse("applications:autosave", args=[draft.uuid, 2])
    response = client.post(url, {"f-quality_system": "质量手册第三版"})
    assert response.status_code == 200 and response.json()["ok"] is True
    assert response.json()["message"].startswith("已保存 ")
    assert fresh(draft).data["quality_system"] == "质量手册第三版"


def test_autosave_after_the_session_ended_answers_401_not_a_login_page(client, draft):
    response = client.post(reverse("applications:autosave", args=[draft.uuid, 1]), {"f-fa_ding_dai_biao_ren": "x"})
    assert response.status_code == 401 and "登录已过期" in response.json()["error"]


def test_nothing_is_lost_after_logout_and_login(client, draft, user):
    client.force_login(user)
    client.post(reverse("applications:autosave", args=[draft.uuid, 1]), {"f-fa_ding_dai_biao_ren": "赵六"})
    client.logout()
    client.force_login(user)
    response = client.get(reverse("applications:list"))
    assert "继续填写" in response.content.decode()
    assert 'value="赵六"' in client.get(page_url(draft, 1)).content.decode()


def test_another_enterprise_cannot_see_or_touch_the_draft(client, draft):
    other = UserFactory()
    client.force_login(other)
    for url in (
        page_url(draft, 1),
        reverse("applications:check", args=[draft.uuid]),
        reverse("applications:detail", args=[draft.uuid]),
        reverse("applications:delete", args=[draft.uuid]),
        reverse("applications:print", args=[draft.uuid]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(page_url(draft, 1), {"f-fa_ding_dai_biao_ren": "x"}).status_code == 404
    assert client.post(reverse("applications:autosave", args=[draft.uuid, 1]), {}).status_code == 404
    assert client.post(reverse("applications:check", args=[draft.uuid])).status_code == 404
    assert str(draft.uuid) not in client.get(reverse("applications:list")).content.decode()
    assert "fa_ding_dai_biao_ren" not in fresh(draft).data


def test_a_colleague_of_the_same_enterprise_can_continue_the_draft(client, draft, user):
    colleague = UserFactory(organisation=user.organisation)
    client.force_login(colleague)
    assert client.get(page_url(draft, 1)).status_code == 200


def test_staff_and_anonymous_users_do_not_get_applicant_pages(client, draft):
    for url in (page_url(draft, 1), reverse("applications:print", args=[draft.uuid])):
        response = client.get(url)
        assert response.status_code == 302 and response.url == f"{reverse('accounts:login')}?next={url}"
    authority_user = UserFactory(organisation=draft.authority, is_staff=True)
    client.force_login(authority_user)
    assert client.get(page_url(draft, 1)).status_code == 404
    assert client.get(reverse("applications:new")).status_code == 404


def test_page_numbers_out_of_range_are_404(client, draft, user):
    client.force_login(user)
    assert client.get(page_url(draft, 3)).status_code == 404
    assert client.get(page_url(draft, 0)).status_code == 404


def test_the_check_page_lists_every_problem_with_a_link_to_it(client, draft, user):
    client.force_login(user)
    html = client.get(reverse("applications:check", args=[draft.uuid])).content.decode()
    assert "还有 2 处需要填写或修改" in html
    assert f"{page_url(draft, 1)}?errors#field-f-fa_ding_dai_biao_ren" in html
    assert f"{page_url(draft, 2)}?errors#field-f-quality_system" in html
    linked = client.get(f"{page_url(draft, 1)}?errors").content.decode()
    assert "请填写法定代表人。" in linked


def test_submitting_an_incomplete_application_is_refused(client, draft, user):
    client.force_login(user)
    response = client.post(reverse("applications:check", args=[draft.uuid]))
    assert response.status_code == 400 and "还有未填写或填写有误的内容" in response.content.decode()
    assert fresh(draft).state == ApplicationState.DRAFT


def test_submitting_a_complete_application(client, draft, user):
    client.force_login(user)
    client.post(
        page_url(draft, 1), {"action": "save", "f-qi_ye_ming_cheng": "甲公司", "f-fa_ding_dai_biao_ren": "李四"}
    )
    client.post(page_url(draft, 2), {"action": "save", "f-quality_system": "按 TSG 07-2019 建立"})
    response = client.post(reverse("applications:check", args=[draft.uuid]))
    submitted = fresh(draft)
    assert response.status_code == 302 and response.url == reverse("applications:detail", args=[draft.uuid])
    assert submitted.state == ApplicationState.SUBMITTED and submitted.reference.startswith("TSXK")
    event = ApplicationEvent.objects.get()
    assert (event.from_state, event.to_state, event.actor) == ("draft", "submitted", user)
    html = client.get(response.url).content.decode()
    assert submitted.reference in html and "已提交" in html
    # The authority's staff may now see it; the draft pages are closed.
    assert client.get(page_url(draft, 1)).status_code == 404
    staff = UserFactory(organisation=draft.authority)
    assert staff.has_perm("workflows.view_application", submitted)


def test_a_draft_can_be_deleted_from_the_list(client, draft, user):
    client.force_login(user)
    assert "确定删除" in client.get(reverse("applications:delete", args=[draft.uuid])).content.decode()
    response = client.post(reverse("applications:delete", args=[draft.uuid]))
    assert response.url == reverse("applications:list")
    assert not Application.objects.exists()


def test_an_editors_change_does_not_change_a_started_draft(client, catalogue, draft, user):
    publish_pages(
        catalogue["form"],
        simple_pages() + [page("承诺书", "declaration", [field("singleline", "承诺人", "cheng_nuo_ren")])],
    )
    client.force_login(user)
    html = client.get(page_url(draft, 1)).content.decode()
    assert "承诺书" not in html
    newer = ApplicationFactory(user=user, levels=[catalogue["D"]])
    assert "承诺书" in client.get(page_url(newer, 1)).content.decode()


def test_conditional_pages_and_fields_follow_the_answers(client, user):
    pages = [
        page(
            "申请类别",
            "kind",
            [
                field("radio", "申请类别", "shen_qing_lei_bie", choices=["新申请", "换证"]),
                field(
                    "singleline",
                    "原许可证编号",
                    "yuan_xu_ke_zheng",
                    show_when={"field": "shen_qing_lei_bie", "value": "换证"},
                ),
            ],
        ),
        page(
            "换证说明",
            "renewal",
            [field("multiline", "换证说明", "huan_zheng")],
            show_when={"field": "shen_qing_lei_bie", "value": "换证"},
        ),
        page("承诺", "end", [field("singleline", "承诺人", "cheng_nuo_ren")]),
    ]
    from tests.support.builders import make_form_schema

    catalogue = make_catalogue(make_form_schema(pages))
    draft = ApplicationFactory(user=user, levels=[catalogue["D"]])
    client.force_login(user)
    html = client.get(page_url(draft, 1)).content.decode()
    assert 'data-show-when-field="f-shen_qing_lei_bie"' in html and "hidden" in html
    assert "换证说明" not in html  # the page list leaves out the hidden page
    response = client.post(page_url(draft, 1), {"action": "next", "f-shen_qing_lei_bie": "新申请"})
    assert response.url == page_url(draft, 3)  # the hidden page is skipped, the hidden field not required
    response = client.post(page_url(draft, 1), {"action": "next", "f-shen_qing_lei_bie": "换证"})
    assert response.status_code == 400 and "请填写原许可证编号。" in response.content.decode()
    client.post(page_url(draft, 1), {"action": "next", "f-shen_qing_lei_bie": "换证", "f-yuan_xu_ke_zheng": "TS001"})
    assert "换证说明" in client.get(page_url(draft, 1)).content.decode()


def test_page_and_autosave_queries_do_not_grow_with_the_number_of_applications(
    client, catalogue, user, django_assert_max_num_queries
):
    draft = ApplicationFactory(user=user, levels=[catalogue["D"]])
    for _ in range(3):
        ApplicationFactory(user=user, levels=[catalogue["B"]])
        ApplicationFactory(user=UserFactory(organisation=OrganisationFactory()), levels=[catalogue["D"]])
    client.force_login(user)
    client.get(page_url(draft, 1))  # warm the content-type cache
    with django_assert_max_num_queries(12):
        assert client.get(page_url(draft, 1)).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.post(reverse("applications:autosave", args=[draft.uuid, 1]), {"f-fa_ding_dai_biao_ren": "x"})
        assert response.status_code == 200


def test_print_current_page_saves_first_then_gives_a_pdf_with_the_typed_text(client, draft, user):
    from io import BytesIO

    from pypdf import PdfReader

    client.force_login(user)
    response = client.post(page_url(draft, 1), {"action": "print", "f-fa_ding_dai_biao_ren": "欧阳明"})
    assert response.status_code == 302
    assert response.url == reverse("applications:print_page", args=[draft.uuid, 1])
    pdf = client.get(response.url)
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "欧阳明" in text and "法定代表人" in text and "北京市市场监督管理局" in text
    assert client.get(reverse("applications:print_page", args=[draft.uuid, 9])).status_code == 404
