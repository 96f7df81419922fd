from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.validators import validate_credit_code
from workflows import progress
from workflows.models import ApplicationKind, ApplicationState, DocumentKind
from workflows.models.licences import LicenseStatus
from workflows.signature_check import HEADLINES
from workflows.signature_check import Status as VerdictStatus
from workflows.verification import normalise_query, validate_license_number

from . import services


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("错误说明（界面语言，默认中文）"))
    code = serializers.CharField(help_text=_("供程序判断的错误代码，如 token_revoked、insufficient_scope、throttled"))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("400 时：各参数的错误信息"),
    )


class ItemSerializer(serializers.Serializer):
    category = serializers.CharField()
    item_name = serializers.CharField()
    level_code = serializers.CharField(allow_blank=True)
    level_description = serializers.CharField(allow_blank=True)


class StageSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=[(spec.key, spec.label) for spec in progress.STAGES])
    label = serializers.CharField()
    outcome = serializers.ChoiceField(
        choices=[("", _("办理中")), ("done", _("准予许可")), ("failed", _("未获许可")), ("stopped", _("已撤回"))],
        allow_blank=True,
        help_text=_("已办结时的结果：done / failed / stopped；办理中为空"),
    )


class ApplicationSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text=_("申请编号"))
    kind = serializers.ChoiceField(choices=ApplicationKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    state = serializers.ChoiceField(choices=ApplicationState.choices)
    state_display = serializers.CharField(source="get_state_display")
    items = ItemSerializer(many=True, source="items.all")
    authority = serializers.CharField(source="authority.name", help_text=_("审批机关"))
    submitted_at = serializers.DateTimeField(allow_null=True)
    due_on = serializers.DateField(allow_null=True, help_text=_("当前办理期限"))
    decided_at = serializers.DateTimeField(allow_null=True)
    licence_number = serializers.SerializerMethodField(help_text=_("准予许可后的许可证编号"))
    stage = serializers.SerializerMethodField(help_text=_("办理阶段（与申请进度页一致）"))

    @extend_schema_field({"type": "string", "nullable": True})
    def get_licence_number(self, application):
        return services.licence_number(application)

    @extend_schema_field(StageSerializer)
    def get_stage(self, application):
        return services.current_stage(application)


class ApplicationFilterSerializer(serializers.Serializer):
    # No 草稿: drafts are not offered through the API (api.services).
    state = serializers.ChoiceField(
        choices=[choice for choice in ApplicationState.choices if choice[0] != ApplicationState.DRAFT],
        required=False,
        help_text=_("按状态筛选"),
    )


class LicenceRecordSerializer(serializers.Serializer):
    # workflows.verification.public_record: exactly what the public verification page shows.

    number = serializers.CharField(help_text=_("许可证编号"))
    status = serializers.ChoiceField(choices=LicenseStatus.choices)
    status_display = serializers.CharField()
    holder_name = serializers.CharField(allow_blank=True)
    holder_credit_code = serializers.CharField(allow_blank=True)
    items = ItemSerializer(many=True)
    authority = serializers.CharField(help_text=_("发证机关"))
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()
    superseded_by = serializers.CharField(allow_blank=True, help_text=_("换发后的许可证编号"))
    verification_code = serializers.CharField(allow_blank=True, help_text=_("许可证校验码"))


class LicenceVerifyResultSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = LicenceRecordSerializer(many=True)


class LicenceVerifyQuerySerializer(serializers.Serializer):
    number = serializers.CharField(required=False, max_length=40, help_text=_("许可证编号，如 TS211260001-2030"))
    credit_code = serializers.CharField(
        required=False, max_length=18, help_text=_("持证单位的统一社会信用代码（18位）或组织机构代码（9位）")
    )

    # Normalised and checked as the public verification page does (workflows.verification).
    def validate_number(self, value):
        value = normalise_query(value)
        try:
            validate_license_number(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        return value

    def validate_credit_code(self, value):
        value = normalise_query(value)
        try:
            validate_credit_code(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None
        return value

    def validate(self, attrs):
        if not attrs.get("number") and not attrs.get("credit_code"):
            raise serializers.ValidationError(_("请提供许可证编号（number）或统一社会信用代码（credit_code）。"))
        if attrs.get("number") and attrs.get("credit_code"):
            raise serializers.ValidationError(_("number 与 credit_code 只能提供其中一个。"))
        return attrs


# --- documents/verify/: workflows.signature_check.Verdict.as_dict ------------------------------


class DocumentVerifyRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("待核验的PDF文件（multipart/form-data，不超过 20 MB）"))


class SignerSerializer(serializers.Serializer):
    authority = serializers.CharField(help_text=_("签署机关"))
    subject = serializers.CharField(help_text=_("签名证书的主体名称"))
    not_before = serializers.DateTimeField(help_text=_("证书有效期起"))
    not_after = serializers.DateTimeField(help_text=_("证书有效期至"))
    signed_at = serializers.DateTimeField(allow_null=True, help_text=_("签名时间（有时间戳时为时间戳时间）"))
    timestamped = serializers.BooleanField(help_text=_("签名是否带有时间戳"))
    expired_now = serializers.BooleanField(help_text=_("证书现已过期（签名时有效的，签名仍然有效）"))
    rotated = serializers.BooleanField(help_text=_("证书已被更换（签名时有效的，签名仍然有效）"))


class DocumentRecordSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices, help_text=_("文书种类"))
    kind_display = serializers.CharField()
    number = serializers.CharField(allow_blank=True, help_text=_("文号（许可证为许可证编号）"))
    issued_on = serializers.DateField(help_text=_("签发日期"))
    authority = serializers.CharField(help_text=_("签发机关"))


class DocumentLicenceSerializer(serializers.Serializer):
    number = serializers.CharField(help_text=_("许可证编号"))
    status = serializers.ChoiceField(choices=LicenseStatus.choices)
    status_display = serializers.CharField()
    valid_until = serializers.DateField()
    superseded_by = serializers.CharField(allow_blank=True, help_text=_("换发后的许可证编号"))
    authority = serializers.CharField(help_text=_("发证机关"))


class DocumentVerifyResultSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(status.value, HEADLINES[status]) for status in VerdictStatus],
        help_text=_("核验结论：valid 为签名有效且与签发记录一致，其余见各取值说明"),
    )
    message = serializers.CharField(help_text=_("核验结论（界面语言，默认中文）"))
    details = serializers.ListField(child=serializers.CharField(), help_text=_("说明"))
    signer = SignerSerializer(allow_null=True, help_text=_("签名证书所属的审批机关；未识别时为 null"))
    record = DocumentRecordSerializer(allow_null=True, help_text=_("本系统的签发记录；文件不一致时为 null"))
    licence = DocumentLicenceSerializer(allow_null=True, help_text=_("许可证及准予许可决定书：许可证的当前状态"))
