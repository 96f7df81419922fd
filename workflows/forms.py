"""The applicant's choice of licence items (选取许可项目)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cms.models import EquipmentCategory, LicenseItemPage


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=_("搜索许可项目"), required=False, max_length=50)
    category = forms.ChoiceField(
        label=_("设备类别"), required=False, choices=[("", _("全部类别"))] + EquipmentCategory.choices
    )

    def items(self):
        """Live licence items matching the search, with their levels.

        Plain `icontains`, not Wagtail search: the database search backend tokenises on spaces,
        which Chinese text has none of, so "压力容器" would not find "压力容器制造"."""
        items = LicenseItemPage.objects.live().filter(application_form__isnull=False)
        if self.is_valid():
            q = self.cleaned_data["q"].strip()
            if q:
                items = items.filter(
                    Q(title__icontains=q)
                    | Q(item_name__icontains=q)
                    | Q(sub_item__icontains=q)
                    | Q(levels__code__icontains=q)
                    | Q(levels__description__icontains=q)
                ).distinct()
            if self.cleaned_data["category"]:
                items = items.filter(category=self.cleaned_data["category"])
        return items.prefetch_related("levels").order_by("path")
