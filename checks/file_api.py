"""``GET /api/v1/subjects/{id}/credit-file/``: the subject's credit file as the caller may see it.
Thin: ``checks.credit_file`` decides what is shown."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from checks import credit_file
from credit_platform.api.schema import error_responses
from credit_platform.api.serializers import SubjectDetailSerializer
from credit_platform.api.views import PlatformAPIMixin
from credit_platform.domains import Domain, ListType, Severity
from credit_platform.selectors import REASON_MAX_LENGTH
from lists.models import EntryState
from records.models import Commitment, CommitmentKind, CommitmentState, RecordKind, RecordState
from sanctions.models import CaseState, MeasureKind


class FileRecordSerializer(serializers.ModelSerializer):
    record_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    record_type_name = serializers.CharField(source="record_type.name", read_only=True)
    kind = serializers.ChoiceField(source="record_type.kind", choices=RecordKind.choices, read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state = serializers.ChoiceField(choices=RecordState.choices, read_only=True)

    class Meta:
        model = credit_file.CreditRecord
        fields = [
            "id", "record_type", "record_type_name", "kind", "department", "decision_number", "decided_on", "severity",
            "domain", "basis", "content", "valid_until", "state", "published_on", "publication_ends_on", "removal_reason",
            "source_region",
        ]
        read_only_fields = fields


class FileRecordsByKindSerializer(serializers.Serializer):
    licensing = FileRecordSerializer(many=True)
    penalty = FileRecordSerializer(many=True)
    honour = FileRecordSerializer(many=True)
    dishonesty = FileRecordSerializer(many=True)
    commitment = FileRecordSerializer(many=True, help_text=_("The catalogue's commitment records (e.g. imported)."))

    def to_representation(self, instance):
        return {kind: FileRecordSerializer(rows, many=True).data for kind, _label, rows in instance.record_sections}


class FileEntrySerializer(serializers.ModelSerializer):
    list_type = serializers.ChoiceField(choices=ListType.choices, read_only=True)
    severity = serializers.ChoiceField(choices=Severity.choices, read_only=True, allow_blank=True)
    domain = serializers.ChoiceField(choices=Domain.choices, read_only=True)
    state = serializers.ChoiceField(choices=EntryState.choices, read_only=True)
    identifying_department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = credit_file.ListEntry
        fields = [
            "id", "list_type", "severity", "domain", "basis", "decision_number", "decided_on", "identifying_department",
            "state", "publication_ends_on", "repair_possible_from", "removal_reason", "source_region",
        ]
        read_only_fields = fields


class FileCaseSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=MeasureKind.choices, read_only=True)
    state = serializers.ChoiceField(choices=CaseState.choices, read_only=True)
    memorandum = serializers.SlugRelatedField(slug_field="code", read_only=True)
    initiating_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    list_entry = serializers.IntegerField(source="list_entry_id", read_only=True, allow_null=True)

    class Meta:
        model = credit_file.JointCase
        fields = [
            "id", "number", "kind", "state", "memorandum", "initiating_department", "list_entry", "period_start", "period_end",
        ]
        read_only_fields = fields


class FileCommitmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=CommitmentKind.choices, read_only=True)
    state = serializers.ChoiceField(choices=CommitmentState.choices, read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The accepting department's code."))

    class Meta:
        model = Commitment
        fields = [
            "id", "kind", "matter", "business_reference", "promised", "due_on", "department", "public", "state",
            "breached_on", "breach_reason", "breach_record",
        ]
        read_only_fields = fields


class CreditFileSerializer(serializers.Serializer):
    subject = serializers.SerializerMethodField()
    basic = FileRecordSerializer(many=True, help_text=_("Basic information records (registration and the like)."))
    records = serializers.SerializerMethodField(help_text=_("The other credit records, by kind."))
    list_entries = FileEntrySerializer(many=True)
    cases = FileCaseSerializer(many=True)
    commitments = FileCommitmentSerializer(many=True, help_text=_("Credit commitments (信用承诺) the caller may see."))

    @extend_schema_field(SubjectDetailSerializer)
    def get_subject(self, result):
        context = {**self.context, "mask_persons": not result.reason_given}
        return SubjectDetailSerializer(result.subject, context=context).data

    @extend_schema_field(FileRecordsByKindSerializer)
    def get_records(self, result):
        return FileRecordsByKindSerializer(result).data


@extend_schema(
    summary="A subject's credit file (信用档案)",
    description="Basic information, records by kind, list entries, cases and commitments: what the caller's "
    "department may see of each. A natural person's file needs a reason and the look-up is logged; "
    "an organisation's responsible persons are masked without one.",
    tags=["subjects"],
    parameters=[
        OpenApiParameter("subject_id", int, OpenApiParameter.PATH),
        OpenApiParameter("reason", str, description="Why the file is read: required for natural persons, logged."),
    ],
    responses={200: CreditFileSerializer, **error_responses(400, 401, 403, 404)},
)
class CreditFileView(PlatformAPIMixin, generics.GenericAPIView):
    serializer_class = CreditFileSerializer

    def get(self, request, subject_id, *args, **kwargs):
        reason = request.query_params.get("reason", "").strip()[:REASON_MAX_LENGTH]
        result = credit_file.credit_file(user=request.user, subject_id=subject_id, reason=reason)
        return Response(CreditFileSerializer(result, context=self.get_serializer_context()).data)


__all__ = ["CreditFileView"]
