"""所在地 (省 / 市 / 区): a cascade over accounts.Region (GB/T 2260), as deep as the editor chose.

The raw value is the code of the deepest region chosen (a string). A code is complete when it is
at the chosen depth, or shallower where GB/T 2260 has nothing below (东莞市 and 中山市 have no
county-level divisions).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from accounts.models import Region

from ..widgets import RegionWidget, region_at_depth
from .base import SchemaField

DEPTH_CHOICES = [("province", _("省")), ("city", _("市")), ("county", _("区（县）"))]
DEPTH_LEVELS = {"province": 1, "city": 2, "county": 3}
INCOMPLETE_MESSAGES = {
    1: _("请选择%(label)s的省。"),
    2: _("请选择%(label)s的省、市。"),
    3: _("请选择%(label)s的省、市、区（县）。"),
}


def depth_of(block_value):
    depth = block_value.get("depth")
    return DEPTH_LEVELS.get(depth, 3) if isinstance(depth, str) else 3


class RegionFormField(forms.Field):
    def __init__(self, *, depth=3, **kwargs):
        self.depth = depth
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return ""
        code = region_at_depth(value, self.depth)
        if not code:
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        return code

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        has_children = Exists(Region.objects.filter(parent_id=OuterRef("code")))
        region = Region.objects.annotate(has_children=has_children).filter(code=value).first()
        if region is None or (region.level < self.depth and region.has_children):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")


class RegionField(SchemaField):
    field_class = RegionFormField
    icon = "site"
    label = _("省市区")

    def extra_blocks(self):
        return [
            (
                "depth",
                blocks.ChoiceBlock(choices=DEPTH_CHOICES, default="county", required=False, label=_("精确到")),
            )
        ]

    def get_options(self, block_value):
        options = super().get_options(block_value)
        depth = depth_of(block_value)
        incomplete = INCOMPLETE_MESSAGES[depth] % {"label": block_value["label"]}
        options["error_messages"] = {"required": incomplete, "incomplete": incomplete}
        options["depth"] = depth
        options["widget"] = RegionWidget(depth=depth, label=block_value["label"])
        return options

    def display(self, block_value, raw):
        code = region_at_depth(raw, depth_of(block_value))
        if not code:
            return super().display(block_value, raw)
        region = Region.objects.select_related("parent__parent").filter(code=code).first()
        return region.full_name if region else code

    def prefill_value(self, block_value, source_value):
        # The account's region is a county; a form may ask only for the province or the city.
        return region_at_depth(source_value, depth_of(block_value)) or source_value
