"""The forms behind the staff actions in the Wagtail admin (workflows/staff_admin/).

Each form only collects and checks what one function of workflows.actions takes; whether the
action is allowed at all (state, party, one-time notice) stays with the action itself. Uploads
are judged by their content through forms_config.uploads.validate_upload, never by the name or
the browser's content type.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateInput

from accounts.models import ReviewBody
from core.masking import mask_mobile
from forms_config.uploads import DEFAULT_MAX_MB, validate_upload

from . import actions, printing
from .models import CorrectionTarget, ReviewConclusion
from .models import rectification as rectification_rules

MAX_REVIEW_MATERIALS = 10
REPORT_KINDS = ("pdf",)
MATERIAL_KINDS = ("pdf", "jpg", "png")
WEEKDAYS = [_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日")]
VALUE_PREVIEW_CHARS = 80


# Reasons and comments are printed into decision letters: a limit keeps every letter printable
# (xhtml2pdf cannot lay out a 100,000-character word) and is far beyond any real reason.
FREE_TEXT_MAX_CHARS = 2000


class FreeText(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", FREE_TEXT_MAX_CHARS)
        super().__init__(*args, **kwargs)
        self.error_messages["max_length"] = _("最多 %(limit_value)d 个字（现有 %(show_value)d 个），请精简。")


def textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


def confirmation(label):
    """The required "我已确认…" box of an irreversible staff decision: the decision letter is issued
    and the applicant notified at once, and nothing in the workflow takes it back, so a slipped
    click must not be enough. The admin's confirm dialog (static/js/admin-confirm.js) only adds
    to this; the server refuses an unticked POST with or without JavaScript."""
    return forms.BooleanField(
        label=label,
        required=True,
        error_messages={"required": _("请勾选“我已确认……”后再提交：该决定作出后不能撤回。")},
    )


def day_label(day):
    return f"{day:%Y-%m-%d}（{WEEKDAYS[day.weekday()]}）"


# --- 受理 ---------------------------------------------------------------------------------------


def review_body_label(body):
    # The acceptance decision prints the body's contact person and phone, so the officer sees
    # them when choosing; a mobile number is masked like every other staff screen does.
    contact = [body.contact_name, body.contact_phone or mask_mobile(body.contact_mobile)]
    contact = [part for part in contact if part]
    if not contact:
        return body.name
    return gettext("%(name)s（联系人：%(contact)s）") % {"name": body.name, "contact": " ".join(contact)}


class ReviewBodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return review_body_label(obj)


class AcceptForm(forms.Form):
    review_body = ReviewBodyChoiceField(
        label=_("受委托的鉴定评审机构"),
        queryset=ReviewBody.objects.order_by("name"),
        empty_label=_("请选择"),
        error_messages={
            "required": _("请选择受委托的鉴定评审机构。"),
            "invalid_choice": _("所选鉴定评审机构不存在，请重新选择。"),
        },
        help_text=_("受理决定书将写明该机构及其联系人、联系电话，并同时通知该机构。"),
    )
    comment = FreeText(label=_("受理意见"), required=False, widget=textarea(3))
    confirmed = confirmation(_("我已确认：受理后将签发受理决定书并通知申请单位和鉴定评审机构，不能撤回。"))


# --- 补正告知 -------------------------------------------------------------------------------------


class CorrectionTargetRow:
    """One thing the officer may flag: a page, a field, or a file field (附件)."""

    def __init__(self, form, target, key, label, page_number, hidden=False, value=""):
        self.form = form
        self.target = target
        self.key = key
        self.label = label
        self.page_number = page_number
        self.hidden = hidden  # hidden by a display condition on what the applicant filled
        self.value = value
        self.tick_name = f"tick-{target}-{key}"
        self.comment_name = f"comment-{target}-{key}"

    @property
    def is_attachment(self):
        return self.target == CorrectionTarget.ATTACHMENT

    @property
    def tick(self):
        return self.form[self.tick_name]

    @property
    def comment(self):
        return self.form[self.comment_name]

    def as_item(self, comment):
        return {
            "target": self.target,
            "key": self.key,
            "label": self.label,
            "page_number": self.page_number,
            "comment": comment,
        }


def value_preview(spec, raw):
    """A short view of the applicant's value beside the checkbox; the detail page has it all.
    Masked as the detail page masks it (ID numbers and mobiles, printing's masked=True)."""
    printed = printing.printed_field(spec, raw, masked=True)
    if printed.is_table:
        return gettext("（表格，%(n)s 行）") % {"n": len(printed.rows or [])} if printed.rows else ""
    text = " ".join(line.strip() for line in printed.lines if line.strip())
    return text if len(text) <= VALUE_PREVIEW_CHARS else text[:VALUE_PREVIEW_CHARS] + "…"


class CorrectionForm(forms.Form):
    """补正告知书: every page of the frozen form and every field under it, each with a checkbox and
    a comment. Builds `items` for actions.request_correction."""

    comment = FreeText(
        label=_("补正说明"),
        required=False,
        widget=textarea(3),
        help_text=_("补正告知为一次性告知，请将需要补正的全部内容一并勾选。"),
    )
    confirmed = confirmation(_("我已确认：补正告知书只能发出一次，发出后不能修改或撤回。"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        schema = application.schema_version.parsed
        data = application.data or {}
        self.pages = []
        self.targets = []
        for page in schema.pages:
            page_row = self._add(
                CorrectionTarget.PAGE, page.key, page.title, page.number, hidden=not schema.page_visible(page, data)
            )
            field_rows = []
            for spec in page.fields:
                target = CorrectionTarget.ATTACHMENT if spec.accepts_uploads else CorrectionTarget.FIELD
                field_rows.append(
                    self._add(
                        target,
                        spec.key,
                        spec.label or spec.key,
                        page.number,
                        hidden=not schema.field_visible(spec, data),
                        value=value_preview(spec, data.get(spec.key)),
                    )
                )
            self.pages.append({"row": page_row, "fields": field_rows})
        self.items = []

    def _add(self, target, key, label, page_number, **extra):
        row = CorrectionTargetRow(self, target, key, label, page_number, **extra)
        self.fields[row.tick_name] = forms.BooleanField(label=label, required=False)
        self.fields[row.comment_name] = FreeText(
            label=_("补正意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        self.targets.append(row)
        return row

    def clean(self):
        cleaned = super().clean()
        items = []
        for row in self.targets:
            ticked = cleaned.get(row.tick_name)
            comment = (cleaned.get(row.comment_name) or "").strip()
            if ticked and not comment:
                self.add_error(row.comment_name, _("请填写“%(label)s”的补正意见。") % {"label": row.label})
            elif comment and not ticked:
                # A comment without a tick is most likely a forgotten tick; say so rather than drop it.
                self.add_error(row.tick_name, _("已填写补正意见，请勾选“%(label)s”。") % {"label": row.label})
            elif ticked:
                items.append(row.as_item(comment))
        # The unticked confirmation box alone must not hide that nothing was flagged.
        if not items and not set(self.errors) - {"confirmed"}:
            raise ValidationError(_("请至少勾选一项需要补正的内容，并填写补正意见。"), code="no_items")
        self.items = items
        return cleaned


# --- 不予受理 / 准予许可 / 不予许可 ---------------------------------------------------------------------


class RefuseAcceptanceForm(forms.Form):
    reasons = FreeText(
        label=_("不予受理的理由"),
        widget=textarea(5),
        error_messages={"required": _("请填写不予受理的理由。")},
        help_text=_("理由将写入不予受理决定书。"),
    )
    confirmed = confirmation(_("我已确认：将签发不予受理决定书，本申请办理终止，不能撤回。"))


class ApproveForm(forms.Form):
    comment = FreeText(label=_("审查意见"), required=False, widget=textarea(3))
    confirmed = confirmation(_("我已确认：将签发准予许可决定书和许可证，不能撤回。"))

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        # 准予许可 against a report concluding 不符合条件: an explicit confirmation and a reason,
        # recorded with the decision (workflows.actions.approve checks the same again).
        self.against_report = application is not None and actions.approval_needs_override(application)
        if self.against_report:
            self.fields["against_report_confirmed"] = forms.BooleanField(
                label=_("我已确认评审结论为不符合条件，仍准予许可"),
                required=True,
                error_messages={
                    "required": _("评审结论为“不符合条件”，准予许可须勾选“我已确认评审结论为不符合条件，仍准予许可”。")
                },
            )
            self.fields["against_report_reason"] = FreeText(
                label=_("仍准予许可的理由"),
                widget=textarea(4),
                error_messages={"required": _("评审结论为“不符合条件”，请填写仍准予许可的理由。")},
                help_text=_("理由将记入办理记录。"),
            )
            self.order_fields(["against_report_confirmed", "against_report_reason", "comment", "confirmed"])


class DenyForm(forms.Form):
    reasons = FreeText(
        label=_("不予许可的理由"),
        widget=textarea(5),
        error_messages={"required": _("请填写不予许可的理由。")},
        help_text=_("理由将写入不予许可决定书。"),
    )
    confirmed = confirmation(_("我已确认：将签发不予许可决定书，本申请办理终止，不能撤回。"))


# --- 协商鉴定评审时间 -------------------------------------------------------------------------------


def date_field(label, required=False, required_message=None):
    error_messages = {"invalid": _("请输入有效的日期，例如 2025-06-30。")}
    if required_message:
        error_messages["required"] = required_message
    return forms.DateField(label=label, required=required, widget=AdminDateInput, error_messages=error_messages)


class ProposeReviewDatesForm(forms.Form):
    date_1 = date_field(_("提议日期一"), required=True, required_message=_("请至少提议一个鉴定评审日期。"))
    date_2 = date_field(_("提议日期二"))
    date_3 = date_field(_("提议日期三"))
    comment = FreeText(label=_("说明"), required=False, widget=textarea(3))

    DATE_FIELDS = ("date_1", "date_2", "date_3")

    def __init__(self, *args, changing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.dates = []
        if changing:
            # A change of the agreed date needs its reason (recorded in 办理记录).
            comment = self.fields["comment"]
            comment.label = _("变更原因")
            comment.required = True
            comment.error_messages["required"] = _("请填写变更鉴定评审时间的原因。")

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        for name in self.DATE_FIELDS:
            day = cleaned.get(name)
            if day is not None and day <= today:
                self.add_error(name, _("提议的鉴定评审日期须晚于今天。"))
        self.dates = sorted({cleaned[name] for name in self.DATE_FIELDS if cleaned.get(name)})
        return cleaned


class AgreeReviewDateForm(forms.Form):
    day = forms.ChoiceField(
        label=_("确认的鉴定评审日期"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请从申请单位提议的日期中选择一个。"),
            "invalid_choice": _("请从申请单位提议的日期中选择一个。"),
        },
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        days = [datetime.date.fromisoformat(value) for value in (proposal.dates if proposal else [])]
        self.fields["day"].choices = [(day.isoformat(), day_label(day)) for day in days]

    def clean_day(self):
        return datetime.date.fromisoformat(self.cleaned_data["day"])


# --- 评审报告 ---------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            files = [item for item in data if item]
        else:
            files = [data] if data else []
        single = super().clean
        return [single(item, initial) for item in files]


class ReviewReportForm(forms.Form):
    reviewed_from = date_field(_("评审开始日期"), required=True, required_message=_("请填写评审开始日期。"))
    reviewed_to = date_field(_("评审结束日期"), required=True, required_message=_("请填写评审结束日期。"))
    conclusion = forms.ChoiceField(
        label=_("评审结论"),
        choices=ReviewConclusion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评审结论。")},
    )
    summary = FreeText(label=_("评审意见"), widget=textarea(6), error_messages={"required": _("请填写评审意见。")})
    report_file = forms.FileField(
        label=_("评审报告（PDF）"),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": _("请上传评审报告（PDF 文件）。")},
    )
    materials = MultipleFileField(label=_("评审材料"), required=False)
    confirmed = confirmation(_("我已确认：评审报告提交后将通知审批机关和申请单位，不能修改。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request, so the help text follows the active language.
        self.fields["materials"].help_text = gettext(
            "备忘录、整改材料等，PDF、JPG 或 PNG 格式，最多 %(n)s 个文件，单个文件不超过 %(mb)s MB。"
        ) % {"n": MAX_REVIEW_MATERIALS, "mb": DEFAULT_MAX_MB}

    def clean_report_file(self):
        uploaded = self.cleaned_data["report_file"]
        content_type = validate_upload(uploaded, label=gettext("评审报告"), kinds=REPORT_KINDS)
        return (uploaded, content_type)

    def clean_materials(self):
        files = self.cleaned_data.get("materials") or []
        if len(files) > MAX_REVIEW_MATERIALS:
            raise ValidationError(
                _("评审材料最多上传 %(n)s 个文件，本次选择了 %(count)s 个。"),
                code="too_many",
                params={"n": MAX_REVIEW_MATERIALS, "count": len(files)},
            )
        checked, errors = [], []
        for uploaded in files:
            try:
                checked.append((uploaded, validate_upload(uploaded, label=gettext("评审材料"), kinds=MATERIAL_KINDS)))
            except ValidationError as error:
                errors.extend(
                    gettext("“%(name)s”：%(message)s") % {"name": uploaded.name, "message": message}
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return checked

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("reviewed_from"), cleaned.get("reviewed_to")
        if start and end and end < start:
            self.add_error("reviewed_to", _("评审结束日期不能早于开始日期。"))
        return cleaned


# --- 整改 -------------------------------------------------------------------------------------------

MAX_RECTIFICATION_ITEMS = 50


class RectificationRequestForm(forms.Form):
    """需要整改: the items (one per line) and the deadline, at most 6 months from today."""

    items = FreeText(
        label=_("整改事项"),
        widget=textarea(6),
        error_messages={"required": _("请至少填写一项整改内容。")},
        help_text=_("每行填写一项需要整改的内容。"),
    )
    deadline = date_field(_("整改期限"), required=True, required_message=_("请填写整改期限。"))
    comment = FreeText(label=_("说明"), required=False, widget=textarea(3))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request: the latest day moves with today and the text follows the language.
        self.fields["deadline"].help_text = gettext("自今天起最长 6 个月，最晚为 %(latest)s。") % {
            "latest": f"{rectification_rules.latest_deadline():%Y-%m-%d}"
        }

    def clean_items(self):
        lines = [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]
        if not lines:
            raise ValidationError(_("请至少填写一项整改内容。"), code="no_items")
        if len(lines) > MAX_RECTIFICATION_ITEMS:
            raise ValidationError(
                _("整改事项最多 %(n)s 项，本次填写了 %(count)s 项。"),
                code="too_many",
                params={"n": MAX_RECTIFICATION_ITEMS, "count": len(lines)},
            )
        return lines

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        problem = rectification_rules.deadline_problem(deadline)
        if problem:
            raise ValidationError(problem, code="deadline")
        return deadline


class RectificationConfirmForm(forms.Form):
    comment = FreeText(label=_("确认意见"), required=False, widget=textarea(3))
    confirmed = confirmation(_("我已审核整改报告，确认整改完成；确认后可提交评审报告，不能撤回。"))
