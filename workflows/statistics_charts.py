"""The charts of 统计分析, drawn on the server as inline SVG: no JavaScript, no chart library, nothing
from a CDN (the admin's CSP allows no inline script; inline SVG is markup).

The functions here compute geometry only (plain dicts of numbers and texts); the template
templates/workflows/admin/statistics.html writes the elements, so every text is escaped by Django.
Each chart has a <title> and a <desc>, and the page prints the same numbers in a table beneath.
"""

import math

from django.utils.translation import gettext as _

from .statistics import MONTH_COLUMNS

WIDTH = 960


def nice_ticks(maximum, count=5):
    """Round tick values from 0 to at least `maximum` (1, 2 or 5 times a power of ten apart)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(1, step) if maximum >= 1 else step
    top = math.ceil(maximum / step) * step
    ticks = []
    value = 0
    while value <= top + step / 2:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _fmt(value):
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def month_chart(result):
    """Grouped bars: per month one bar per count of MONTH_COLUMNS."""
    left, right, top, bottom = 48, 12, 44, 40
    height = 340
    plot_width = WIDTH - left - right
    plot_height = height - top - bottom
    series = [(key, str(heading)) for key, _action, heading in MONTH_COLUMNS]
    maximum = max((row.counts[key] for row in result.months for key, _label in series), default=0)
    ticks = nice_ticks(maximum)
    scale = plot_height / ticks[-1]
    months = result.months
    group = plot_width / max(len(months), 1)
    bar = group * 0.8 / len(series)
    every = max(1, math.ceil(len(months) / 12))
    bars, labels = [], []
    for index, row in enumerate(months):
        x0 = left + index * group + group * 0.1
        for number, (key, label) in enumerate(series):
            value = row.counts[key]
            bar_height = value * scale
            bars.append(
                {
                    "x": round(x0 + number * bar, 2),
                    "y": round(top + plot_height - bar_height, 2),
                    "width": round(max(bar - 1, 1), 2),
                    "height": round(bar_height, 2),
                    "series": number,
                    "title": f"{row.label} {label}: {value}",
                }
            )
        if index % every == 0:
            labels.append(
                {"x": round(left + index * group + group / 2, 2), "y": height - bottom + 18, "text": row.label}
            )
    legend = [
        {"x": left + number * 140, "series": number, "text": label} for number, (_key, label) in enumerate(series)
    ]
    totals = result.totals
    desc = _("%(period)s，%(scope)s：") % {"period": result.period_label, "scope": result.scope.label} + "；".join(
        f"{label}{_('合计')} {totals[key]}" for key, label in series
    )
    return {
        "id": "statistics-months",
        "width": WIDTH,
        "height": height,
        "title": _("每月办理量"),
        "desc": desc + _("。各月数字见图下表格。"),
        "bars": bars,
        "labels": labels,
        "legend": legend,
        "grid": [
            {"y": round(top + plot_height - tick * scale, 2), "text": _fmt(tick), "x": left - 6} for tick in ticks
        ],
        "axis": {"x1": left, "x2": WIDTH - right, "y": top + plot_height},
    }


def step_chart(result):
    """Horizontal bars per step: the median working days taken and the statutory limit."""
    left, right, top = 120, 60, 44
    row_height, bar_height = 64, 20
    height = top + row_height * len(result.steps) + 32
    plot_width = WIDTH - left - right
    maximum = max([row.median_days or 0 for row in result.steps] + [row.limit or 0 for row in result.steps], default=0)
    ticks = nice_ticks(maximum)
    scale = plot_width / ticks[-1]
    series = [_("实际用时中位数"), _("法定时限")]
    rows = []
    for index, row in enumerate(result.steps):
        y = top + index * row_height + 8
        bars = []
        for number, value in enumerate((row.median_days, row.limit)):
            length = (value or 0) * scale
            bars.append(
                {
                    "x": left,
                    "y": y + number * (bar_height + 2),
                    "width": round(max(length, 0), 2),
                    "height": bar_height,
                    "series": number,
                    "value": _fmt(value),
                    "value_x": round(left + length + 6, 2),
                    "value_y": y + number * (bar_height + 2) + bar_height - 5,
                    "title": _("%(step)s %(series)s: %(value)s 个工作日")
                    % {"step": row.step.label, "series": series[number], "value": _fmt(value)},
                }
            )
        rows.append({"label": str(row.step.label), "label_y": y + bar_height + 6, "bars": bars})
    desc = "；".join(
        _("%(step)s：办结 %(count)s 件，实际用时中位数 %(median)s 个工作日，法定时限 %(limit)s 个工作日")
        % {"step": row.step.label, "count": row.count, "median": _fmt(row.median_days), "limit": _fmt(row.limit)}
        for row in result.steps
    )
    return {
        "id": "statistics-steps",
        "width": WIDTH,
        "height": height,
        "title": _("各环节实际用时与法定时限"),
        "desc": desc + _("。数字见图下表格。"),
        "rows": rows,
        "legend": [{"x": left + number * 180, "series": number, "text": label} for number, label in enumerate(series)],
        "grid": [
            {
                "x": round(left + tick * scale, 2),
                "text": _fmt(tick),
                "y1": top,
                "y2": height - 28,
                "text_y": height - 10,
            }
            for tick in ticks
        ],
        "label_x": left - 10,
    }
