"""许可证查询: the public verification page, for anyone holding a licence or a copy of one.

An inspector, a customer or a bank enters the licence number (or the holder's 统一社会信用代码)
and, optionally, the 校验码 printed on the certificate; the page says whether the licence is
valid, expired or replaced, shows what it covers as the register holds it and whether the code
matches. The QR code on every licence PDF opens this page with the number filled in.

No login and nothing personal: `verification.public_record` is all that is shown. Lookups are
counted per client IP, and per organisation for a logged-in visitor, with the API's licence lookups
(`verification.check_lookup_allowed`), so the register cannot be walked by trying credit codes one
after another through either door; a form that does not validate costs nothing, as it reads nothing.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.validators import validate_credit_code
from core import ratelimit

from .. import verification


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=_("许可证编号"),
        required=False,
        max_length=40,
        help_text=_("见许可证正面“编号”，如 TS211260001-2030：TS 开头，“-”后为有效期截止年份。"),
        widget=forms.TextInput(
            attrs={"placeholder": verification.EXAMPLE_LICENSE_NUMBER, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        required=False,
        max_length=30,
        help_text=_("不知道许可证编号时，可输入持证单位的统一社会信用代码，查询其全部许可证。"),
    )
    code = forms.CharField(
        label=_("校验码（选填）"),
        required=False,
        max_length=30,
        help_text=_("许可证二维码旁印有16位校验码，输入后可核对证书是否被篡改。"),
    )

    def clean_number(self):
        number = verification.normalise_query(self.cleaned_data["number"])
        if number:
            verification.validate_license_number(number)
        return number

    def clean_credit_code(self):
        code = verification.normalise_query(self.cleaned_data["credit_code"])
        if code:
            validate_credit_code(code)
        return code

    def clean_code(self):
        code = verification.normalise_code(verification.normalise_query(self.cleaned_data["code"]))
        if code and len(code) != 16:
            raise ValidationError(
                _("校验码为16位字母和数字（如 K3QD-7XWA-M2PF-9TZB），当前为%(n)d位，请核对证书。"),
                code="code_length",
                params={"n": len(code)},
            )
        return code

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("number") and not cleaned.get("credit_code"):
            raise ValidationError(_("请输入许可证编号或统一社会信用代码。"), code="empty")
        return cleaned


def _matched(records):
    """The licence of the answer that carries the entered code, if any."""
    return next((record for record in records if record["code_matches"]), None)


@require_safe
def verify_license(request):
    """GET only: the query is in the URL, so a QR code, a bookmark or a link can carry it."""
    # Bound as soon as the form was sent, so that sending it empty says what is missing.
    sent = any(name in request.GET for name in VerifyForm.base_fields)
    form = VerifyForm(request.GET if sent else None)
    context = {"form": form, "asked": False}
    if form.is_bound and form.is_valid():
        organisation = request.user.organisation if request.user.is_authenticated else None
        refused = verification.check_lookup_allowed(ratelimit.client_ip(request), organisation)
        if refused is not None:
            context["refused"] = refused.message
            response = render(request, "workflows/verify.html", context, status=429)
            response["Retry-After"] = str(refused.retry_after)
            patch_cache_control(response, private=True, no_store=True)
            return response
        data = form.cleaned_data
        records = verification.lookup(number=data["number"], credit_code=data["credit_code"], code=data["code"])
        context.update(
            asked=True,
            by_number=bool(data["number"]),
            query=data["number"] or data["credit_code"],
            code=data["code"],
            records=records,
            matched=_matched(records),
        )
    response = render(request, "workflows/verify.html", context)
    # A licence replaced or found forged must not keep showing as valid from some cache for long;
    # private: the page header differs for a logged-in visitor. (core.page_cache never stores
    # it either: it keeps only Wagtail pages that ask for it.)
    patch_cache_control(response, private=True, max_age=60)
    return response
