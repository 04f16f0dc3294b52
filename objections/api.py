"""The objections API: ``/api/v1/objections/`` for departments, ``/api/v1/public/objections/`` for the public.

Thin: every objection is fetched through ``objections.access`` (404 for what the caller may not see),
every list starts from the access-scoped selector, every move calls one service; deciding needs the
information provider or the credit office (403, checked before the input), the state decides what is
open (409). The public endpoints need no login, are throttled (scope ``public``) and answer with the
receipt number; the receipt shows the state and the decision, nothing else of anyone.
"""
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from credit_platform import permissions
from credit_platform.api.decided import DepartmentDecidedViewSet
from credit_platform.api.filters import IdFilter
from credit_platform.api.schema import error_responses
from credit_platform.api.serializers import ReasonSerializer, SubjectBriefSerializer, allowed_transitions
from credit_platform.public_filing import (
    UPLOAD_PARSERS,
    EvidenceFilesField,
    PublicAPIMixin,
    PublicIdentifierSerializerField,
    PublicTargetSerializerField,
    ReceiptSerializer,
    public_uploads,
)
from lists.access import entries_for_user
from lists.models import ListEntry
from objections import access, public, selectors, services
from objections.models import Decision, Evidence, Objection, ObjectionState
from records.access import records_for_user
from records.models import CreditRecord
from sanctions.access import cases_for_user
from sanctions.models import JointCase

TAG = ["objections"]
PUBLIC_TAG = ["public"]


# --- serializers -----------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class TargetEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ListEntry
        fields = ["id", "list_type", "severity", "domain", "decision_number", "decided_on", "state"]
        read_only_fields = fields


class TargetCaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = JointCase
        fields = ["id", "number", "kind", "state"]
        read_only_fields = fields


class TargetRecordSerializer(serializers.ModelSerializer):
    record_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CreditRecord
        fields = ["id", "record_type", "severity", "decision_number", "decided_on", "state"]
        read_only_fields = fields


class ObjectionSerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True)
    list_entry = TargetEntrySerializer(read_only=True, allow_null=True)
    case = TargetCaseSerializer(read_only=True, allow_null=True)
    record = TargetRecordSerializer(read_only=True, allow_null=True)
    provider_department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The information provider's code: it decides."))
    filing_department = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("The department that filed it; null when the subject filed it."),
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Past the accept or the verify due date."))
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id", "receipt_number", "channel", "state", "subject", "list_entry", "case", "record", "provider_department", "filing_department",
            "applicant_name", "contact", "grounds", "evidence", "accept_due", "verify_due", "is_overdue", "extended", "extension_reason",
            "refusal_reason", "decision", "decision_reason", "corrections", "accepted_at", "decided_at", "created_at",
        ]
        read_only_fields = fields


class ObjectionDetailSerializer(ObjectionSerializer):
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("Decisions the caller may take now (accept, refuse, extend, uphold, dismiss).")
    )

    class Meta(ObjectionSerializer.Meta):
        fields = [*ObjectionSerializer.Meta.fields, "allowed_transitions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, objection) -> list[str]:
        return allowed_transitions(objection, self.context["request"].user)


class ObjectionCreateSerializer(serializers.Serializer):
    list_entry = serializers.PrimaryKeyRelatedField(
        queryset=ListEntry.objects.none(), required=False, allow_null=True, help_text=_("The disputed list entry's id."),
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=JointCase.objects.none(), required=False, allow_null=True, help_text=_("The disputed case's id."),
    )
    record = serializers.PrimaryKeyRelatedField(
        queryset=CreditRecord.objects.none(), required=False, allow_null=True,
        help_text=_("The disputed credit record's id (alone: no list entry, no case)."),
    )
    # Blank values reach the service, which answers with the field's own message.
    grounds = serializers.CharField(allow_blank=True, max_length=20000, trim_whitespace=False, help_text=_("What is wrong in the record, and why."))
    contact = serializers.CharField(allow_blank=True, max_length=200, help_text=_("Who to answer, and how."))
    evidence = EvidenceFilesField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # What the caller may not see does not exist for it: "Invalid pk".
            self.fields["list_entry"].queryset = entries_for_user(request.user)
            self.fields["case"].queryset = cases_for_user(request.user)
            self.fields["record"].queryset = records_for_user(request.user).select_related("subject", "department")


class UpholdSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Decision.REVOKE, Decision.CORRECT], help_text=_("revoke: the record goes; correct: it is corrected."))
    corrections = serializers.DictField(
        required=False, default=dict,
        help_text=_("For correct: the corrected fields (basis, decision_number, decided_on, severity, domain; valid_until for a red entry)."),
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


# --- the department API ----------------------------------------------------------------------------


class ObjectionFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=ObjectionState.choices)
    # A choice rather than a BooleanFilter, which silently ignores a value it cannot read.
    overdue = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_overdue",
        help_text="true: past the accept or verify due date; false: not overdue.",
    )
    department = filters.CharFilter(field_name="provider_department__code", help_text="The information provider's code.")
    filing_department = filters.CharFilter(field_name="filing_department__code", help_text="The filing department's code.")
    channel = filters.ChoiceFilter(choices=Objection.Channel.choices)
    # Numbers, not model choices: an unknown and an invisible target both answer an empty list.
    list_entry = IdFilter(field_name="list_entry_id", help_text="The disputed list entry's id.")
    case = IdFilter(field_name="case_id", help_text="The disputed case's id.")
    record = IdFilter(field_name="record_id", help_text="The disputed credit record's id.")

    class Meta:
        model = Objection
        fields = ["state", "overdue", "department", "filing_department", "channel", "list_entry", "case", "record"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=(value == "true"))


class ObjectionPermissions(permissions.IsDepartmentMember):
    """Reading needs a department (the queryset decides what it sees); filing needs a working
    department (the leadership office supervises and files nothing)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return access.can_file_objection(request.user)
        return True


def _transition(summary, request=None, description=""):
    return extend_schema(summary=summary, description=description, tags=TAG, request=request, responses={200: ObjectionDetailSerializer})


@extend_schema_view(
    list=extend_schema(summary="Objections the caller's department verifies or filed", tags=TAG),
    retrieve=extend_schema(summary="One objection, with the decisions open to the caller", tags=TAG),
    create=extend_schema(
        summary="File a department objection to a list entry or a case the caller can see",
        description="JSON, or multipart/form-data with evidence files.",
        tags=TAG, request=ObjectionCreateSerializer, responses={201: ObjectionDetailSerializer},
    ),
)
class ObjectionViewSet(DepartmentDecidedViewSet):
    permission_classes = [ObjectionPermissions]
    filterset_class = ObjectionFilter
    parser_classes = UPLOAD_PARSERS
    serializer_class = ObjectionSerializer
    list_serializer_class = ObjectionSerializer
    detail_serializer_class = ObjectionDetailSerializer
    create_serializer_class = ObjectionCreateSerializer
    service_argument = "objection"
    not_decider_message = _("Only the information provider decides this objection.")

    def get_queryset(self):
        return selectors.objections_list(user=self.request.user)

    def get_for_user(self, pk, queryset=None):
        return access.objection_get_for_user(user=self.request.user, objection_id=pk, queryset=queryset)

    def can_decide(self, objection) -> bool:
        return access.can_decide_objection(self.request.user, objection)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry, case, record = (data.validated_data.get(name) for name in ("list_entry", "case", "record"))
        target = entry or case or record
        objection = services.objection_file(
            subject=target.subject if target is not None else None, list_entry=entry, case=case, record=record,
            grounds=data.validated_data["grounds"], contact=data.validated_data["contact"],
            files=data.validated_data.get("evidence", []), actor=request.user, channel=Objection.Channel.DEPARTMENT,
        )
        return self._detail(objection.pk, status.HTTP_201_CREATED)

    @_transition("Accept: the record is verified and its measures are held (暂不执行)",
                 description="Suspends the disputed list entry, its live cases and every live push; the departments are told.")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._decide(pk, services.objection_accept)

    @_transition("Refuse the objection, with the reason the applicant sees", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decide(pk, services.objection_refuse, ReasonSerializer)

    @_transition("Extend the verification once, with a reason", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._decide(pk, services.objection_extend, ReasonSerializer)

    @_transition(
        "Uphold: the record was wrong; revoke or correct it", request=UpholdSerializer,
        description="revoke: the entry leaves the list, its cases are revoked and every push goes to lifting; "
        "correct: the fields are corrected (old values kept in the audit trail) and the measures resume.",
    )
    @action(detail=True, methods=["post"])
    def uphold(self, request, pk=None):
        return self._decide(pk, services.objection_uphold, UpholdSerializer)

    @_transition("Dismiss: the record was right; the measures resume with their due dates moved", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        return self._decide(pk, services.objection_dismiss, ReasonSerializer)


# --- the public API --------------------------------------------------------------------------------


class PublicObjectionCreateSerializer(serializers.Serializer):
    """The filing, checked in full before the subject and the record are looked up (so no error
    tells a match from a mismatch); the service checks again."""

    target = PublicTargetSerializerField(
        help_text=_("What is disputed: list_entry (default; or a case by case_number) or record (a 双公示 record, by decision_number)."),
    )
    identifier = PublicIdentifierSerializerField()
    name = serializers.CharField(max_length=200, help_text=_("The subject's name, as registered."))
    decision_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text=_("Decision number of the disputed list entry or record."),
    )
    case_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text=_("Number of the disputed joint case (LJ-...)."),
    )
    grounds = serializers.CharField(
        max_length=20000, trim_whitespace=False, error_messages={"blank": _("State the grounds of the objection.")},
    )
    contact = serializers.CharField(
        max_length=200, help_text=_("How the decision reaches you."),
        error_messages={"blank": _("Give a contact so the decision can reach you.")},
    )
    evidence = EvidenceFilesField()

    def validate_grounds(self, grounds):
        if not grounds.strip():
            raise serializers.ValidationError(_("State the grounds of the objection."))
        return grounds

    def validate_evidence(self, files):
        return public_uploads(files)

    def validate(self, attrs):
        if not attrs["decision_number"].strip() and not attrs["case_number"].strip():
            raise serializers.ValidationError(
                {"decision_number": [_("Give the decision number of the list entry or the case number you dispute.")]}
            )
        return attrs


class PublicObjectionSerializer(serializers.Serializer):
    """What a receipt shows (``objections.public.public_status``): no contact, no other subject, no clerk."""

    receipt_number = serializers.CharField()
    state = serializers.ChoiceField(choices=ObjectionState.choices)
    state_label = serializers.CharField()
    filed_on = serializers.DateField()
    provider_department = serializers.CharField(help_text=_("The department that verifies the record."))
    decision_number = serializers.CharField(help_text=_("Decision number of the disputed list entry or record, if any."))
    case_number = serializers.CharField(help_text=_("Number of the disputed case, if any."))
    accept_due = serializers.DateField(help_text=_("Accepted or refused by this date."))
    accepted_on = serializers.DateField(allow_null=True)
    verify_due = serializers.DateField(allow_null=True, help_text=_("Verified and decided by this date."))
    extended = serializers.BooleanField()
    extension_reason = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    decision = serializers.CharField(help_text=_("revoke, correct or dismiss; empty until decided."))
    decision_label = serializers.CharField()
    decision_reason = serializers.CharField()
    refusal_reason = serializers.CharField()

    def to_representation(self, instance):
        return super().to_representation(public.public_status(instance))


class PublicObjectionCreate(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = PublicObjectionCreateSerializer
    parser_classes = UPLOAD_PARSERS

    @extend_schema(
        summary="File an objection as the subject (public)",
        description="Name the subject (identifier and name) and the disputed record: target list_entry (default) with "
        "the decision_number of a list entry, or case_number; target record with the decision_number of a record the public "
        "双公示 query shows. JSON, or multipart/form-data with evidence files. Any mismatch (an unknown identifier, a name "
        "that is not the subject's, an unknown number, a record that is not on the public list) is one and the same 400 "
        "{non_field_errors}, whatever did not match; a malformed identifier is a 400 on identifier.",
        tags=PUBLIC_TAG, auth=[], responses={201: ReceiptSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        target = services.public_objection_filing(
            target=values["target"], identifier=values["identifier"], name=values["name"], decision_number=values["decision_number"],
            case_number=values["case_number"],
        )
        objection = services.objection_file(
            **target, grounds=values["grounds"], contact=values["contact"],
            applicant_name=values["name"], files=values.get("evidence", []), channel=Objection.Channel.PUBLIC,
        )
        return Response({"receipt_number": objection.receipt_number, "state": objection.state}, status=status.HTTP_201_CREATED)


class PublicObjectionDetail(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = PublicObjectionSerializer

    @extend_schema(
        summary="Follow an objection by its receipt number (public)", tags=PUBLIC_TAG, auth=[],
        responses={200: PublicObjectionSerializer, **error_responses(404)},
    )
    def get(self, request, receipt_number, *args, **kwargs):
        objection = public.objection_by_receipt(receipt_number)
        if objection is None:
            raise Http404
        return Response(self.get_serializer(objection).data)


__all__ = ["ObjectionViewSet", "PublicObjectionCreate", "PublicObjectionDetail"]
