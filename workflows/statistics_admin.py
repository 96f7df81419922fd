"""统计分析 in the Wagtail admin: the numbers of workflows.statistics for the user's jurisdiction,
as charts (inline SVG, workflows.statistics_charts), tables and CSV/XLSX downloads.

Authority staff see their own authority only; SAMR staff (and superusers) see every authority and
may narrow to one. Review-body staff, editors and applicants are refused the way the other staff
screens refuse: the menu item is hidden and the view raises PermissionDenied, which Wagtail answers
with its redirect to the dashboard (applicants never get past the admin login at all). Nothing here
writes; the view reads the filters, calls the service and renders.
"""

import csv
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from accounts.roles import is_authority_staff, sees_every_authority
from accounts.spreadsheets import neutralise_row

from . import statistics, statistics_charts, working_days

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLES = {"months": _("月度统计"), "steps": _("办理时长"), "overdue": _("当前超期")}


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month picker sends that); cleaned to its first day."""

    widget = forms.DateInput(format="%Y-%m", attrs={"type": "month", "placeholder": _("例如 2026-03")})

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m"], **kwargs)
        self.error_messages["invalid"] = _("请按“年-月”填写月份，例如 2026-03。")


class StatisticsFilterForm(forms.Form):
    start = MonthField(label=_("起始月份"))
    end = MonthField(label=_("截止月份"))
    authority = forms.ModelChoiceField(
        label=_("审批机关"), queryset=statistics.authority_choices(), required=False, empty_label=_("全部审批机关")
    )

    def __init__(self, *args, every_authority=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not every_authority:
            # A provincial bureau has one jurisdiction: no choice to offer, nothing to tamper with.
            del self.fields["authority"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("截止月份不能早于起始月份。"), code="order")
            if len(statistics.months_between(start, end)) > statistics.MAX_MONTHS:
                raise forms.ValidationError(
                    _("统计区间最长 %(months)s 个月，请缩短区间或分段导出。"),
                    code="too_long",
                    params={"months": statistics.MAX_MONTHS},
                )
        return cleaned


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_authority_staff(request.user)


class StatisticsView(WagtailAdminTemplateMixin, TemplateView):
    page_title = _("统计分析")
    header_icon = "table"
    template_name = "workflows/admin/statistics.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_authority_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        every_authority = sees_every_authority(request.user)
        start, end = statistics.default_period()
        bound = any(key in request.GET for key in ("start", "end", "authority"))
        form = StatisticsFilterForm(
            request.GET if bound else None,
            every_authority=every_authority,
            initial={"start": start, "end": end},
        )
        authority = None
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            authority = form.cleaned_data.get("authority")
        self.form = form
        self.result = statistics.compute(statistics.scope_for(request.user, authority), start, end)
        export = request.GET.get("export")
        if export and not (form.is_bound and not form.is_valid()):
            return self.export(export, request.GET.get("table", "months"))
        return super().get(request, *args, **kwargs)

    # --- page ---------------------------------------------------------------------------------

    def export_url(self, export, table=None):
        query = self.request.GET.copy()
        query.pop("export", None)
        query.pop("table", None)
        if not self.form.is_bound:
            query["start"] = f"{self.result.start:%Y-%m}"
            query["end"] = f"{self.result.end:%Y-%m}"
        query["export"] = export
        if table:
            query["table"] = table
        return f"?{query.urlencode()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = self.result
        tables = {name: build(result) for name, build in statistics.TABLES.items()}
        context.update(
            form=self.form,
            result=result,
            tables=tables,
            month_chart=statistics_charts.month_chart(result),
            step_chart=statistics_charts.step_chart(result),
            exports={
                "xlsx": self.export_url("xlsx"),
                "months": self.export_url("csv", "months"),
                "steps": self.export_url("csv", "steps"),
                "overdue": self.export_url("csv", "overdue"),
            },
            estimated=any(working_days.is_estimated(year) for year in range(result.start.year, result.end.year + 1)),
        )
        return context

    # --- exports ------------------------------------------------------------------------------

    def filename(self, suffix):
        return f"statistics-{self.result.start:%Y%m}-{self.result.end:%Y%m}.{suffix}"

    def export(self, export, table):
        if export == "csv":
            if table not in statistics.TABLES:
                raise Http404
            return self.csv_response(table)
        if export == "xlsx":
            return self.xlsx_response()
        raise Http404

    def csv_response(self, table):
        headings, rows = statistics.TABLES[table](self.result)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headings)
        writer.writerows(neutralise_row(row) for row in rows)
        # With a byte-order mark, Excel opens the Chinese headings as UTF-8.
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename(table + ".csv")}"'
        return response

    def xlsx_response(self):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        about = workbook.active
        about.title = gettext("说明")
        for row in (
            (gettext("统计范围"), self.result.scope.label),
            (gettext("统计期间"), self.result.period_label),
            (gettext("生成时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"),
            (gettext("说明"), gettext("按办理记录统计，各环节用时按工作日计算，超期按当日统计。")),
        ):
            about.append(neutralise_row(row))
        for name, build in statistics.TABLES.items():
            sheet = workbook.create_sheet(str(SHEET_TITLES[name]))
            headings, rows = build(self.result)
            sheet.append(headings)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in rows:
                sheet.append(neutralise_row(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.filename("xlsx")}"'
        return response


class StatisticsViewSet(ViewSet):
    name = "statistics"
    url_prefix = "statistics"
    icon = "table"
    menu_label = _("统计分析")
    menu_order = 60
    add_to_admin_menu = True
    menu_item_class = StatisticsMenuItem

    def get_urlpatterns(self):
        return [path("", StatisticsView.as_view(), name="index")]
