"""The credit check API (应查必查): ``GET /credit-check/?identifier=&purpose=&business_reference=``
(logged: ``check_id``), ``POST /credit-check/batch/``, ``POST /credit-check/{check_id}/feedback/`` (the hit
of a check was used) and ``POST /credit-check/{assignment_id}/feedback/`` (a hit recorded on the
department's own push). Thin: checks.credit_check decides."""
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from checks import credit_check
from credit_platform import identifiers
from credit_platform.api.schema import error_responses
from credit_platform.api.views import PlatformAPIMixin
from credit_platform.domains import Domain, ListType, Severity
from lists.models import EntryState
from records.models import CommitmentKind, RecordKind
from sanctions import access
from sanctions.serializers import FeedbackSerializer, MeasureFeedbackSerializer
from sanctions.models import Assignment, AssignmentState, CaseState, Category

TAG = ["credit check"]


class CheckedSubjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    identifier = serializers.CharField()
    kind = serializers.CharField()


class CheckedEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    list_type = serializers.ChoiceField(choices=ListType.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, allow_blank=True, help_text=gettext_lazy("Empty for a red entry (no dishonesty)."))
    domain = serializers.ChoiceField(choices=Domain.choices)
    decision_number = serializers.CharField()
    decided_on = serializers.DateField()
    publication_ends_on = serializers.DateField(allow_null=True, help_text=gettext_lazy("Null for a red entry."))
    valid_until = serializers.DateField(allow_null=True, help_text=gettext_lazy("A red entry's validity; null for other entries."))
    state = serializers.ChoiceField(choices=EntryState.choices)
    under_verification = serializers.SerializerMethodField(help_text=gettext_lazy("True while an objection to the entry is verified."))

    def get_under_verification(self, entry) -> bool:
        return entry.state == EntryState.SUSPENDED


class MeasureDueSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(source="assignment.pk")
    assignment_state = serializers.ChoiceField(source="assignment.state", choices=AssignmentState.choices)
    target_role = serializers.CharField(source="assignment.target_role", help_text=gettext_lazy("Empty when the subject is the case's own subject."))
    case = serializers.IntegerField(source="case.pk")
    case_number = serializers.CharField(source="case.number")
    case_state = serializers.ChoiceField(source="case.state", choices=CaseState.choices)
    period_end = serializers.DateField(help_text=gettext_lazy("The measures apply until this day (the case period's end)."))
    measure = serializers.IntegerField(source="measure.pk")
    measure_code = serializers.CharField(source="measure.code")
    measure_name = serializers.CharField(source="measure.name")
    measure_name_en = serializers.CharField(source="measure.name_en")
    category = serializers.ChoiceField(source="measure.category", choices=Category.choices)
    legal_basis = serializers.CharField(source="measure.legal_basis")
    note = serializers.CharField()


class CheckedRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record_type = serializers.CharField(source="record_type.code", help_text=gettext_lazy("The record type's code."))
    record_type_name = serializers.CharField(source="record_type.name")
    kind = serializers.ChoiceField(source="record_type.kind", choices=RecordKind.choices)
    department = serializers.CharField(source="department.code", help_text=gettext_lazy("The providing department's code."))
    decision_number = serializers.CharField()
    decided_on = serializers.DateField()
    severity = serializers.ChoiceField(choices=Severity.choices, allow_blank=True)
    domain = serializers.ChoiceField(choices=Domain.choices, allow_blank=True)
    publication_ends_on = serializers.DateField(allow_null=True)


class CheckedCommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    matter = serializers.CharField()
    department = serializers.CharField(source="department.code", help_text=gettext_lazy("The accepting department's code."))
    breached_on = serializers.DateField(allow_null=True)
    breach_reason = serializers.CharField()


class CreditCheckSerializer(serializers.Serializer):
    check_id = serializers.UUIDField(allow_null=True, help_text=gettext_lazy("This check in the log: feed back its hit at /credit-check/{check_id}/feedback/."))
    subject = CheckedSubjectSerializer()
    watch_flagged = serializers.BooleanField(source="subject.is_watch_flagged", help_text=gettext_lazy("Watch lists in several domains."))
    entries = CheckedEntrySerializer(many=True, help_text=gettext_lazy("List entries published, or suspended while an objection is verified."))
    measures_to_apply = MeasureDueSerializer(many=True, help_text=gettext_lazy("The caller's department's measures to apply now."))
    held_measures = MeasureDueSerializer(
        many=True, help_text=gettext_lazy("The caller's department's measures held by an objection: not to be applied while it is verified."),
    )
    records = CheckedRecordSerializer(source="standing.records", many=True,
                                      help_text=gettext_lazy("Published penalty and dishonesty records the caller may see."))
    commitments_breached = CheckedCommitmentSerializer(source="standing.commitments_breached", many=True,
                                                       help_text=gettext_lazy("Breached credit commitments the caller may see."))
    clean_since = serializers.DateField(
        source="standing.clean_since", allow_null=True,
        help_text=gettext_lazy("The day after the last black entry, general or severe penalty or breached commitment ended; "
                               "null while one is live or when there was none."),
    )
    green_channel = serializers.BooleanField(
        source="standing.green_channel",
        help_text=gettext_lazy("容缺受理 / 绿色通道: 3 years without black entry, general or severe penalty or breached commitment; "
                               "red-listed subjects with nothing live qualify at once."),
    )


PURPOSE_PARAMETER = OpenApiParameter(
    "purpose", str, description="Why the subject is checked (the approval, procurement, grant or tender); required for natural persons.",
)
REFERENCE_PARAMETER = OpenApiParameter("business_reference", str, description="The file number of the approval, procurement, grant or tender.")


@extend_schema(
    summary="Check a subject's credit before an approval, procurement, grant or tender",
    description="The subject's lists, records, breached commitments, green channel, and the measures the caller's own "
    "department must apply now. Measures held by an objection are listed under held_measures and must not be applied. "
    "Every check is logged (check_id); a natural person needs the purpose.",
    tags=TAG,
    parameters=[
        OpenApiParameter("identifier", str, required=True, description="Unified social credit code or citizen ID; case and spaces ignored."),
        PURPOSE_PARAMETER, REFERENCE_PARAMETER,
    ],
    responses={200: CreditCheckSerializer, **error_responses(400, 401, 403, 404)},
)
class CreditCheckView(PlatformAPIMixin, generics.GenericAPIView):
    serializer_class = CreditCheckSerializer

    def get(self, request, *args, **kwargs):
        identifier = request.query_params.get("identifier", "")
        if not identifier.strip():
            raise ValidationError({"identifier": [_("Give the unified social credit code or citizen ID to check.")]})
        result = credit_check.credit_check_run(
            actor=request.user, identifier=identifier, purpose=request.query_params.get("purpose", ""),
            business_reference=request.query_params.get("business_reference", ""),
        )
        if result is None and not credit_check.is_well_formed(identifiers.normalise_typed(identifier)):
            # As the batch answers ``invalid``: a typing error is not "not registered" (which clears a bidder).
            raise ValidationError({"identifier": [_("Not a valid unified social credit code or citizen ID.")]})
        if result is None:
            raise NotFound(_("No subject is registered with this identifier."))
        return Response(CreditCheckSerializer(result).data)


class BatchRequestSerializer(serializers.Serializer):
    identifiers = serializers.ListField(
        child=serializers.CharField(max_length=64, allow_blank=True, trim_whitespace=False), min_length=1,
        max_length=credit_check.BATCH_MAX, help_text=gettext_lazy("Unified social credit codes (up to 1,000), answered in this order."),
    )
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=credit_check.PURPOSE_MAX_LENGTH)
    business_reference = serializers.CharField(required=False, allow_blank=True, max_length=credit_check.REFERENCE_MAX_LENGTH)


class BatchErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["invalid", "not_found", "person"], source="error_code")
    detail = serializers.CharField(source="error")


class BatchItemSerializer(serializers.Serializer):
    identifier = serializers.CharField(help_text=gettext_lazy("As given."))
    result = CreditCheckSerializer(allow_null=True, help_text=gettext_lazy("The check's answer; null with an error."))
    error = serializers.SerializerMethodField()

    @extend_schema_field(BatchErrorSerializer(allow_null=True))
    def get_error(self, item):
        return BatchErrorSerializer(item).data if item.error_code else None


class BatchResponseSerializer(serializers.Serializer):
    results = BatchItemSerializer(many=True)


@extend_schema(
    summary="Check up to 1,000 subjects at once (a tender's bidders)",
    description="Results in the order of the identifiers, each with its answer or its error: invalid (not a valid code or ID), "
    "not_found (no subject registered), person (natural persons are checked one at a time, with the purpose). "
    "Every valid identifier is logged.",
    tags=TAG,
    request=BatchRequestSerializer,
    responses={200: BatchResponseSerializer, **error_responses(400, 401, 403)},
)
class CreditCheckBatchView(PlatformAPIMixin, generics.GenericAPIView):
    serializer_class = BatchRequestSerializer

    def post(self, request, *args, **kwargs):
        data = BatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = credit_check.credit_check_batch(
            actor=request.user, identifiers_given=data.validated_data["identifiers"], purpose=data.validated_data.get("purpose", ""),
            business_reference=data.validated_data.get("business_reference", ""),
        )
        return Response({"results": BatchItemSerializer(items, many=True).data})


class HitFeedbackRequestSerializer(serializers.Serializer):
    measure_applied = serializers.BooleanField(help_text=gettext_lazy("Whether the hit was acted upon (a bid refused, a permit held back)."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=credit_check.FEEDBACK_NOTE_MAX_LENGTH)


class HitFeedbackSerializer(serializers.Serializer):
    check_id = serializers.UUIDField(source="pk")
    business_reference = serializers.CharField()
    measure_applied = serializers.BooleanField()
    note = serializers.CharField(source="feedback_note")
    fed_back_at = serializers.DateTimeField()


class CreditCheckHitFeedbackView(PlatformAPIMixin, generics.GenericAPIView):
    serializer_class = HitFeedbackRequestSerializer

    @extend_schema(
        summary="Feed back what was done with the hit of one check",
        operation_id="v1_credit_check_hit_feedback_create",
        description="Only the checking department (others: 404); once per check; 409 for a check without a hit or already fed back.",
        tags=TAG,
        parameters=[OpenApiParameter("check_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The check_id of the check's answer.")],
        request=HitFeedbackRequestSerializer,
        responses={201: HitFeedbackSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def post(self, request, check_id, *args, **kwargs):
        check = credit_check.check_log_get_for_user(user=request.user, check_id=check_id)
        data = HitFeedbackRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = credit_check.credit_check_hit_fed_back(
            check=check, actor=request.user, measure_applied=data.validated_data["measure_applied"], note=data.validated_data.get("note", ""),
        )
        return Response(HitFeedbackSerializer(check).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Feed back a hit of the credit check (a bid refused, a permit held back)",
    description="Recorded on the caller's own push, once it is fed back, with source credit_check. "
    "409 before the first feedback and while an objection holds the case.",
    tags=TAG,
    parameters=[OpenApiParameter("assignment_id", int, OpenApiParameter.PATH, description="The id of the caller's own push.")],
    request=FeedbackSerializer,
    responses={201: MeasureFeedbackSerializer(many=True), **error_responses(400, 401, 403, 404, 409)},
)
class CreditCheckFeedbackView(PlatformAPIMixin, generics.GenericAPIView):
    serializer_class = FeedbackSerializer
    queryset = Assignment.objects.none()  # for the schema only: sanctions.access fetches the push

    def post(self, request, assignment_id, *args, **kwargs):
        assignment = access.assignment_get_for_user(user=request.user, assignment_id=assignment_id)
        if not access.can_work_assignment(request.user, assignment):
            raise Http404("No such assignment.")
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        records = credit_check.credit_check_feedback(assignment=assignment, actor=request.user, items=data.feedback_items())
        return Response(MeasureFeedbackSerializer(records, many=True).data, status=status.HTTP_201_CREATED)


__all__ = ["CreditCheckBatchView", "CreditCheckFeedbackView", "CreditCheckHitFeedbackView", "CreditCheckView"]
