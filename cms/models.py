"""Portal pages edited in Wagtail: the home page, the licence catalogue (许可目录) and guides.

The catalogue is content, not code: an editor adds a licence item (许可项目) as a
`LicenseItemPage` under the `LicenseCatalogPage`, with its levels or parameters (级别/参数), whether
SAMR or the province approves it, the attachments it needs, the statutory time limits and the
application form (申请书表单) an applicant fills for it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index


class PublicPageCache:
    """Marks the page's responses as shareable among anonymous visitors (core.page_cache)."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        response.page_cache = True
        return response


class EquipmentCategory(models.TextChoices):
    BOILER = "boiler", _("锅炉")
    PRESSURE_VESSEL = "pressure_vessel", _("压力容器")
    GAS_CYLINDER = "gas_cylinder", _("气瓶")
    PRESSURE_PIPING = "pressure_piping", _("压力管道")
    PIPING_COMPONENT = "piping_component", _("压力管道元件")
    SAFETY_ACCESSORY = "safety_accessory", _("安全附件")
    ELEVATOR = "elevator", _("电梯")
    LIFTING_MACHINERY = "lifting_machinery", _("起重机械")
    PASSENGER_ROPEWAY = "passenger_ropeway", _("客运索道")
    AMUSEMENT_FACILITY = "amusement_facility", _("大型游乐设施")
    ONSITE_VEHICLE = "onsite_vehicle", _("场（厂）内专用机动车辆")
    FILLING = "filling", _("充装")


class Activity(models.TextChoices):
    DESIGN = "design", _("设计")
    MANUFACTURE = "manufacture", _("制造")
    INSTALLATION = "installation", _("安装")
    ALTERATION = "alteration", _("改造")
    REPAIR = "repair", _("修理")
    FILLING = "filling", _("充装")


class ApprovalLevel(models.TextChoices):
    NATIONAL = "national", _("国家市场监督管理总局")
    PROVINCIAL = "provincial", _("省级市场监督管理部门")


class ServiceEntryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("事项名称"))
    summary = blocks.TextBlock(required=False, label=_("简介"))
    guide_page = blocks.PageChooserBlock(required=False, label=_("办事指南页"))
    action_label = blocks.CharBlock(default=_("在线办理"), label=_("按钮文字"))
    action_page = blocks.PageChooserBlock(required=False, label=_("按钮指向的页面"))
    action_url = blocks.CharBlock(required=False, label=_("或按钮指向的地址"), help_text=_("例如 /applications/"))

    class Meta:
        icon = "link"
        label = _("服务事项")
        template = "cms/blocks/service_entry.html"


class HomePage(PublicPageCache, Page):
    """公共服务门户首页: what the portal is and the service entries (在线办理 / 直接办理)."""

    intro = RichTextField(_("简介"), blank=True)
    notice = models.CharField(_("公告"), max_length=255, blank=True)
    services = StreamField([("service", ServiceEntryBlock())], blank=True, verbose_name=_("服务事项"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("notice"), FieldPanel("services")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("门户首页")


class LicenseCatalogPage(PublicPageCache, Page):
    """许可目录: the index of licence items, the start of 在线办理."""

    intro = RichTextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.LicenseItemPage"]

    class Meta:
        verbose_name = _("许可目录")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        items = LicenseItemPage.objects.child_of(self).live().prefetch_related("levels").order_by("path")
        groups = {}
        for item in items:
            groups.setdefault(item.get_category_display(), []).append(item)
        context["groups"] = groups
        return context


class LicenseItemPage(PublicPageCache, Page):
    """许可项目: one catalogue row (category → activity → item → sub-item) with its levels."""

    category = models.CharField(_("设备类别"), max_length=30, choices=EquipmentCategory.choices, db_index=True)
    activity = models.CharField(_("许可类别"), max_length=20, choices=Activity.choices)
    item_name = models.CharField(_("许可项目"), max_length=100)
    sub_item = models.CharField(_("许可子项目"), max_length=100, blank=True)
    approval_level = models.CharField(
        _("审批机关"),
        max_length=20,
        choices=ApprovalLevel.choices,
        default=ApprovalLevel.PROVINCIAL,
        help_text=_("级别/参数未单独指定时采用此审批机关"),
    )
    parameters_note = models.CharField(
        _("级别或参数说明"), max_length=255, blank=True, help_text=_("例如：按额定速度、额定载重量等参数确定许可范围")
    )
    required_attachments = StreamField(
        [
            (
                "attachment",
                blocks.StructBlock(
                    [
                        ("name", blocks.CharBlock(label=_("材料名称"))),
                        ("note", blocks.CharBlock(required=False, label=_("说明"))),
                    ],
                    icon="doc-full",
                    label=_("申请材料"),
                ),
            )
        ],
        blank=True,
        verbose_name=_("申请材料"),
    )
    guidance = RichTextField(_("办事指南"), blank=True)
    acceptance_days = models.PositiveSmallIntegerField(_("受理时限（工作日）"), default=5)
    review_scheduling_days = models.PositiveSmallIntegerField(_("约定评审时间时限（工作日）"), default=10)
    decision_days = models.PositiveSmallIntegerField(_("审查发证时限（工作日）"), default=20)
    application_form = models.ForeignKey(
        "forms_config.ApplicationFormSchema",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="license_items",
        verbose_name=_("申请书表单"),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("category"), FieldPanel("activity")]),
                FieldRowPanel([FieldPanel("item_name"), FieldPanel("sub_item")]),
                FieldPanel("approval_level"),
            ],
            heading=_("目录位置"),
        ),
        InlinePanel("levels", heading=_("级别/参数"), label=_("级别/参数")),
        FieldPanel("parameters_note"),
        FieldPanel("application_form"),
        FieldPanel("required_attachments"),
        FieldPanel("guidance"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("acceptance_days"), FieldPanel("review_scheduling_days"), FieldPanel("decision_days")]
                )
            ],
            heading=_("法定时限"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("item_name"), index.SearchField("sub_item")]
    parent_page_types = ["cms.LicenseCatalogPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("许可项目")

    @property
    def display_name(self):
        # item_name already names the activity, as the official catalogue does (锅炉制造).
        return f"{self.item_name}（{self.sub_item}）" if self.sub_item else self.item_name


class LicenseLevel(Orderable):
    """级别/参数 of a licence item, e.g. A1 (大型高压容器) or "额定速度 > 6.0 m/s"."""

    item = ParentalKey(LicenseItemPage, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(_("级别/参数"), max_length=50)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    approval_level = models.CharField(
        _("审批机关"), max_length=20, choices=ApprovalLevel.choices, blank=True, help_text=_("留空则与许可项目相同")
    )
    covers = models.CharField(
        _("覆盖的级别"), max_length=100, blank=True, help_text=_("该级别同时覆盖的级别，用逗号分隔，例如 B")
    )

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("approval_level")]),
        FieldPanel("description"),
        FieldPanel("covers"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("级别/参数")

    def __str__(self):
        return f"{self.item.display_name} {self.code}"

    @property
    def effective_approval_level(self):
        return self.approval_level or self.item.approval_level

    @property
    def covered_codes(self):
        return [c.strip() for c in self.covers.replace("，", ",").split(",") if c.strip()]


class GuidePage(PublicPageCache, Page):
    """操作指南: an operating guide for applicants (the seed user guide's content)."""

    intro = models.CharField(_("摘要"), max_length=255, blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(label=_("标题"), icon="title")),
            ("paragraph", blocks.RichTextBlock(label=_("段落"))),
            (
                "steps",
                blocks.ListBlock(blocks.CharBlock(label=_("步骤")), label=_("操作步骤"), icon="list-ol"),
            ),
        ],
        verbose_name=_("正文"),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.GuidePage"]

    class Meta:
        verbose_name = _("操作指南")
