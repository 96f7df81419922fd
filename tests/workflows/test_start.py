import pytest

from forms_config.models import FormSchemaVersion
from tests.support.builders import ApplicationFactory, field, make_catalogue, page, publish_pages, simple_pages
from tests.support.factories import UserFactory
from workflows import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue()


def test_a_national_level_goes_to_samr(catalogue):
    application = ApplicationFactory(levels=[catalogue["A1"]])
    assert application.authority == catalogue["samr"]


def test_a_provincial_level_goes_to_the_applicants_province(catalogue):
    application = ApplicationFactory(levels=[catalogue["D"], catalogue["B"]])
    assert application.authority == catalogue["beijing"]
    assert [i.level_code for i in application.items.all()] == ["D", "B"]


def test_national_and_provincial_levels_become_two_linked_applications(catalogue):
    first = ApplicationFactory(levels=[catalogue["A1"], catalogue["B"]])
    (second,) = services.linked_applications(first)
    assert (first.authority, second.authority) == (catalogue["samr"], catalogue["beijing"])
    assert [i.level_code for i in first.items.all()] == ["A1"]
    assert [i.level_code for i in second.items.all()] == ["B"]
    assert list(services.linked_applications(second)) == [first]


def test_a_draft_is_prefilled_from_the_account(catalogue):
    user = UserFactory()
    application = ApplicationFactory(user=user, levels=[catalogue["D"]])
    assert application.data == {"qi_ye_ming_cheng": user.organisation.name}


def test_starting_freezes_the_published_form_and_later_edits_do_not_touch_it(catalogue):
    first = ApplicationFactory(levels=[catalogue["D"]])
    pages = simple_pages() + [page("承诺书", "declaration", [field("singleline", "承诺人", "cheng_nuo_ren")])]
    publish_pages(catalogue["form"], pages)
    second = ApplicationFactory(levels=[catalogue["D"]])

    assert [p.title for p in first.schema_version.parsed.pages] == ["申请单位基本情况", "质量保证体系"]
    assert [p.title for p in second.schema_version.parsed.pages][-1] == "承诺书"
    assert FormSchemaVersion.objects.count() == 2
    third = ApplicationFactory(levels=[catalogue["B"]])
    assert third.schema_version_id == second.schema_version_id  # same content, same version
