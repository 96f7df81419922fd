"""工作日历 in the Wagtail admin (设置 menu): staff enter a year's holidays and adjusted working days.

The packages behind workflows/working_days.py lag the State Council's yearly announcement
(docs/decisions.md, decision 6). When it is published, staff enter the year here: each row overrides the
packages for its date, and a year with any row stops being an estimate. Rows are also how a
wrong package date is corrected. Who may edit is Wagtail's default model permission policy
(workflows.add/change/delete_calendarday).
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from .models import CalendarDay, DayKind

WEEKDAYS = [_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日")]


def year_choices():
    # The years that have rows, plus this year and the next: the one staff are most likely to be
    # entering after the December announcement. Evaluated per request, so a new year shows up.
    this_year = timezone.localdate().year
    years = {day.year for day in CalendarDay.objects.dates("date", "year")} | {this_year, this_year + 1}
    return [(str(year), str(year)) for year in sorted(years, reverse=True)]


class CalendarDayFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=DayKind.choices, empty_label=_("全部"))
    year = django_filters.ChoiceFilter(
        label=_("年份"), choices=year_choices, empty_label=_("全部"), method="filter_year"
    )

    class Meta:
        model = CalendarDay
        fields = ["kind"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(date__year=int(value))


def weekday(calendar_day):
    # Helps staff check an entry against the announcement: a 调休 working day is a weekend day.
    return WEEKDAYS[calendar_day.date.weekday()]


class CalendarDayViewSet(ModelViewSet):
    name = "workflows_calendar"
    url_prefix = "workflows/calendar"
    model = CalendarDay
    icon = "date"
    menu_label = _("工作日历")
    add_to_settings_menu = True
    filterset_class = CalendarDayFilterSet
    ordering = ["date"]
    list_display = ["date", Column("weekday", label=_("星期"), accessor=weekday), "kind", "name"]
    form_fields = ["date", "kind", "name"]
    list_per_page = 50  # a year is about 30-40 rows
