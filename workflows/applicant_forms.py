"""Forms of the applicant's actions after submission (review dates, withdrawal) and the search of
许可申请管理.

They only read and check what was typed (dates in the future, one of the proposed ones); the
rules of the process stay in workflows.actions, which checks the same things again under the
row lock.
"""

import datetime

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forms_config.uploads import DEFAULT_MAX_MB, accept_attribute, validate_upload

from .models import ApplicationItem, ApplicationState, rectification

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INVALID_DATE = _("请输入有效的日期，例如 2026-05-08。")
PAST_DATE = _("提议的鉴定评审日期须晚于今天。")


class AgreeReviewDateForm(forms.Form):
    """Pick one of the dates the review body proposed."""

    date = forms.ChoiceField(
        label=_("确认的鉴定评审日期"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择一个鉴定评审日期。"), "invalid_choice": _("请从提议的日期中选择一个。")},
    )

    def __init__(self, proposal, *args, **kwargs):
        # Its own ids: the page also shows the proposal form, whose date_1 would clash with id_date_1.
        kwargs.setdefault("auto_id", "agree_%s")
        super().__init__(*args, **kwargs)
        self.fields["date"].choices = [(day, day) for day in proposal.dates]

    def clean_date(self):
        day = datetime.date.fromisoformat(self.cleaned_data["date"])
        if day <= timezone.localdate():
            raise forms.ValidationError(_("该日期已过，请另行提议鉴定评审时间。"), code="past_date")
        return day


class ProposeReviewDatesForm(forms.Form):
    """One to three other dates, with an optional note."""

    date_1 = forms.DateField(
        label=_("提议日期一"),
        widget=DATE_INPUT,
        error_messages={"required": _("请至少提议一个鉴定评审日期。"), "invalid": INVALID_DATE},
    )
    date_2 = forms.DateField(
        label=_("提议日期二"), required=False, widget=DATE_INPUT, error_messages={"invalid": INVALID_DATE}
    )
    date_3 = forms.DateField(
        label=_("提议日期三"), required=False, widget=DATE_INPUT, error_messages={"invalid": INVALID_DATE}
    )
    comment = forms.CharField(label=_("说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, changing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if changing:
            # A change of the agreed date needs its reason (recorded in 办理记录).
            comment = self.fields["comment"]
            comment.label = _("变更原因")
            comment.required = True
            comment.error_messages["required"] = _("请填写变更鉴定评审时间的原因。")

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in ("date_1", "date_2", "date_3"):
            day = cleaned.get(name)
            if day is not None and day <= today:
                self.add_error(name, forms.ValidationError(PAST_DATE, code="past_date"))
        return cleaned

    @property
    def dates(self):
        return sorted({self.cleaned_data[n] for n in ("date_1", "date_2", "date_3") if self.cleaned_data.get(n)})


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因（可不填）"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ApplicationListFilterForm(forms.Form):
    """许可申请管理's search: 申请编号, 许可项目, 状态 and 提交日期 from/to, all optional (a GET form).

    An invalid value is reported at its field and left out of the search; the other criteria
    still apply, so a mistyped date never hides the list."""

    reference = forms.CharField(label=_("申请编号"), required=False, max_length=50)
    item = forms.CharField(
        label=_("许可项目"),
        required=False,
        max_length=100,
        help_text=_("项目名称或级别中的文字，例如“压力容器”"),
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *ApplicationState.choices],
        error_messages={"invalid_choice": _("请从列表中选择状态。")},
    )
    submitted_from = forms.DateField(
        label=_("提交日期自"), required=False, widget=DATE_INPUT, error_messages={"invalid": INVALID_DATE}
    )
    submitted_to = forms.DateField(
        label=_("提交日期至"), required=False, widget=DATE_INPUT, error_messages={"invalid": INVALID_DATE}
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            self.add_error("submitted_to", forms.ValidationError(_("结束日期不能早于开始日期。"), code="date_order"))
        return cleaned

    @property
    def active(self):
        """Whether any criterion was given (valid or not)."""
        return self.is_bound and any((self.data.get(name) or "").strip() for name in self.fields)

    def criteria(self):
        """The valid criteria given, by field name."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def filter(self, queryset):
        """`queryset` (applications) narrowed by the valid criteria."""
        criteria = self.criteria()
        if reference := criteria.get("reference", "").strip():
            queryset = queryset.filter(reference__icontains=reference)
        if item := criteria.get("item", "").strip():
            items = ApplicationItem.objects.filter(application=OuterRef("pk")).filter(
                Q(item_name__icontains=item) | Q(level_code__icontains=item)
            )
            queryset = queryset.filter(Exists(items))
        if state := criteria.get("state"):
            queryset = queryset.filter(state=state)
        if start := criteria.get("submitted_from"):
            queryset = queryset.filter(submitted_at__date__gte=start)
        if end := criteria.get("submitted_to"):
            queryset = queryset.filter(submitted_at__date__lte=end)
        return queryset


class RectificationReportForm(forms.Form):
    """整改报告: one PDF, JPG or PNG file, judged by its content (forms_config.uploads)."""

    report = forms.FileField(
        label=_("整改报告"),
        error_messages={"required": _("请选择要上传的整改报告（PDF、JPG 或 PNG 文件）。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].widget.attrs["accept"] = accept_attribute(rectification.REPORT_KINDS)
        self.fields["report"].help_text = gettext("PDF、JPG 或 PNG 格式，不超过 %(mb)s MB。") % {"mb": DEFAULT_MAX_MB}

    def clean_report(self):
        uploaded = self.cleaned_data["report"]
        content_type = validate_upload(uploaded, label=gettext("整改报告"), kinds=rectification.REPORT_KINDS)
        return (uploaded, content_type)
