"""核对并提交: every visible page's values read-only (tables as tables, files as download links),
a 修改 link per page, hidden pages left out, then the problems and 提交; a bounded query count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.builders import ApplicationFactory, field, make_catalogue, make_form_schema, page
from tests.support.factories import UserFactory
from tests.support.field_types import PDF, upload
from workflows.models import Application

pytestmark = pytest.mark.django_db

COLUMNS = [
    {"label": "姓名", "key": "name", "type": "text", "required": True},
    {"label": "证书编号", "key": "cert", "type": "text", "required": True},
]
CHECK_PAGE_CEILING = 10  # measured 9: the page before the values were shown was 8, plus the attachments


def pages():
    return [
        page(
            "基本情况",
            "basic",
            [
                field("singleline", "企业名称", "qi_ye_ming_cheng"),
                field("radio", "是否首次申请", "first_time", choices=["是", "否"]),
                field("table", "技术人员", "staff", columns=COLUMNS),
            ],
        ),
        page(
            "材料",
            "files",
            [field("files", "场地证明", "site_proof", allowed_types=["pdf"], max_size_mb=1, max_files=3)],
        ),
        page(
            "换证情况",
            "renewal",
            [field("multiline", "原许可证使用情况", "renewal_notes")],
            show_when={"field": "first_time", "value": "否"},
        ),
        page("质量保证体系", "quality", [field("multiline", "质量保证体系说明", "quality_system")]),
    ]


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def draft(client, user):
    catalogue = make_catalogue(make_form_schema(pages()))
    application = ApplicationFactory(user=user, levels=[catalogue["D"]])
    client.force_login(user)
    response = client.post(
        reverse("applications:page", args=[application.uuid, 2]),
        {"action": "save", "f-site_proof": [upload("场地租赁合同.pdf", PDF), upload("厂房产权证明.pdf", PDF)]},
    )
    assert response.status_code in (200, 302), response.status_code
    application = Application.objects.get(pk=application.pk)
    application.data.update(
        {
            "qi_ye_ming_cheng": "北京锅炉制造有限公司",
            "first_time": "是",
            "staff": [{"name": "王工", "cert": "TS-001"}, {"name": "李工", "cert": "TS-002"}],
            "renewal_notes": "旧的说明，页面已隐藏",  # typed before 首次申请 became 是
        }
    )
    application.save(update_fields=["data"])
    return application


def check_url(application):
    return reverse("applications:check", args=[application.uuid])


def section(html, number):
    start = html.index(f'id="check-page-{number}"')
    return html[start : html.index("</section>", start)]


def test_every_visible_page_shows_its_values_under_its_title_with_a_link_to_change_it(client, draft):
    html = client.get(check_url(draft)).content.decode()
    basic = section(html, 1)
    assert "<h2" in basic and "基本情况" in basic
    assert "企业名称" in basic and "北京锅炉制造有限公司" in basic
    assert "是否首次申请" in basic
    assert f'href="{reverse("applications:page", args=[draft.uuid, 1])}"' in basic
    assert ">修改<" in basic
    quality = section(html, 4)
    assert "质量保证体系说明" in quality and "（未填写）" in quality
    assert f'href="{reverse("applications:page", args=[draft.uuid, 4])}"' in quality
    # No <input>: the values are read-only.
    for number in (1, 2, 4):
        assert "<input" not in section(html, number)


def test_a_table_is_shown_as_a_table_with_its_column_headers(client, draft):
    basic = section(client.get(check_url(draft)).content.decode(), 1)
    table = basic[basic.index("<table") : basic.index("</table>")]
    assert re.search(r'<th scope="col">姓名</th>\s*<th scope="col">证书编号</th>', table)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert ["王工", "TS-001"] in [re.findall(r"<td>(.*?)</td>", row) for row in rows]
    assert ["李工", "TS-002"] in [re.findall(r"<td>(.*?)</td>", row) for row in rows]


def test_files_are_listed_by_name_with_a_working_download_link(client, draft):
    files = section(client.get(check_url(draft)).content.decode(), 2)
    links = dict((name, url) for url, name in re.findall(r'<a href="([^"]+)">([^<]+)</a>', files) if name != "修改")
    assert set(links) == {"场地租赁合同.pdf", "厂房产权证明.pdf"}
    for attachment in draft.attachments.all():
        url = links[attachment.original_name]
        assert url == reverse("applications:attachment", args=[draft.uuid, attachment.uuid])
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_download_links_are_no_use_to_another_organisation(client, draft):
    url = reverse("applications:attachment", args=[draft.uuid, draft.attachments.first().uuid])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(check_url(draft)).status_code == 404


def test_a_page_hidden_by_its_display_condition_is_left_out(client, draft):
    html = client.get(check_url(draft)).content.decode()
    assert 'id="check-page-3"' not in html
    assert "换证情况" not in html and "旧的说明" not in html
    draft.data["first_time"] = "否"
    draft.save(update_fields=["data"])
    html = client.get(check_url(draft)).content.decode()
    assert "换证情况" in section(html, 3) and "旧的说明，页面已隐藏" in section(html, 3)


def test_the_problems_follow_the_values_each_linking_to_its_page_then_submit(client, draft):
    html = client.get(check_url(draft)).content.decode()
    problems = html[html.index('id="problems-title"') :]
    assert "质量保证体系说明" in problems and "请填写质量保证体系说明。" in problems
    assert reverse("applications:page", args=[draft.uuid, 4]) + "?errors#field-f-quality_system" in problems
    assert html.index('id="check-page-4"') < html.index('id="problems-title"') < html.index(">提交</button>")


def test_a_complete_draft_shows_its_values_and_can_be_submitted(client, draft):
    draft.data["quality_system"] = "按 ISO 9001 建立并运行"
    draft.save(update_fields=["data"])
    html = client.get(check_url(draft)).content.decode()
    assert 'id="problems-title"' not in html
    assert "按 ISO 9001 建立并运行" in section(html, 4)
    response = client.post(check_url(draft))
    assert response.status_code == 302
    assert Application.objects.get(pk=draft.pk).reference


def test_the_check_page_costs_the_same_queries_with_many_files_rows_and_pages(client, user, draft):
    def measure():
        client.get(check_url(draft))  # warm the caches; shows (and so uses up) any message of a save
        with CaptureQueriesContext(connection) as captured:
            assert client.get(check_url(draft)).status_code == 200
        return len(captured.captured_queries)

    few = measure()
    client.post(
        reverse("applications:page", args=[draft.uuid, 2]),
        {"action": "save", "f-site_proof": [upload("第三份.pdf", PDF)]},
    )
    draft = Application.objects.get(pk=draft.pk)
    draft.data["staff"] = [{"name": f"技术员{n}", "cert": f"TS-{n:03}"} for n in range(60)]
    draft.data["first_time"] = "否"
    draft.save(update_fields=["data"])
    for _ in range(5):
        ApplicationFactory(user=user, levels=[draft.items.first().level])
    many = measure()
    assert many <= few <= CHECK_PAGE_CEILING
