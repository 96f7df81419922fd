"""The queue (index view) of 许可申请办理: its columns, filters, ordering and CSV/XLSX export."""

from collections import OrderedDict

import django_filters
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic

from accounts.models import ReviewBody
from accounts.spreadsheets import SafeSpreadsheetExportMixin
from core.replica import replica_alias

from .. import deadlines
from ..models import Application, ApplicationItem, ApplicationKind, ApplicationState, RectificationRequest
from .access import staff_queryset


def items_text(application):
    return gettext("、").join(str(item) for item in application.items.all())


def local_datetime(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def review_body_name(application):
    return application.review_body.name if application.review_body_id else ""


def overdue_text(application):
    return gettext("是") if deadlines.is_overdue(application) else gettext("否")


def overdue_rectification_exists(today=None):
    """An open 整改 request past its deadline with no report: the queue's 整改逾期 tag, computed on read."""
    overdue = RectificationRequest.objects.filter(
        application=OuterRef("pk"),
        confirmed_at__isnull=True,
        reported_at__isnull=True,
        deadline__lt=today or timezone.localdate(),
    )
    return Exists(overdue)


class TextColumn(Column):
    """A plain-text cell written directly. Wagtail renders a template for every cell, 400 on a
    page of 50 applications, which was most of the queue's time (docs/benchmarks.md); the HTML
    here is the same as wagtailadmin/tables/cell.html's, escaped the same way."""

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        classname = format_html(' class="{}"', self.classname) if self.classname else ""
        return format_html("<td{}>{}</td>", classname, "" if value is None else value)


class DeadlineColumn(Column):
    """办理期限: the due date, and a red 已超期 tag once it has passed."""

    cell_template_name = "workflows/admin/deadline_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["overdue"] = deadlines.is_overdue(instance)
        context["rectification_overdue"] = getattr(instance, "rectification_overdue", False)
        return context


def _yes_no():
    return [("yes", _("已超期")), ("no", _("未超期"))]


class ApplicationFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[choice for choice in ApplicationState.choices if choice[0] != ApplicationState.DRAFT],
        empty_label=_("全部"),
    )
    kind = django_filters.ChoiceFilter(label=_("申请类型"), choices=ApplicationKind.choices, empty_label=_("全部"))
    overdue = django_filters.ChoiceFilter(
        label=_("超期"), choices=_yes_no, empty_label=_("全部"), method="filter_overdue"
    )
    submitted_at = django_filters.DateFromToRangeFilter(label=_("提交时间"), widget=DateRangePickerWidget)
    review_body = django_filters.ModelChoiceFilter(
        label=_("鉴定评审机构"), queryset=ReviewBody.objects.order_by("name"), empty_label=_("全部")
    )

    class Meta:
        model = Application
        fields = ["state"]

    def filter_overdue(self, queryset, name, value):
        # The same rule as deadlines.is_overdue, as a plain date comparison on the stored due date.
        today = timezone.localdate()
        if value == "yes":
            return queryset.filter(due_on__lt=today)
        if value == "no":
            return queryset.filter(Q(due_on__isnull=True) | Q(due_on__gte=today))
        return queryset


# Columns of the CSV/XLSX export: heading and value of each.
EXPORT_COLUMNS = OrderedDict(
    [
        ("reference", (_("申请编号"), lambda a: a.reference)),
        ("kind", (_("申请类型"), lambda a: a.get_kind_display())),
        ("applicant", (_("申请单位"), lambda a: a.applicant.name)),
        ("items", (_("许可项目"), items_text)),
        ("authority", (_("审批机关"), lambda a: a.authority.name)),
        ("review_body", (_("鉴定评审机构"), review_body_name)),
        ("state", (_("状态"), lambda a: a.get_state_display())),
        ("submitted_at", (_("提交时间"), lambda a: local_datetime(a.submitted_at))),
        ("due_on", (_("办理期限"), lambda a: a.due_on)),
        ("overdue", (_("已超期"), overdue_text)),
    ]
)

# Orderings on columns that may be empty: empty last in both directions, on every database.
NULLABLE_ORDERINGS = {"due_on", "submitted_at", "review_body__name"}


class RegisterIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """A read-only register: rows link to their own page, nothing to edit, copy or delete; the
    CSV/XLSX export (possibly every row of the country, read once) comes from the replica when
    there is one (core/replica.py) with the columns of `export_columns`, every cell through
    accounts/spreadsheets.py (no formula from an enterprise's name)."""

    export_columns = OrderedDict()

    def get_list_more_buttons(self, instance):
        return []

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return super().as_spreadsheet(queryset.using(replica_alias()), spreadsheet_format)

    def to_row_dict(self, item):
        return OrderedDict((field, self.export_columns[field][1](item)) for field in self.list_export)


class ApplicationIndexView(RegisterIndexView):
    page_title = _("许可申请办理")
    export_columns = EXPORT_COLUMNS
    # An empty queue explains itself: nothing waiting, or which search and filters hide rows.
    results_template_name = "workflows/admin/queue_results.html"

    def get_base_queryset(self):
        return (
            staff_queryset(self.request.user)
            .select_related("applicant", "authority", "review_body")
            .prefetch_related(Prefetch("items", queryset=ApplicationItem.objects.order_by("sort_order", "pk")))
            .annotate(rectification_overdue=overdue_rectification_exists())
        )

    def order_queryset(self, queryset):
        ordering = self.ordering if isinstance(self.ordering, str) else None
        field = ordering.lstrip("-") if ordering else None
        if field in NULLABLE_ORDERINGS:
            expression = F(field).desc(nulls_last=True) if ordering.startswith("-") else F(field).asc(nulls_last=True)
            return queryset.order_by(expression, "pk")
        return super().order_queryset(queryset)
