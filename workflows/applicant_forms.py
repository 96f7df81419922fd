"""Forms of the applicant's actions after submission: review dates and withdrawal.

They only read and check what was typed (dates in the future, one of the proposed ones); the
rules of the process stay in workflows.actions, which checks the same things again under the
row lock.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
