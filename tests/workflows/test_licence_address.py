"""The licence prints the holder's 住所 in full: 省, 市, 区 and the 详细地址 (浙江省杭州市西湖区 + 文三路1号),
on its PDF and on 许可证查询; a 变更 of 所在地 or address is printed in full too, and becomes the
organisation's own as entered."""

import pytest
from django.urls import reverse

from accounts.models import Region
from accounts.models.regions import full_address
from tests.support.builders import field, make_catalogue, make_form_schema, simple_pages
from tests.support.licence_builders import approve
from tests.support.pdf import text_of
from tests.support.workflow_builders import application_in, make_parties
from workflows import services
from workflows.models import ApplicationKind, ApplicationState, DocumentKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "文三路1号",
        "西湖区文三路1号",
        "杭州市西湖区文三路1号",
        "浙江省杭州市西湖区文三路1号",  # typed in full already: the path is not repeated
    ],
)
def test_the_full_address_is_the_region_path_and_the_detail_once(address):
    assert Region.full_address_of("330106", address) == "浙江省杭州市西湖区文三路1号"


def test_placeholder_levels_are_left_out_and_missing_parts_tolerated():
    assert Region.full_address_of("110105", "测试路1号") == "北京市朝阳区测试路1号"  # not 北京市市辖区朝阳区
    assert Region.full_address_of("", "测试路1号") == "测试路1号"
    assert Region.full_address_of("330106", "") == "浙江省杭州市西湖区"
    assert full_address(None, " 测试路1号 ") == "测试路1号"


def test_the_path_is_read_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert Region.full_address_of("330106", "文三路1号") == "浙江省杭州市西湖区文三路1号"


def address_pages():
    """The builders' simple form with the 住所 fields the real 申请书 has, prefilled from the account."""
    pages = simple_pages()
    pages[0]["value"]["fields"] += [
        field("region", "住所（所在地）", "region", required=False, depth="county", prefill="organisation.region"),
        field("singleline", "详细地址", "address", required=False, prefill="organisation.address"),
    ]
    return pages


@pytest.fixture
def parties():
    parties = make_parties(make_catalogue(make_form_schema(address_pages())))
    organisation = parties.applicant.organisation
    organisation.region = Region.objects.get(code="110108")
    organisation.address = "中关村大街1号"
    organisation.save()
    return parties


def licence_pdf(licence):
    return text_of(licence.application.documents.get(kind=DocumentKind.LICENSE).file)


def test_the_licence_pdf_and_the_verify_page_print_the_full_address(client, parties):
    licence = application_in(ApplicationState.APPROVED, parties).license

    assert licence.holder_address == "北京市海淀区中关村大街1号"
    assert "住所北京市海淀区中关村大街1号" in licence_pdf(licence)
    html = client.get(reverse("verify_license"), {"number": licence.number}).content.decode()
    assert "<dt>住所</dt><dd>北京市海淀区中关村大街1号</dd>" in html


def test_a_change_of_address_is_printed_in_full_and_becomes_the_organisations(parties):
    licence = application_in(ApplicationState.APPROVED, parties).license
    draft = services.start_follow_up(parties.applicant, licence, ApplicationKind.CHANGE)
    assert draft.data["region"] == "110108" and draft.data["address"] == "中关村大街1号"  # from the licence
    services.save_values(draft, {"region": "110101", "address": "王府井大街2号"})

    new = approve(draft, parties)

    assert new.holder_address == "北京市东城区王府井大街2号"
    assert "住所北京市东城区王府井大街2号" in licence_pdf(new)
    organisation = parties.applicant.organisation
    organisation.refresh_from_db()
    # As entered, so that the account's 所在地 and 详细地址 stay apart.
    assert (organisation.region_id, organisation.address) == ("110101", "王府井大街2号")
    assert organisation.full_address == "北京市东城区王府井大街2号"
