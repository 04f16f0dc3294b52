"""The credit check API (应查必查): ``GET /credit-check/?identifier=&purpose=`` and
``POST /credit-check/{assignment_id}/feedback/``. Thin: checks.credit_check decides."""
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from checks import credit_check
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


@extend_schema(
    summary="Check a subject's credit before an approval, procurement, grant or tender",
    description="The subject's lists, and the measures the caller's own department must apply now. "
    "Measures held by an objection are listed under held_measures and must not be applied. "
    "Looking up a natural person is logged with the purpose.",
    tags=TAG,
    parameters=[
        OpenApiParameter("identifier", str, required=True, description="Unified social credit code or citizen ID; case and spaces ignored."),
        OpenApiParameter("purpose", str, description="Why the subject is checked (the approval, procurement, grant or tender); logged for persons."),
    ],
    responses={200: CreditCheckSerializer, **error_responses(400, 401, 403, 404)},
)
class CreditCheckView(PlatformAPIMixin, generics.GenericAPIView):
    serializer_class = CreditCheckSerializer

    def get(self, request, *args, **kwargs):
        identifier = request.query_params.get("identifier", "")
        if not identifier.strip():
            raise ValidationError({"identifier": [_("Give the unified social credit code or citizen ID to check.")]})
        subject = credit_check.subject_by_identifier(identifier)
        if subject is None:
            raise NotFound(_("No subject is registered with this identifier."))
        result = credit_check.credit_check(user=request.user, subject=subject, purpose=request.query_params.get("purpose", "")[:500])
        return Response(CreditCheckSerializer(result).data)


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


__all__ = ["CreditCheckFeedbackView", "CreditCheckView"]
