"""The JSON API (开放接口) under /api/v1/: read-only, one token per organisation (api.models).

- GET applications/ and applications/<reference>/ (scope applications:read): the token's
  organisation's own submitted applications; anyone else's reference is a 404.
- GET licences/verify/?number=…|credit_code=… (scope licences:verify): the public record of the
  licence, the same as the public verification page (workflows.verification), counted against the
  same allowance per client IP and per organisation as that page (check_lookup_allowed).
- POST documents/verify/ (scope licences:verify): a PDF (multipart, field `file`) checked as
  许可证查询's 核验文件 does (workflows.signature_check): signature, signer, record, licence status;
  the same allowance as a licence lookup; the file is held in memory only and not kept.
- GET schema/: the OpenAPI 3 schema (drf-spectacular), anonymous.
"""

import logging

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework import status
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.memory_uploads import BoundedMemoryUploadHandler
from core.ratelimit import client_ip
from workflows import signature_check
from workflows.verification import check_lookup_allowed, find_licences, public_record

from . import exceptions, services
from .authentication import ApiTokenAuthentication
from .models import ApiScope
from .permissions import HasScope
from .serializers import (
    ApplicationFilterSerializer,
    ApplicationSerializer,
    DocumentVerifyRequestSerializer,
    DocumentVerifyResultSerializer,
    ErrorSerializer,
    LicenceVerifyQuerySerializer,
    LicenceVerifyResultSerializer,
)
from .throttling import ApiAnonRateThrottle, ApiTokenRateThrottle

logger = logging.getLogger(__name__)


def error_responses(*codes):
    descriptions = {
        400: _("请求参数有误"),
        401: _("未提供令牌、令牌无效或已撤销"),
        403: _("令牌没有该接口的权限范围"),
        404: _("未找到"),
        429: _("请求过于频繁"),
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


class ApiViewMixin:
    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ApiTokenRateThrottle]
    required_scope = None

    def get_exception_handler(self):
        return exceptions.exception_handler

    def handle_exception(self, exc):
        try:
            return super().handle_exception(exc)
        except Exception:
            # Still JSON for the client; the traceback goes to the log (redacted by its filter).
            logger.exception("api: unexpected error in %s", type(self).__name__)
            return Response(exceptions.server_error_response(), status=status.HTTP_500_INTERNAL_SERVER_ERROR)


class StableOrderingFilter(OrderingFilter):
    """The chosen order, then the primary key: pages never repeat or skip rows that tie."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        return ordering + ["-pk"] if not {"pk", "-pk"} & set(ordering) else ordering


@extend_schema(
    summary=_("本单位的许可申请"),
    description=_("令牌所属单位已提交的许可申请（不含草稿），分页。需要权限范围 applications:read。"),
    parameters=[ApplicationFilterSerializer],
    responses={200: ApplicationSerializer(many=True), **error_responses(400, 401, 403, 404, 429)},
)
class ApplicationListView(ApiViewMixin, ListAPIView):
    required_scope = ApiScope.APPLICATIONS_READ
    serializer_class = ApplicationSerializer
    filter_backends = [StableOrderingFilter]
    ordering_fields = ["submitted_at", "due_on", "decided_at", "reference"]
    ordering = ["-submitted_at"]

    def get_queryset(self):
        queryset = services.applications_of(self.request.auth.organisation)
        filters = ApplicationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        if "state" in filters.validated_data:
            queryset = queryset.filter(state=filters.validated_data["state"])
        return queryset


@extend_schema(
    summary=_("本单位的一件许可申请"),
    description=_("按申请编号查询；其他单位的申请编号一律返回 404。需要权限范围 applications:read。"),
    responses={200: ApplicationSerializer, **error_responses(401, 403, 404, 429)},
)
class ApplicationDetailView(ApiViewMixin, RetrieveAPIView):
    required_scope = ApiScope.APPLICATIONS_READ
    serializer_class = ApplicationSerializer
    lookup_field = "reference"

    def get_queryset(self):
        return services.applications_of(self.request.auth.organisation)


@extend_schema(
    summary=_("核验许可证"),
    description=_(
        "按许可证编号（number）或持证单位统一社会信用代码（credit_code）查询，二者提供其一；"
        "返回与公开的许可证查询页相同的内容。需要权限范围 licences:verify。"
    ),
    parameters=[LicenceVerifyQuerySerializer],
    responses={200: LicenceVerifyResultSerializer, **error_responses(400, 401, 403, 429)},
)
class LicenceVerifyView(ApiViewMixin, APIView):
    required_scope = ApiScope.LICENCES_VERIFY

    def get(self, request):
        query = LicenceVerifyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        # Per token (the DRF throttle) is not enough: a new token would start afresh.
        refused = check_lookup_allowed(client_ip(request), request.auth.organisation)
        if refused is not None:
            raise exceptions.LookupLimited(refused)
        licences = find_licences(**query.validated_data)
        records = [public_record(licence) for licence in licences]
        return Response(LicenceVerifyResultSerializer({"count": len(records), "results": records}).data)


@extend_schema(
    summary=_("核验文书的电子签名"),
    description=_(
        "上传审批机关签发的许可证或决定书PDF（multipart/form-data，字段 file），返回与许可证查询页“核验文件”"
        "相同的结论：签名是否完好、签署机关及证书有效期、是否与本系统签发记录一致、许可证当前状态。"
        "文件不保存。与许可证核验共用查询次数限额。需要权限范围 licences:verify。"
    ),
    request={"multipart/form-data": DocumentVerifyRequestSerializer},
    responses={200: DocumentVerifyResultSerializer, **error_responses(400, 401, 403, 429)},
)
class DocumentVerifyView(ApiViewMixin, APIView):
    required_scope = ApiScope.LICENCES_VERIFY
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Before the body is parsed: the file stays in memory (core/memory_uploads.py).
        request._request.upload_handlers = [BoundedMemoryUploadHandler(request._request, signature_check.MAX_BYTES)]
        super().initial(request, *args, **kwargs)

    def post(self, request):
        upload = DocumentVerifyRequestSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        refused = check_lookup_allowed(client_ip(request), request.auth.organisation)
        if refused is not None:
            raise exceptions.LookupLimited(refused)
        verdict = signature_check.check_upload(upload.validated_data["file"])
        return Response(DocumentVerifyResultSerializer(verdict.as_dict()).data)


class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3 schema, for anyone (it describes the API, not anybody's data)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ApiAnonRateThrottle]

    def get_exception_handler(self):
        return exceptions.exception_handler
