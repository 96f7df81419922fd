"""许可证查询 (workflows/views/verify.py) and the licence's 校验码 and QR code (workflows/verification.py).

The page is public: anyone enters a number or a credit code and sees what the register says,
nothing personal, at a limited pace. The licence PDF carries the code and a QR code; the QR code
is read back from the stored PDF with pypdf and decoded with zxing-cpp, as a phone would.
"""

import datetime
import io

import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from forms_config.pdf import render_pdf
from tests.support.builders import ApplicationFactory, make_catalogue
from tests.support.factories import OrganisationFactory, UserFactory, make_id_number, make_uscc
from tests.support.pdf import pdf_text, text_of
from tests.support.workflow_builders import application_in, make_parties
from workflows import verification
from workflows.models import ApplicationState, Document, DocumentKind, License

pytestmark = pytest.mark.django_db

URL = reverse("verify_license")
ITEM = {
    "category": "压力容器",
    "item_name": "压力容器制造（固定式压力容器）",
    "level_code": "D",
    "level_description": "中、低压容器",
}


@pytest.fixture
def catalogue():
    return make_catalogue()


@pytest.fixture
def authority(catalogue):
    return catalogue["beijing"]


def today():
    return timezone.localdate()


def days(n):
    return today() + datetime.timedelta(days=n)


def make_licence(catalogue, user, number, issued_on=None, valid_until=None, superseded_by=None):
    """A licence row as approve() leaves it (snapshot and code), without walking the workflow."""
    organisation = user.organisation
    license = License(
        number=number,
        application=ApplicationFactory(user=user, levels=[catalogue["D"]]),
        holder=organisation,
        authority=catalogue["beijing"],
        items=[dict(ITEM)],
        issued_on=issued_on or days(-30),
        valid_until=valid_until or days(4 * 365),
        holder_name=organisation.name,
        holder_credit_code=organisation.credit_code,
        holder_address=organisation.address,
        superseded_by=superseded_by,
    )
    license.verification_code = verification.code_for(license)
    license.save()
    return license


@pytest.fixture
def holder():
    organisation = OrganisationFactory(
        name="北京示范压力容器制造有限公司",
        unified_social_credit_code=make_uscc(777),
        contact_name="赵联系",
        contact_mobile="13911112222",
    )
    return UserFactory(organisation=organisation, mobile="13733334444", real_name="钱经办", id_number=make_id_number(5))


def lookup(client, **query):
    response = client.get(URL, query)
    return response, response.content.decode()


# ----- what the page answers -----


def test_empty_page_is_public_and_asks_for_a_number(client):
    response, html = lookup(client)
    assert response.status_code == 200
    assert "许可证查询" in html and 'name="number"' in html and 'name="credit_code"' in html
    assert 'method="get"' in html
    assert "查询结果" not in html and "请输入许可证编号" not in html


def test_every_portal_page_links_to_it_and_it_answers_get_only(client):
    login = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{URL}">许可证查询</a>' in login
    assert client.post(URL, {"number": "TS2211260001-2030"}).status_code == 405


def test_valid_licence_by_number(client, catalogue, holder):
    license = make_licence(catalogue, holder, "TS2211260001-2030")
    response, html = lookup(client, number="TS2211260001-2030")
    assert response.status_code == 200
    assert 'data-status="valid"' in html and "有效" in html
    assert "北京示范压力容器制造有限公司" in html
    assert make_uscc(777) in html
    assert "北京市朝阳区测试路1号" in html
    assert "压力容器制造（固定式压力容器）" in html and "中、低压容器" in html
    assert "北京市市场监督管理局" in html
    assert f"{license.valid_until:%Y-%m-%d}" in html and f"{license.issued_on:%Y-%m-%d}" in html
    assert license.verification_code in html
    # No code entered: no verdict on one.
    assert 'id="code-result"' not in html


def test_number_typed_in_lower_case_full_width_or_with_spaces_is_found(client, catalogue, holder):
    make_licence(catalogue, holder, "TS2211260001-2030")
    for typed in ("ts2211260001-2030", " TS 2211260001-2030 ", "ＴＳ２２１１２６０００１－２０３０"):
        _response, html = lookup(client, number=typed)
        assert 'data-status="valid"' in html, typed


def test_expired_licence(client, catalogue, holder):
    make_licence(catalogue, holder, "TS2211220001-2026", issued_on=days(-4 * 365), valid_until=days(-1))
    _response, html = lookup(client, number="TS2211220001-2026")
    assert 'data-status="expired"' in html and "已过期" in html
    assert "已超过有效期" in html


def test_superseded_licence_names_the_new_one(client, catalogue, holder):
    new = make_licence(catalogue, holder, "TS2211260002-2030")
    make_licence(catalogue, holder, "TS2211220002-2026", issued_on=days(-1000), superseded_by=new)
    _response, html = lookup(client, number="TS2211220002-2026")
    assert 'data-status="superseded"' in html and "已换发" in html
    assert "该许可证已换发为新证 TS2211260002-2030" in html
    assert f"{URL}?number=TS2211260002-2030" in html


def test_credit_code_lists_every_licence_of_the_holder_newest_first(client, catalogue, holder):
    new = make_licence(catalogue, holder, "TS2211260003-2030", issued_on=days(-10))
    make_licence(catalogue, holder, "TS2211220003-2026", issued_on=days(-1000), superseded_by=new)
    other = UserFactory()
    make_licence(catalogue, other, "TS2211260004-2030")
    _response, html = lookup(client, credit_code=make_uscc(777).lower())
    assert html.index("TS2211260003-2030") < html.index("TS2211220003-2026")
    assert "TS2211260004-2030" not in html
    assert 'data-status="valid"' in html and 'data-status="superseded"' in html


def test_unknown_number_says_what_to_do(client, catalogue, holder):
    make_licence(catalogue, holder, "TS2211260001-2030")
    response, html = lookup(client, number="TS2211269999-2030")
    assert response.status_code == 200
    assert "未查询到编号为 TS2211269999-2030 的许可证" in html
    assert "请向证书上的发证机关核实" in html
    _response, html = lookup(client, credit_code=make_uscc(4321))
    assert f"未查询到统一社会信用代码为 {make_uscc(4321)} 的单位持有的许可证" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"number": "", "credit_code": "", "code": ""}, "请输入许可证编号或统一社会信用代码。"),
        ({"number": "2211260001"}, "许可证编号格式不正确"),
        ({"number": "TS2211260001"}, "许可证编号格式不正确"),
        ({"number": "<script>"}, "许可证编号格式不正确"),
        ({"credit_code": "91110105"}, "请输入9位组织机构代码或18位统一社会信用代码，当前为8位。"),
        ({"credit_code": make_uscc(777)[:-1] + ("0" if make_uscc(777)[-1] != "0" else "1")}, "校验位不正确"),
        ({"number": "TS2211260001-2030", "code": "ABCD-1234"}, "校验码为16位字母和数字"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_reads_nothing(client, catalogue, holder, query, message):
    make_licence(catalogue, holder, "TS2211260001-2030")
    response, html = lookup(client, **query)
    assert response.status_code == 200
    assert message in html
    assert 'id="error-summary"' in html
    assert "查询结果" not in html
    assert "<script>" not in html


def test_matching_code_is_confirmed_whatever_its_case_and_dashes(client, catalogue, holder):
    license = make_licence(catalogue, holder, "TS2211260001-2030")
    typed = license.verification_code.replace("-", " ").lower()
    _response, html = lookup(client, number=license.number, code=typed)
    assert "校验码一致" in html and "校验码不一致" not in html
    assert "与输入一致" in html


def test_wrong_code_is_called_a_possible_forgery(client, catalogue, holder):
    license = make_licence(catalogue, holder, "TS2211260001-2030")
    forged = verification.compute_code(
        number=license.number,
        holder_name=license.holder_name,
        holder_credit_code=license.holder_credit_code,
        holder_address=license.holder_address,
        items=[{**ITEM, "level_code": "A2"}],  # a level the holder was never licensed for
        issued_on=license.issued_on,
        valid_until=license.valid_until,
        authority=license.authority.name,
    )
    assert forged != license.verification_code
    _response, html = lookup(client, number=license.number, code=forged)
    assert "校验码不一致，该证书可能被篡改" in html
    assert "与输入一致" not in html


def test_code_is_matched_against_each_licence_of_a_credit_code(client, catalogue, holder):
    new = make_licence(catalogue, holder, "TS2211260003-2030")
    old = make_licence(catalogue, holder, "TS2211220003-2026", issued_on=days(-1000), superseded_by=new)
    _response, html = lookup(client, credit_code=make_uscc(777), code=old.verification_code)
    assert "校验码一致：与许可证 TS2211220003-2026 的登记信息相符" in html


def test_individual_holder_is_masked_and_has_no_code(client, catalogue):
    person = UserFactory(
        organisation=OrganisationFactory(individual=True, name="王小明", contact_mobile="13955556666"),
        real_name="王小明",
        id_number=make_id_number(9),
    )
    license = make_licence(catalogue, person, "TS2211260005-2030")
    # Even a code on the row (a sole trader's, say) stays off the public page.
    License.objects.filter(pk=license.pk).update(holder_credit_code=make_uscc(9090))
    _response, html = lookup(client, number="TS2211260005-2030")
    assert 'data-status="valid"' in html
    assert "王**" in html and "王小明" not in html
    assert "统一社会信用代码</dt>" not in html and make_uscc(9090) not in html
    assert "北京市朝阳区测试路1号" not in html  # a person's address
    assert "13955556666" not in html and make_id_number(9) not in html


def test_no_personal_data_of_the_enterprise_people(client, catalogue, holder):
    make_licence(catalogue, holder, "TS2211260001-2030")
    _response, html = lookup(client, number="TS2211260001-2030")
    for personal in ("赵联系", "13911112222", "13733334444", "钱经办", make_id_number(5), holder.username):
        assert personal not in html, personal


def test_logged_in_users_may_look_up_too(client, catalogue, holder):
    make_licence(catalogue, holder, "TS2211260001-2030")
    client.force_login(holder)
    _response, html = lookup(client, number="TS2211260001-2030")
    assert 'data-status="valid"' in html


# ----- pace, caching and cost -----


def test_lookups_are_limited_per_ip(client, catalogue, holder, settings):
    settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_IP = 3
    make_licence(catalogue, holder, "TS2211260001-2030")
    # Neither the empty page nor a refused input counts: they read nothing.
    lookup(client)
    lookup(client, number="bad")
    for n in range(3):
        response, _html = lookup(client, credit_code=make_uscc(1000 + n))
        assert response.status_code == 200
    response, html = lookup(client, number="TS2211260001-2030")
    assert response.status_code == 429
    assert "您所在网络查询许可证过于频繁，请" in html and "分钟后再试" in html
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    assert "北京示范压力容器制造有限公司" not in html
    # Another client is not held back.
    other, _html = lookup(client.__class__(REMOTE_ADDR="10.1.2.3"), number="TS2211260001-2030")
    assert other.status_code == 200


def test_daily_limit_message(client, catalogue, holder, settings):
    settings.LICENSE_VERIFY_HOURLY_LIMIT_PER_IP = 0
    settings.LICENSE_VERIFY_DAILY_LIMIT_PER_IP = 1
    lookup(client, credit_code=make_uscc(1))
    response, html = lookup(client, credit_code=make_uscc(2))
    assert response.status_code == 429
    assert "您所在网络今日查询许可证次数已达上限，请明天再试。" in html


def test_answers_are_briefly_cacheable_and_never_shared_by_the_page_cache(client, catalogue, holder, settings):
    settings.PAGE_CACHE_SECONDS = 300
    make_licence(catalogue, holder, "TS2211260001-2030")
    first, html = lookup(client, number="TS2211260001-2030")
    assert "max-age=60" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert "X-Page-Cache" not in first
    second, html = lookup(client, number="TS2211269999-2030")
    assert "X-Page-Cache" not in second
    assert "未查询到编号为 TS2211269999-2030" in html
    again, html = lookup(client, number="TS2211260001-2030")
    assert "X-Page-Cache" not in again and 'data-status="valid"' in html


def test_queries_do_not_grow_with_the_licences_of_a_holder(client, catalogue, holder, django_assert_max_num_queries):
    previous = None
    for n in range(6):
        previous = make_licence(catalogue, holder, f"TS22112200{n:02d}-2026", superseded_by=previous)
    # One query for the licences with their authority, replacement and holder; none per licence.
    with django_assert_max_num_queries(2):
        response, html = lookup(client, credit_code=make_uscc(777), code=previous.verification_code)
    assert response.status_code == 200
    assert html.count('class="license-record"') == 6


# ----- the code -----


CONTENT = {
    "number": "TS2211260001-2030",
    "holder_name": "北京示范压力容器制造有限公司",
    "holder_credit_code": make_uscc(777),
    "holder_address": "北京市朝阳区测试路1号",
    "items": [dict(ITEM)],
    "issued_on": datetime.date(2026, 11, 27),
    "valid_until": datetime.date(2030, 11, 26),
    "authority": "北京市市场监督管理局",
}


@pytest.mark.parametrize(
    ("field", "changed"),
    [
        ("number", "TS2211260002-2030"),
        ("holder_name", "北京示范压力容器制造股份有限公司"),
        ("holder_credit_code", make_uscc(778)),
        ("holder_address", "北京市朝阳区测试路2号"),
        ("items", [{**ITEM, "level_code": "A2"}]),
        ("items", [{**ITEM, "item_name": "压力容器制造（移动式压力容器）"}]),
        ("items", [dict(ITEM), {**ITEM, "category": "锅炉"}]),
        ("issued_on", datetime.date(2026, 11, 28)),
        ("valid_until", datetime.date(2031, 11, 26)),
        ("authority", "国家市场监督管理总局"),
    ],
)
def test_changing_any_printed_content_changes_the_code(field, changed):
    assert verification.compute_code(**{**CONTENT, field: changed}) != verification.compute_code(**CONTENT)


def test_code_is_stable_short_and_keyed(settings):
    code = verification.compute_code(**CONTENT)
    assert code == verification.compute_code(**CONTENT)
    assert len(code) == 19 and code.count("-") == 3
    settings.LICENSE_VERIFICATION_KEY = "another-key"
    assert verification.compute_code(**CONTENT) != code


# ----- the licence PDF -----


def qr_texts(content):
    """Every QR code in the images of the PDF, decoded."""
    texts = []
    for page in PdfReader(io.BytesIO(content)).pages:
        for image in page.images:
            texts += [result.text for result in zxingcpp.read_barcodes(image.image)]
    return texts


def test_licence_pdf_carries_the_code_and_a_qr_code_of_the_verification_page(client, catalogue, settings):
    settings.PORTAL_BASE_URL = "https://xuke.example.gov.cn"
    parties = make_parties(catalogue)
    application = application_in(ApplicationState.APPROVED, parties)
    license = application.license
    certificate = Document.objects.get(application=application, kind=DocumentKind.LICENSE)
    content = certificate.file.read()
    certificate.file.seek(0)

    text = text_of(certificate)
    assert f"校验码：{license.verification_code}" in text
    url = f"https://xuke.example.gov.cn/verify/?number={license.number}"
    assert verification.verification_url(license) == url
    assert url in text
    assert "扫描左侧二维码" in text
    assert qr_texts(content) == [url]

    # The page the QR code opens shows this licence as valid, with the same code.
    response, html = lookup(client, number=license.number, code=license.verification_code)
    assert 'data-status="valid"' in html and "校验码一致" in html


def test_licence_pdf_prints_the_holder_as_issued_not_as_now(catalogue, holder):
    """The certificate reads the licence's snapshot: after a 变更 the organisation has its new name,
    a licence issued before keeps the old one, and so must its PDF if it is ever rendered again."""
    license = make_licence(catalogue, holder, "TS2211260001-2030")
    License.objects.filter(pk=license.pk).update(holder_name="北京示范压力容器制造有限公司（原名）")
    license = License.objects.get(pk=license.pk)
    context = {
        "application": license.application,
        "items": [],
        "document": {"kind": "许可证", "number": license.number, "issued_on": license.issued_on},
        "license": license,
        **verification.license_document_context(license),
    }
    text = "".join(pdf_text(render_pdf("pdf/documents/license.html", context)).split())
    assert "单位名称北京示范压力容器制造有限公司（原名）" in text
    assert f"统一社会信用代码{make_uscc(777)}" in text
    assert "住所北京市朝阳区测试路1号" in text
