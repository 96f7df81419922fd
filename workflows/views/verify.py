"""许可证查询: the public verification page, for anyone holding a licence or a copy of one.

An inspector, a customer or a bank enters the licence number (or the holder's 统一社会信用代码)
and, optionally, the 校验码 printed on the certificate; the page says whether the licence is
valid, expired or replaced, shows what it covers as the register holds it and whether the code
matches. The QR code on every licence PDF opens this page with the number filled in.

No login and nothing personal: `verification.public_record` is all that is shown. Lookups are
counted per client IP, and per organisation for a logged-in visitor, with the API's licence lookups
(`verification.check_lookup_allowed`), so the register cannot be walked by trying credit codes one
after another through either door; a form that does not validate costs nothing, as it reads nothing.

核验文件 (`verify_document`, POST): anyone may upload a licence or decision letter they received;
`signature_check.check_upload` says whether its signature is intact, who signed it, whether it is
the file on record and the licence's status, on the same page. The upload is held in memory only
(core/memory_uploads.py), checked like every upload, counted against the same allowance as a
lookup, and discarded with the response, which no cache keeps.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from accounts.validators import validate_credit_code
from core import ratelimit
from core.memory_uploads import BoundedMemoryUploadHandler

from .. import signature_check, verification


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


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("待核验文件"),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={"required": _("请选择要核验的PDF文件。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "选择审批机关签发的许可证或决定书PDF文件（不超过 %(mb)d MB）。文件仅用于本次核验，不会保存。"
        ) % {"mb": signature_check.MAX_BYTES // (1024 * 1024)}


def _matched(records):
    """The licence of the answer that carries the entered code, if any."""
    return next((record for record in records if record["code_matches"]), None)


@require_safe
def verify_license(request):
    """GET only: the query is in the URL, so a QR code, a bookmark or a link can carry it."""
    # Bound as soon as the form was sent, so that sending it empty says what is missing.
    sent = any(name in request.GET for name in VerifyForm.base_fields)
    form = VerifyForm(request.GET if sent else None)
    context = {"form": form, "asked": False, "upload_form": DocumentUploadForm()}
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


@csrf_exempt  # checked by csrf_protect below, once the upload handler is in place
@require_http_methods(["GET", "HEAD", "POST"])
def verify_document(request):
    """核验文件: POST a PDF, get the verdict on 许可证查询; a GET (a reload, a bookmark) goes to the page."""
    if request.method != "POST":
        return redirect("verify_license")
    # Before anything reads the body: the file stays in memory, never in a temporary file.
    request.upload_handlers = [BoundedMemoryUploadHandler(request, signature_check.MAX_BYTES)]
    return _verify_document(request)


@csrf_protect
def _verify_document(request):
    upload_form = DocumentUploadForm(request.POST, request.FILES)
    context = {"form": VerifyForm(), "asked": False, "upload_form": upload_form}
    status = 200
    if upload_form.is_valid():
        organisation = request.user.organisation if request.user.is_authenticated else None
        refused = verification.check_lookup_allowed(ratelimit.client_ip(request), organisation)
        if refused is not None:
            context["upload_refused"] = refused.message
            status = 429
        else:
            context["verdict"] = signature_check.check_upload(upload_form.cleaned_data["file"])
    response = render(request, "workflows/verify.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(refused.retry_after)
    # The answer to one person's upload: no cache, shared or not, keeps it.
    patch_cache_control(response, private=True, no_store=True)
    return response
