"""Forms of the staff screens in the Wagtail admin (用户管理, 单位管理).

A staff account (审批机关 or 鉴定评审机构 staff) acts for one organisation, and object permissions
are granted to that organisation's group, never to the person (docs/decisions.md, decision 3). So the
user forms pick the organisation, and saving puts the user into exactly that organisation's
group; the per-organisation groups are kept out of the role checkboxes, where a mistaken tick
would hand one body's applications to another.
"""

from django import forms
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.users.forms import UserCreationForm, UserEditForm

from .models import Authority, AuthorityLevel, Organisation, OrganisationKind, Region
from .validators import normalize_code, validate_credit_code, validate_id_number, validate_mobile

STAFF_ORGANISATION_KINDS = (OrganisationKind.AUTHORITY, OrganisationKind.REVIEW_BODY)


def _mobile_field():
    # empty_value=None: the column is unique but nullable, and two staff without a mobile
    # must not collide on "".
    return forms.CharField(
        label=_("手机号"),
        max_length=11,
        required=False,
        empty_value=None,
        validators=[validate_mobile],
        help_text=_("11位中国大陆手机号码，可不填。"),
    )


def staff_organisation_groups(organisations):
    """所属单位 in the order a clerk looks for it: SAMR, then the provincial bureaus by region code
    (as GB/T 2260 lists the provinces), then the review bodies by region code; anything else (an
    applicant's own organisation, kept selectable on its user's form) last. [(label, [orgs])]."""
    groups = {
        "national": (_("国家级审批机关"), []),
        "provincial": (_("省级审批机关"), []),
        "review_body": (_("鉴定评审机构"), []),
        "other": (_("其他单位"), []),
    }
    for organisation in organisations:
        if organisation.kind == OrganisationKind.AUTHORITY and organisation.authority_level == AuthorityLevel.NATIONAL:
            key = "national"
        elif organisation.kind == OrganisationKind.AUTHORITY:
            key = "provincial"
        elif organisation.kind == OrganisationKind.REVIEW_BODY:
            key = "review_body"
        else:
            key = "other"
        groups[key][1].append(organisation)
    for _label, members in groups.values():
        members.sort(key=lambda organisation: (organisation.region_id or "", organisation.name))
    return [(label, members) for label, members in groups.values() if members]


class GroupedOrganisationIterator(forms.models.ModelChoiceIterator):
    # One <optgroup> per kind (staff_organisation_groups); the field still validates against its
    # queryset, so the grouping changes only what is shown.
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for label, members in staff_organisation_groups(self.queryset):
            yield (label, [self.choice(organisation) for organisation in members])


class OrganisationFilterSelect(forms.Select):
    """A select with a filter box above it (static/js/select_filter.js, a file: the admin's CSP
    allows no inline script) that narrows the options to those whose name or region code contains
    what is typed. Wagtail ships no text-searchable select (its FilteredSelect follows another
    field), and a chooser modal of 36 bodies, ten to a page, would lose the grouping."""

    class Media:
        js = ["js/select_filter.js"]

    def __init__(self, attrs=None, choices=()):
        attrs = {
            "data-select-filter": "",
            "data-select-filter-label": _("筛选所属单位"),
            "data-select-filter-placeholder": _("输入单位名称或行政区划代码"),
            **(attrs or {}),
        }
        super().__init__(attrs, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and instance.region_id:
            option["attrs"]["data-filter-text"] = instance.region_id
        return option


class StaffOrganisationField(forms.ModelChoiceField):
    iterator = GroupedOrganisationIterator
    widget = OrganisationFilterSelect


def _organisation_field():
    return StaffOrganisationField(
        label=_("所属单位"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("保存后该用户自动加入所选单位的用户组，按单位获得申请的查看和办理权限。"),
    )


class OrganisationMembershipMixin:
    """Shared by the create and edit forms: role groups only, and the organisation's group on save."""

    def _setup_membership_fields(self):
        # Staff accounts belong to an authority or a review body; an applicant's own account
        # keeps its organisation selectable so that editing its mobile does not fail validation.
        current = self.instance.organisation_id
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(kind__in=STAFF_ORGANISATION_KINDS) | Q(pk=current)
        ).order_by("kind", "name")
        if "groups" in self.fields:
            self.fields["groups"].queryset = Group.objects.filter(organisation__isnull=True).order_by("name")

    def _join_organisation_group(self, user):
        # save_m2m has just replaced the groups with the ticked role groups, which dropped any
        # organisation group; add back the one that matches the chosen organisation.
        if user.organisation_id:
            user.groups.add(user.organisation.group)

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            self._join_organisation_group(user)
        else:
            save_m2m = self.save_m2m

            def save_m2m_and_join():
                save_m2m()
                self._join_organisation_group(user)

            self.save_m2m = save_m2m_and_join
        return user


class StaffUserCreationForm(OrganisationMembershipMixin, UserCreationForm):
    mobile = _mobile_field()
    organisation = _organisation_field()

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"mobile", "organisation"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_membership_fields()


class StaffUserEditForm(OrganisationMembershipMixin, UserEditForm):
    mobile = _mobile_field()
    organisation = _organisation_field()

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"mobile", "organisation"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_membership_fields()


class RegionChoiceField(forms.ModelChoiceField):
    # The code disambiguates the many county rows that share a name (e.g. 朝阳区, 市辖区)
    # without a query per option for the parent's name.
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class OrganisationAdminForm(WagtailAdminModelForm):
    """Staff edits of an organisation: the same field rules as registration (seed 1.3)."""

    region = RegionChoiceField(label=_("所在地"), queryset=Region.objects.all(), required=False)

    def clean_unified_social_credit_code(self):
        return self._clean_code("unified_social_credit_code", 18)

    def clean_organization_code(self):
        return self._clean_code("organization_code", 9)

    def _clean_code(self, name, length):
        code = normalize_code(self.cleaned_data.get(name))
        if not code:
            return None  # unique but nullable: "" would collide between bodies without a code
        validate_credit_code(code)
        if len(code) != length:
            raise forms.ValidationError(_("此处应填写%(n)d位代码。"), params={"n": length})
        return code

    def clean_contact_id_number(self):
        number = normalize_code(self.cleaned_data.get("contact_id_number")).upper()
        if number:
            validate_id_number(number)
        return number

    def clean_contact_mobile(self):
        mobile = (self.cleaned_data.get("contact_mobile") or "").strip()
        if mobile:
            validate_mobile(mobile)
        return mobile


class AuthorityAdminForm(OrganisationAdminForm):
    # A bureau's jurisdiction is a whole province (docs/domain.md, "Who takes part").
    region = RegionChoiceField(
        label=_("管辖省份"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        required=False,
        help_text=_("国家市场监督管理总局不选；省级市场监督管理局选择其所在省份。"),
    )

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("authority_level")
        region = cleaned.get("region")
        if level == AuthorityLevel.PROVINCIAL and region is None:
            self.add_error("region", _("省级审批机关必须选择管辖省份。"))
        if level == AuthorityLevel.NATIONAL and region is not None:
            self.add_error("region", _("国家级审批机关不设管辖省份。"))
        # Applications are routed with Authority.objects.national() / for_province(), which
        # expect exactly one bureau per level and province.
        if level and not self.errors:
            others = Authority.objects.filter(authority_level=level, region=region).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(None, _("该级别和省份已有审批机关：%(name)s。") % {"name": others.first().name})
        return cleaned
