"""The objections API: ``/api/v1/objections/`` for departments, ``/api/v1/public/objections/`` for the public.

Thin: every objection is fetched through ``objections.access`` (404 for what the caller may not see),
every list starts from the access-scoped selector, every move calls one service; deciding needs the
information provider or the credit office (403, checked before the input), the state decides what is
open (409). The public endpoints need no login, are throttled (scope ``public``) and answer with the
receipt number; the receipt shows the state and the decision, nothing else of anyone.
"""
from django.db.models import BooleanField, Case, F, Prefetch, Value, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from credit_platform import permissions, uploads
from credit_platform.api.decided import DepartmentDecidedViewSet
from credit_platform.api.schema import PlatformAutoSchema, error_responses
from lists.access import entries_for_user
from lists.models import ListEntry
from objections import access, public, selectors, services
from objections.models import Decision, Evidence, Objection, ObjectionState
from sanctions.access import cases_for_user
from sanctions.api.serializers import ReasonSerializer, SubjectBriefSerializer, allowed_transitions
from sanctions.models import JointCase

TAG = ["objections"]
PUBLIC_TAG = ["public"]
UPLOAD_PARSERS = [JSONParser, MultiPartParser, FormParser]


def objections_list(*, user, today=None):
    """The objections ``user`` may see, with what a row shows, and ``is_overdue``: four queries a page
    (rows with subject, target and departments joined; the evidence files)."""
    overdue = selectors.objection_overdue_q(today)
    return (
        access.objections_for_user(user)
        .select_related("subject", "list_entry", "case", "provider_department", "filing_department")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .annotate(is_overdue=Case(When(overdue, then=Value(True)), default=Value(False), output_field=BooleanField()))
    )


def with_current_due(queryset):
    """``current_due``: the accept date while submitted, the verify date while verifying, else null."""
    return queryset.annotate(
        current_due=Case(
            When(state=ObjectionState.SUBMITTED, then=F("accept_due")),
            When(state=ObjectionState.VERIFYING, then=F("verify_due")),
            default=None,
        )
    )


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


class ObjectionSerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True)
    list_entry = TargetEntrySerializer(read_only=True, allow_null=True)
    case = TargetCaseSerializer(read_only=True, allow_null=True)
    provider_department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The information provider's code: it decides."))
    filing_department = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("The department that filed it; null when the subject filed it."),
    )
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Past the accept or the verify due date."))
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id", "receipt_number", "channel", "state", "subject", "list_entry", "case", "provider_department", "filing_department",
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


class EvidenceFilesField(serializers.ListField):
    child = serializers.FileField(max_length=255, allow_empty_file=False)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", uploads.MAX_UPLOADS)
        kwargs.setdefault("help_text", _("PDF, JPG or PNG files of at most 10 MB each (multipart/form-data)."))
        super().__init__(**kwargs)


class ObjectionCreateSerializer(serializers.Serializer):
    list_entry = serializers.PrimaryKeyRelatedField(
        queryset=ListEntry.objects.none(), required=False, allow_null=True, help_text=_("The disputed list entry's id."),
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=JointCase.objects.none(), required=False, allow_null=True, help_text=_("The disputed case's id."),
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


class UpholdSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Decision.REVOKE, Decision.CORRECT], help_text=_("revoke: the record goes; correct: it is corrected."))
    corrections = serializers.DictField(
        required=False, default=dict,
        help_text=_("For correct: the corrected fields (basis, decision_number, decided_on, severity, domain)."),
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
    list_entry = filters.NumberFilter(field_name="list_entry_id", help_text="The disputed list entry's id.")
    case = filters.NumberFilter(field_name="case_id", help_text="The disputed case's id.")

    class Meta:
        model = Objection
        fields = ["state", "overdue", "department", "filing_department", "channel", "list_entry", "case"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=(value == "true"))


class ObjectionPermissions(permissions.IsDepartmentMember):
    """Reading needs a department (the queryset decides what it sees); filing needs a working
    department (the leadership office supervises and files nothing)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return can_file_objection(request.user)
        return True


def can_file_objection(user) -> bool:
    if permissions.is_credit_office(user):
        return True
    if not permissions.is_department_member(user):
        return False
    if permissions.is_leadership(user):
        return False
    return user.has_perm("objections.add_objection")


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
        return objections_list(user=self.request.user)

    def get_for_user(self, pk, queryset=None):
        return access.objection_get_for_user(user=self.request.user, objection_id=pk, queryset=queryset)

    def can_decide(self, objection) -> bool:
        return access.can_decide_objection(self.request.user, objection)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry, case = data.validated_data.get("list_entry"), data.validated_data.get("case")
        target = entry or case
        objection = services.objection_file(
            subject=target.subject if target is not None else None, list_entry=entry, case=case,
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


class PublicAPIMixin:
    """No login, throttled per address (scope ``public``), no idempotency records (anonymous)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    schema = PlatformAutoSchema()


class ReceiptSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(help_text=_("Keep it: it is the only way to follow the application."))
    state = serializers.CharField()


class PublicObjectionCreateSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=32, help_text=_("Unified social credit code or citizen ID number of the subject."))
    name = serializers.CharField(max_length=200, help_text=_("The subject's name, as registered."))
    decision_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text=_("Decision number of the disputed list entry."),
    )
    case_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, help_text=_("Number of the disputed joint case (LJ-...)."),
    )
    grounds = serializers.CharField(allow_blank=True, max_length=20000, trim_whitespace=False)
    contact = serializers.CharField(allow_blank=True, max_length=200, help_text=_("How the decision reaches you."))
    evidence = EvidenceFilesField()


class PublicObjectionSerializer(serializers.Serializer):
    """What a receipt shows (``objections.public.public_status``): no contact, no other subject, no clerk."""

    receipt_number = serializers.CharField()
    state = serializers.ChoiceField(choices=ObjectionState.choices)
    state_label = serializers.CharField()
    filed_on = serializers.DateField()
    provider_department = serializers.CharField(help_text=_("The department that verifies the record."))
    decision_number = serializers.CharField(help_text=_("Decision number of the disputed list entry, if any."))
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
        description="Name the subject (identifier and name) and the disputed record (decision_number of a list entry, "
        "or case_number). JSON, or multipart/form-data with evidence files. An unknown identifier or record is a 400 "
        "that says which.",
        tags=PUBLIC_TAG, auth=[], responses={201: ReceiptSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        subject, entry, case = services.public_objection_target(
            identifier=values["identifier"], name=values["name"], decision_number=values["decision_number"], case_number=values["case_number"],
        )
        objection = services.objection_file(
            subject=subject, list_entry=entry, case=case, grounds=values["grounds"], contact=values["contact"],
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
