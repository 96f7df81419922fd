"""Organisations: every party that acts in the licensing process (申请单位, 审批机关, 鉴定评审机构).

One table for all kinds so that a user belongs to exactly one organisation and object
permissions are always granted to the organisation's Django group, never to a person
(docs/decisions.md, decision 3). An individual applicant (个人用户) gets an organisation of kind
`individual` for the same reason. Authority and ReviewBody are proxies for the staff screens.
"""

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage, private_upload_path

from .regions import Region


class OrganisationKind(models.TextChoices):
    INDIVIDUAL = "individual", _("个人用户")
    ENTERPRISE = "enterprise", _("企业用户")
    INSTITUTION = "institution", _("机构用户")
    AUTHORITY = "authority", _("审批机关")
    REVIEW_BODY = "review_body", _("鉴定评审机构")


APPLICANT_KINDS = (OrganisationKind.INDIVIDUAL, OrganisationKind.ENTERPRISE, OrganisationKind.INSTITUTION)


class EnterpriseCategory(models.TextChoices):
    LEGAL_PERSON = "legal_person", _("法人企业")
    NON_LEGAL_PERSON = "non_legal_person", _("非法人企业")


class EnterpriseType(models.TextChoices):
    COMPANY = "company", _("公司")
    NON_COMPANY_LEGAL_PERSON = "non_company", _("非公司企业法人")
    PARTNERSHIP = "partnership", _("合伙企业")
    SOLE_PROPRIETORSHIP = "sole", _("个人独资企业")
    BRANCH = "branch", _("分支机构")
    FOREIGN_INVESTED = "foreign", _("外商投资企业")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    OTHER = "other", _("其他")


class InstitutionType(models.TextChoices):
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    SOCIAL_ORGANISATION = "social_organisation", _("社会团体")
    GOVERNMENT = "government", _("机关")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("民办非企业单位")
    OTHER = "other", _("其他")


class AuthorityLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("用户类型"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=200)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, editable=False, related_name="organisation", verbose_name=_("用户组")
    )

    enterprise_category = models.CharField(
        _("法人/其他组织类型"), max_length=20, choices=EnterpriseCategory.choices, blank=True
    )
    enterprise_type = models.CharField(_("企业类型"), max_length=20, choices=EnterpriseType.choices, blank=True)
    institution_type = models.CharField(_("机构类型"), max_length=30, choices=InstitutionType.choices, blank=True)
    # Either the 18-character code (GB 32100-2015) or, for bodies without one, the 9-character
    # organisation code (GB 11714); both unique so the same body cannot register twice.
    unified_social_credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True
    )
    organization_code = models.CharField(_("组织机构代码"), max_length=9, unique=True, null=True, blank=True)
    business_licence = models.FileField(
        _("营业执照"), storage=private_storage, upload_to=private_upload_path, blank=True, max_length=200
    )

    authority_level = models.CharField(_("审批机关级别"), max_length=20, choices=AuthorityLevel.choices, blank=True)
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("所在地")
    )
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_id_number = models.CharField(_("联系人身份证号码"), max_length=18, blank=True)
    contact_mobile = models.CharField(_("联系人手机号"), max_length=11, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    approval_status = models.CharField(
        _("审核状态"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.APPROVED
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        indexes = [models.Index(fields=["kind", "approval_status"])]
        constraints = [
            # One individual account (个人用户) per person: the individual's own ID number is kept in
            # contact_id_number (accounts/services.py). Enterprises' contacts may repeat.
            models.UniqueConstraint(
                fields=["contact_id_number"],
                condition=models.Q(kind="individual") & ~models.Q(contact_id_number=""),
                name="accounts_individual_id_number_unique",
                violation_error_message=_("该身份证号码已注册个人账号，请直接登录。"),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.group_id is None:
            self.group = Group.objects.create(name=f"org:{self.kind}:{self.uuid}")
        super().save(*args, **kwargs)

    @property
    def full_address(self):
        """住所 in full: 省市区 and 详细地址 (accounts.models.regions.full_address), one query."""
        return Region.full_address_of(self.region_id, self.address)

    @property
    def is_applicant(self):
        return self.kind in APPLICANT_KINDS

    @property
    def credit_code(self):
        return self.unified_social_credit_code or self.organization_code or ""

    def add_member(self, user):
        """Attach a user to this organisation and to its permission group."""
        user.organisation = self
        user.save(update_fields=["organisation"])
        user.groups.add(self.group)

    @transaction.atomic
    def approve(self, by):
        """Staff approval of an institution account: the account's users may log in from now on."""
        self.approval_status = ApprovalStatus.APPROVED
        self.approved_at = timezone.now()
        self.approved_by = by
        self.save(update_fields=["approval_status", "approved_at", "approved_by"])
        self.members.update(is_active=True)

    @transaction.atomic
    def reject(self, by):
        self.approval_status = ApprovalStatus.REJECTED
        self.approved_at = timezone.now()
        self.approved_by = by
        self.save(update_fields=["approval_status", "approved_at", "approved_by"])
        self.members.update(is_active=False)


class AuthorityManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=OrganisationKind.AUTHORITY)

    def national(self):
        return self.get(authority_level=AuthorityLevel.NATIONAL)

    def for_province(self, province_code):
        return self.get(authority_level=AuthorityLevel.PROVINCIAL, region_id=province_code)


class Authority(Organisation):
    """审批机关: SAMR for national items, the provincial bureau otherwise."""

    objects = AuthorityManager()

    class Meta:
        proxy = True
        verbose_name = _("审批机关")
        verbose_name_plural = _("审批机关")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.AUTHORITY
        super().save(*args, **kwargs)


class ReviewBodyManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=OrganisationKind.REVIEW_BODY)


class ReviewBody(Organisation):
    """鉴定评审机构: entrusted by the authority with the on-site review."""

    objects = ReviewBodyManager()

    class Meta:
        proxy = True
        verbose_name = _("鉴定评审机构")
        verbose_name_plural = _("鉴定评审机构")

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.REVIEW_BODY
        super().save(*args, **kwargs)
