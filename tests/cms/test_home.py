import pytest
from django.core.management import call_command

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal_site():
    call_command("setup_portal", verbosity=0)


def test_home_page_offers_login_and_registration(client, portal_site):
    html = client.get("/").content.decode()
    assert "特种设备行政许可申报系统" in html
    assert 'href="/accounts/login/"' in html and 'href="/accounts/register/"' in html


def test_home_page_sends_a_logged_in_applicant_to_my_services(client, portal_site):
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert 'href="/accounts/my/"' in html and "进入我的办事" in html
