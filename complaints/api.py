"""The complaints API: ``/api/v1/complaints/`` for departments, ``/api/v1/public/complaints/`` for the public.

Thin: every complaint is fetched through ``complaints.access`` (404 for what the caller may not
see: another department's complaint does not exist for it), then the caller's right to the move is
checked (403, before the body is read), the body validated (400), one service called (409 for a
move the state does not allow). The public filing needs no login, is throttled (scope ``public``),
honours ``Idempotency-Key`` and answers with the receipt number; the follow-up shows the state, the
outcome and a rejection's reason, never the contact or a clerk.
"""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from complaints import access, public, selectors, services
from complaints.models import Complaint, ComplaintAction, ComplaintEvidence, ComplaintState
from credit_platform import identifiers, permissions
from credit_platform.api.pagination import LargeTablePagination
from credit_platform.api.persons import PersonsMaskedMixin
from credit_platform.api.schema import error_responses
from credit_platform.api.serializers import ReasonSerializer, SubjectBriefSerializer, allowed_transitions
from credit_platform.api.views import PlatformReadOnlyViewSet
from credit_platform.domains import Domain, Severity
from credit_platform.models import Department
from credit_platform.public_filing import (
    UPLOAD_PARSERS,
    EvidenceFilesField,
    PublicAPIMixin,
    PublicIdentifierSerializerField,
    ReceiptSerializer,
    public_uploads,
)

TAG = ["complaints"]
PUBLIC_TAG = ["public"]


def _is_person_identifier(value: str) -> bool:
    try:
        identifiers.validate_citizen_id(value)
    except ValidationError:
        return False
    return True


# --- serializers -----------------------------------------------------------------------------------


class ComplaintEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplaintEvidence
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class ComplaintSerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True, allow_null=True, help_text=_("The registered subject, when the identifier is known."))
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True,
                                              help_text=_("The department the credit office routed it to."))
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Open and past its due date."))
    evidence = ComplaintEvidenceSerializer(many=True, read_only=True)
    removed_entries = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text=_("The red entries removed (remove_red)."))

    class Meta:
        model = Complaint
        fields = [
            "id", "receipt_number", "state", "identifier", "name", "subject", "grounds", "contact", "evidence", "department", "received_on",
            "due_on", "is_overdue", "assigned_at", "action", "note", "rejection_reason", "decided_at", "record", "proposed_entry",
            "removed_entries", "urge_count", "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The identifier and name as the reporter typed them: a person's are masked as the subject's are.
        if self.context.get("mask_persons") and _is_person_identifier(instance.identifier):
            data["identifier"] = identifiers.mask_identifier(instance.identifier)
            data["name"] = identifiers.mask_person_name(instance.name)
        return data


class ComplaintDetailSerializer(ComplaintSerializer):
    allowed_transitions = serializers.SerializerMethodField(help_text=_("Moves the caller may make now (assign, substantiate, reject)."))

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "allowed_transitions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, complaint) -> list[str]:
        return allowed_transitions(complaint, self.context["request"].user)


class AssignSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.filter(is_active=True),
                                              help_text=_("The competent department's code."))


class SubstantiateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ComplaintAction.choices, help_text=_(
        "record: a published dishonesty record; propose_black: a black-list proposal; remove_red: the subject's red entries removed."))
    note = serializers.CharField(max_length=services.NOTE_MAX_LENGTH, help_text=_("What the verification found."))
    decision_number = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                            help_text=_("The decision's number (record, propose_black); default 举报核查〔year〕id号 (never the receipt number)."))
    decided_on = serializers.DateField(required=False, allow_null=True, help_text=_("Default today."))
    severity = serializers.ChoiceField(choices=[Severity.GENERAL, Severity.SEVERE], required=False,
                                       help_text=_("record: general by default; propose_black: severe by default."))
    domain = serializers.ChoiceField(choices=Domain.choices, required=False, help_text=_("Required for propose_black."))
    basis = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text=_("Legal basis; default the note."))
    record_type = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                        help_text=_("record: a dishonesty record type's code (default complaint-substantiated)."))
    content = serializers.DictField(required=False, help_text=_("record: the fields of the record type given."))
    facts = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text=_("propose_black: default the note."))
    exit_conditions = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text=_("propose_black: required."))
    remedies = serializers.CharField(required=False, allow_blank=True, max_length=4000, help_text=_("propose_black: required."))
    list_entry = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                          help_text=_("remove_red: the one red entry to remove (default every red entry of the subject)."))


class UrgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


# --- the department API ----------------------------------------------------------------------------


class ComplaintFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ComplaintState.choices)
    overdue = filters.ChoiceFilter(choices=[("true", "true"), ("false", "false")], method="filter_overdue",
                                   help_text="true: open and past the due date; false: not overdue.")
    department = filters.CharFilter(field_name="department__code", help_text="The assigned department's code.")

    class Meta:
        model = Complaint
        fields = ["state", "overdue", "department"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=(value == "true"))


def _schema(summary, request=None, description=""):
    return extend_schema(summary=summary, description=description, tags=TAG, request=request, responses={200: ComplaintDetailSerializer})


@extend_schema_view(
    list=extend_schema(summary="Complaints: all for the credit and leadership offices, the routed ones for a department", tags=TAG),
    retrieve=extend_schema(summary="One complaint, with the moves open to the caller", tags=TAG),
)
class ComplaintViewSet(PersonsMaskedMixin, PlatformReadOnlyViewSet):
    permission_classes = [permissions.IsDepartmentMember]
    filterset_class = ComplaintFilter
    pagination_class = LargeTablePagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.complaints_list(user=self.request.user).order_by("-pk")

    def get_serializer_class(self):
        return ComplaintSerializer if self.action == "list" else ComplaintDetailSerializer

    def subjects_shown(self, obj) -> list:
        return [obj.subject]

    def _detail(self, pk) -> Response:
        complaint = access.complaint_get_for_user(user=self.request.user, complaint_id=pk, queryset=self.get_queryset())
        self.log_persons([complaint])
        return Response(ComplaintDetailSerializer(complaint, context=self.get_serializer_context()).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(kwargs["pk"])

    def _move(self, pk, allowed, message, body_serializer, service):
        complaint = access.complaint_get_for_user(user=self.request.user, complaint_id=pk)
        if not allowed(self.request.user, complaint):
            raise PermissionDenied(message)
        data = body_serializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        service(complaint=complaint, actor=self.request.user, **data.validated_data)
        return self._detail(pk)

    @_schema("Route the complaint to the competent department (credit office)", request=AssignSerializer,
           description="The department verifies and answers within 15 working days from today; it is told.")
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._move(pk, access.can_assign_complaint, _("Only the credit office routes complaints."), AssignSerializer,
                          services.complaint_assign)

    @_schema("Substantiate: a dishonesty record, a black-list proposal or the removal of a red entry", request=SubstantiateSerializer,
           description="remove_red removes the subject's red entries (reason revoked): their reward cases end and every department "
           "lifts the reward measures. All in one transaction.")
    @action(detail=True, methods=["post"])
    def substantiate(self, request, pk=None):
        return self._move(pk, access.can_decide_complaint, _("Only the assigned department verifies this complaint."), SubstantiateSerializer,
                          services.complaint_substantiate)

    @_schema("Reject, with the reason the reporter reads", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._move(pk, access.can_reject_complaint, _("Only the credit office or the assigned department rejects this complaint."),
                          ReasonSerializer, services.complaint_reject)

    @_schema("Urge an overdue complaint (督办; leadership and credit office)", request=UrgeSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        return self._move(pk, lambda user, complaint: access.can_urge_complaint(user),
                          _("Only the leadership office and the credit office can urge."), UrgeSerializer, services.complaint_urge)


# --- the public API --------------------------------------------------------------------------------


class PublicComplaintCreateSerializer(serializers.Serializer):
    identifier = PublicIdentifierSerializerField()
    name = serializers.CharField(max_length=200, help_text=_("The subject's name."))
    grounds = serializers.CharField(max_length=20000, trim_whitespace=False, help_text=_("What the subject did: when, where, how."),
                                    error_messages={"blank": _("Say what the subject did.")})
    contact = serializers.CharField(max_length=200, help_text=_("How the outcome reaches you; never shown to the subject."),
                                    error_messages={"blank": _("Give a contact so the outcome can reach you.")})
    evidence = EvidenceFilesField()

    def validate_grounds(self, grounds):
        if not grounds.strip():
            raise serializers.ValidationError(_("Say what the subject did."))
        return grounds

    def validate_evidence(self, files):
        return public_uploads(files)


class PublicComplaintSerializer(serializers.Serializer):
    """What a receipt shows (``complaints.public.public_status``): no contact, no clerk."""

    receipt_number = serializers.CharField()
    state = serializers.ChoiceField(choices=ComplaintState.choices)
    state_label = serializers.CharField()
    filed_on = serializers.DateField()
    due_on = serializers.DateField(help_text=_("Verified and answered by this date."))
    department = serializers.CharField(help_text=_("The department verifying it, once routed."))
    decided_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(help_text=_("record, propose_black or remove_red once substantiated; empty otherwise."))
    outcome_label = serializers.CharField()
    note = serializers.CharField(help_text=_("What the verification found (substantiated)."))
    rejection_reason = serializers.CharField()

    def to_representation(self, instance):
        return super().to_representation(public.public_status(instance))


class PublicComplaintCreate(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = PublicComplaintCreateSerializer
    parser_classes = UPLOAD_PARSERS

    @extend_schema(
        summary="Report a subject's dishonesty (投诉举报, public)",
        description="JSON, or multipart/form-data with evidence files. The answer is the receipt number, whether or not the "
        "subject is registered; keep it to follow the report.",
        tags=PUBLIC_TAG, auth=[], responses={201: ReceiptSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        complaint = services.complaint_file(identifier=values["identifier"], name=values["name"], grounds=values["grounds"],
                                            contact=values["contact"], files=values.get("evidence", []))
        return Response({"receipt_number": complaint.receipt_number, "state": complaint.state}, status=status.HTTP_201_CREATED)


class PublicComplaintDetail(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = PublicComplaintSerializer

    @extend_schema(summary="Follow a report by its receipt number (public)", tags=PUBLIC_TAG, auth=[],
                   responses={200: PublicComplaintSerializer, **error_responses(404)})
    def get(self, request, receipt_number, *args, **kwargs):
        complaint = public.complaint_by_receipt(receipt_number)
        if complaint is None:
            raise Http404
        return Response(self.get_serializer(complaint).data)


__all__ = ["ComplaintViewSet", "PublicComplaintCreate", "PublicComplaintDetail"]
