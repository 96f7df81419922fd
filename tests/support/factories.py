"""factory_boy builders for the tests. Traits name lifecycle states (e.g. pending institutions)."""

import factory
from django.contrib.auth import get_user_model

from accounts.models import ApprovalStatus, AuthorityLevel, EnterpriseCategory, EnterpriseType, Organisation, Region
from accounts.validators import org_code_check_char, ric_check_char, uscc_check_char

# S105: the password of every factory-made test user.
DEFAULT_PASSWORD = "Passw0rd!x"  # noqa: S105


def make_uscc(n):
    """A valid 18-character unified social credit code, different for each n."""
    body = f"{n:08d}"[-8:]
    org = body + org_code_check_char(body)
    head = "91110105" + org
    return head + uscc_check_char(head)


def make_id_number(n=0, birth="19900101"):
    head = f"110105{birth}{n % 1000:03d}"
    return head + ric_check_char(head)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = "enterprise"
    name = factory.Sequence(lambda n: f"测试特种设备制造有限公司{n}")
    enterprise_category = EnterpriseCategory.LEGAL_PERSON
    enterprise_type = EnterpriseType.COMPANY
    unified_social_credit_code = factory.Sequence(lambda n: make_uscc(n + 1))
    region = factory.LazyFunction(lambda: Region.objects.get(code="110105"))
    address = "北京市朝阳区测试路1号"
    contact_name = "张三"
    contact_mobile = factory.Sequence(lambda n: f"139{n:08d}")

    class Params:
        pending_institution = factory.Trait(
            kind="institution", institution_type="public_institution", approval_status=ApprovalStatus.PENDING
        )
        individual = factory.Trait(
            kind="individual", unified_social_credit_code=None, enterprise_category="", enterprise_type=""
        )
        provincial_authority = factory.Trait(
            kind="authority",
            authority_level=AuthorityLevel.PROVINCIAL,
            unified_social_credit_code=None,
            region=factory.LazyFunction(lambda: Region.objects.get(code="110000")),
            name="北京市市场监督管理局",
        )
        review_body = factory.Trait(kind="review_body", unified_social_credit_code=None, name="测试检验研究院")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    # 135…: the demo users (demo/accounts.py) have 138000000xx and 139000000xx numbers.
    mobile = factory.Sequence(lambda n: f"135{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def join_group(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            if obj.organisation_id:
                obj.groups.add(obj.organisation.group)
