"""accounts.services.decide_institution, called directly: 审核通过 / 不予通过 of a pending institution,
written to its history, and refused (nothing changed, nothing logged) once it has been decided,
as a double click or two staff pressing at once would ask. The screens are in test_admin_screens.py."""

import pytest
from wagtail.models import ModelLogEntry

from accounts import services
from accounts.models import ApprovalStatus, Organisation
from tests.support.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="root01", organisation=None, is_staff=True, is_superuser=True)


@pytest.fixture
def institution():
    organisation = OrganisationFactory(pending_institution=True, name="示范大学压力容器研究所")
    UserFactory(username="jigou0001", organisation=organisation, is_active=False)
    return organisation


def log_actions(organisation):
    return list(ModelLogEntry.objects.filter(object_id=str(organisation.pk)).values_list("action", flat=True))


def test_approval_activates_the_users_and_is_logged(institution, staff):
    decided = services.decide_institution(institution, "approve", staff)
    assert decided.approval_status == ApprovalStatus.APPROVED and decided.approved_by == staff
    assert all(user.is_active for user in institution.members.all())
    assert log_actions(institution) == [services.APPROVE_LOG_ACTION]


def test_rejection_keeps_the_users_inactive_and_is_logged(institution, staff):
    decided = services.decide_institution(institution, "reject", staff)
    assert decided.approval_status == ApprovalStatus.REJECTED
    assert not any(user.is_active for user in institution.members.all())
    assert log_actions(institution) == [services.REJECT_LOG_ACTION]


@pytest.mark.parametrize(("first", "second"), [("approve", "approve"), ("reject", "approve"), ("approve", "reject")])
def test_a_second_decision_on_the_same_page_is_refused_and_changes_nothing(institution, staff, first, second):
    stale = Organisation.objects.get(pk=institution.pk)  # the page both clicks were made on
    services.decide_institution(institution, first, staff)
    decided = Organisation.objects.get(pk=institution.pk)

    with pytest.raises(services.AlreadyDecided) as refused:
        services.decide_institution(stale, second, staff)

    status = decided.get_approval_status_display()
    assert refused.value.messages == [f"“示范大学压力容器研究所”已审核（{status}），未作改动。"]
    after = Organisation.objects.get(pk=institution.pk)
    assert (after.approval_status, after.approved_at) == (decided.approval_status, decided.approved_at)
    assert [user.is_active for user in after.members.all()] == [first == "approve"]
    assert len(log_actions(institution)) == 1


def test_only_institutions_are_decided(staff):
    enterprise = OrganisationFactory()
    with pytest.raises(Organisation.DoesNotExist):
        services.decide_institution(enterprise, "approve", staff)
