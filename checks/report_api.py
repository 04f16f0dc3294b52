"""The credit report API: ``POST /credit-reports/``, ``GET /credit-reports/{number}/pdf/`` and the
public ``GET /public/credit-reports/verify/?number=&code=``. Thin: ``checks.reports`` decides."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from checks import reports
from checks.report_models import CreditReport, ReportChannel
from credit_platform import identifiers, pdf
from credit_platform.api.schema import PlatformAutoSchema, error_responses
from credit_platform.api.views import PlatformAPIMixin
from credit_platform.models import Subject
from credit_platform.selectors import subjects_by_identifier, subjects_shown_to_user

TAG = ["credit reports"]


class CreditReportCreateSerializer(serializers.Serializer):
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Subject.objects.none(), required=False,
        help_text=_("The subject's id: an organisation, or a person the department has work about. Or give identifier."),
    )
    identifier = serializers.CharField(
        max_length=40, required=False, allow_blank=False,
        help_text=_("The subject's exact USCC or citizen ID (any person, with consent_reference): instead of subject."),
    )
    purpose = serializers.CharField(max_length=300, help_text=_("What the report is for (the tender, grant or approval)."))
    business_reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    consent_reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text=_("The reference of the person's written consent: required for a natural person."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Need-to-know: by id, a department reaches only the persons it has work about (counting
            # through ids finds nobody else); any other person only by his exact identifier.
            self.fields["subject"].queryset = subjects_shown_to_user(request.user, with_persons=True)

    def validate(self, attrs):
        identifier = attrs.pop("identifier", None)
        if identifier and attrs.get("subject") is not None:
            raise serializers.ValidationError({"identifier": [_("Give subject or identifier, not both.")]})
        if identifier:
            attrs["subject"] = subjects_by_identifier(identifiers.normalise_typed(identifier)).first()
            if attrs["subject"] is None:
                raise serializers.ValidationError({"identifier": [_("No subject is registered with this identifier.")]})
        elif attrs.get("subject") is None:
            raise serializers.ValidationError({"subject": [_("Give subject or identifier.")]})
        return attrs


class CreditReportIssuedSerializer(serializers.ModelSerializer):
    pdf = serializers.SerializerMethodField(help_text=_("Where the issuing department downloads the PDF."))

    class Meta:
        model = CreditReport
        fields = ["number", "verification_code", "issued_at", "pdf"]
        read_only_fields = fields

    def get_pdf(self, report) -> str:
        url = reverse("api:credit-report-pdf", args=[report.number])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


@extend_schema(
    summary="Issue a credit report (信用报告) of a subject",
    description="The credit office, and any department for its own approvals. A natural person's report needs "
    "consent_reference (his written consent). The report states the subject's file on the day of issue.",
    tags=TAG,
    request=CreditReportCreateSerializer,
    responses={201: CreditReportIssuedSerializer, **error_responses(400, 401, 403)},
)
class CreditReportCreateView(PlatformAPIMixin, generics.GenericAPIView):
    serializer_class = CreditReportCreateSerializer

    def post(self, request, *args, **kwargs):
        data = CreditReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        report = reports.credit_report_issue(actor=request.user, channel=ReportChannel.API, **data.validated_data)
        return Response(CreditReportIssuedSerializer(report, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="A credit report as PDF (in Chinese)",
    description="Only the issuing department and the credit office; 404 for anyone else.",
    tags=TAG,
    parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH, description="The report number (XYBG-…).")],
    responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The report."), **error_responses(401, 403, 404)},
)
class CreditReportPdfView(PlatformAPIMixin, generics.GenericAPIView):
    queryset = CreditReport.objects.none()  # for the schema only: checks.reports fetches the report

    def get(self, request, number, *args, **kwargs):
        report = reports.report_get_for_user(user=request.user, number=number)
        return pdf.pdf_response(reports.report_pdf(report, verify_url=reports.verify_url(request)), reports.report_filename(report))


class ReportVerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    subject_name = serializers.CharField(allow_null=True, help_text=_("A natural person's family name only; null when not valid."))
    issued_at = serializers.DateTimeField(allow_null=True)
    issued_by = serializers.CharField(allow_null=True, help_text=_("The issuing department's name."))


def verification(report) -> dict:
    """The public answer: who and when for a genuine report, nothing but ``valid: false`` otherwise."""
    if report is None:
        return {"valid": False, "subject_name": None, "issued_at": None, "issued_by": None}
    return {"valid": True, "subject_name": reports.public_subject_name(report), "issued_at": report.issued_at,
            "issued_by": report.issued_by.name}


@extend_schema(
    summary="Verify a credit report (public)",
    description="Whether a report with this number and verification code was issued; a wrong pair answers valid false and nothing else.",
    tags=["public"],
    auth=[],
    parameters=[OpenApiParameter("number", str, required=True), OpenApiParameter("code", str, required=True)],
    responses={200: ReportVerificationSerializer, **error_responses(429)},
)
class PublicReportVerifyView(generics.GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    schema = PlatformAutoSchema()
    serializer_class = ReportVerificationSerializer

    def get(self, request, *args, **kwargs):
        report = reports.report_verify(number=request.query_params.get("number", ""), code=request.query_params.get("code", ""))
        return Response(ReportVerificationSerializer(verification(report)).data)


__all__ = ["CreditReportCreateView", "CreditReportPdfView", "PublicReportVerifyView"]
