"""The credit repair API: ``/api/v1/repairs/`` for departments, ``/api/v1/public/repairs/`` for the public.

Thin: every application is fetched through ``repair.access`` (404 for what the caller may not see),
every move calls one service; deciding needs the identifying department or the credit office (403,
checked before the input), the state decides what is open (409). An ineligible application is a 400
``{"detail", "reasons", "eligible_from"}`` (``credit_platform.exceptions.ApplicationError``).
"""
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from credit_platform import permissions
from credit_platform.api.decided import DepartmentDecidedViewSet
from credit_platform.api.filters import IdFilter
from credit_platform.api.schema import error_responses
from credit_platform.api.serializers import ReasonSerializer, SubjectBriefSerializer
from credit_platform.public_filing import (
    UPLOAD_PARSERS,
    EvidenceFilesField,
    PublicAPIMixin,
    PublicIdentifierSerializerField,
    PublicTargetSerializerField,
    ReceiptSerializer,
    public_uploads,
)
from credit_platform.uploads import UPLOAD_SIGNATURES
from lists.access import entries_for_user
from lists.models import ListEntry
from records.access import records_for_user
from records.models import CreditRecord
from repair import access, public, selectors, services
from repair.models import RepairApplication, RepairDocument, RepairState

TAG = ["repairs"]
PUBLIC_TAG = ["public"]
LIVE_STATES = [RepairState.SUBMITTED, RepairState.REVIEWING]


def repair_allowed_transitions(application: RepairApplication, user) -> list[str]:
    """Moves ``user`` may make now; ``extend`` included (a transition that keeps the state)."""
    return sorted({t.name for t in application.get_available_user_state_transitions(user)})


# --- serializers -----------------------------------------------------------------------------------


class RepairDocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("Where to download it (for whoever may see the application)."))

    class Meta:
        model = RepairDocument
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, document) -> str:
        return reverse("api:repair-document", args=[document.application_id, document.pk])


class RepairEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ListEntry
        fields = ["id", "list_type", "severity", "domain", "decision_number", "decided_on", "repair_possible_from", "state"]
        read_only_fields = fields


class RepairRecordSerializer(serializers.ModelSerializer):
    record_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CreditRecord
        fields = ["id", "record_type", "severity", "domain", "decision_number", "decided_on", "repair_possible_from", "publication_ends_on", "state"]
        read_only_fields = fields


class RepairSerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True)
    list_entry = RepairEntrySerializer(read_only=True, allow_null=True, help_text=_("The list entry repaired; null for a record."))
    record = RepairRecordSerializer(read_only=True, allow_null=True, help_text=_("The penalty record whose publicity is repaired; null for an entry."))
    deciding_department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The identifying department: it decides."))
    filing_department = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("The department that entered it; null when the subject filed it."),
    )
    rule_set = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The rule set of the entry's decision."))
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Past the answer or the decision due date."))
    documents = RepairDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = RepairApplication
        fields = [
            "id", "receipt_number", "channel", "state", "subject", "list_entry", "record", "deciding_department", "filing_department",
            "applicant_name", "contact", "evidence", "commitment_signed", "training_completed", "documents", "rule_set",
            "answer_due", "decide_due", "is_overdue", "extended", "extension_reason", "refusal_reason", "rejection_reason",
            "false_materials", "eligible_from", "accepted_at", "decided_at", "created_at",
        ]
        read_only_fields = fields


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    eligible_from = serializers.DateField(allow_null=True)


class LiftingSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.number")
    department = serializers.CharField(source="department.code")
    assignment = serializers.IntegerField(source="assignment.pk")
    state = serializers.CharField(source="assignment.state")
    lift_due = serializers.DateField(source="assignment.lift_due", allow_null=True)
    lifted_at = serializers.DateTimeField(source="assignment.lifted_at", allow_null=True)
    status = serializers.ChoiceField(
        choices=["lifted", "lifted_late", "late", "lifting", "pending", "acknowledged", "fed_back", "returned", "suspended"],
        help_text=_("lifted (on time), lifted_late, late (lift_due passed), lifting, or the push's state before lifting."),
    )


class RepairDetailSerializer(RepairSerializer):
    allowed_transitions = serializers.SerializerMethodField(help_text=_("Moves the caller may make now (accept, refuse, extend, approve, reject)."))
    eligibility = serializers.SerializerMethodField(help_text=_("The entry checked against its rule set now; null once decided."))
    lifting = serializers.SerializerMethodField(help_text=_("Each push of the entry's cases the caller may see, and its lifting."))

    class Meta(RepairSerializer.Meta):
        fields = [*RepairSerializer.Meta.fields, "allowed_transitions", "eligibility", "lifting"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, application) -> list[str]:
        return repair_allowed_transitions(application, self.context["request"].user)

    @extend_schema_field(EligibilitySerializer(allow_null=True))
    def get_eligibility(self, application):
        if application.state not in LIVE_STATES:
            return None
        return EligibilitySerializer(services.repair_eligibility(entry=application.target)).data

    @extend_schema_field(LiftingSerializer(many=True))
    def get_lifting(self, application):
        rows = services.repair_lifting_progress(user=self.context["request"].user, application=application)
        return LiftingSerializer(rows, many=True).data


DOCUMENTS_REQUIRED = _(
    "Upload the documents: the proof of fulfilment (kind “proof”) and the signed credit commitment (kind “commitment”), "
    "and for severe dishonesty where the entry's rule set asks for it the credit training certificate or credit report "
    "(kind “training”), with document_kinds in the same order."
)


class DocumentsMixin(serializers.Serializer):
    documents = EvidenceFilesField(
        required=True, min_length=1, error_messages={"required": DOCUMENTS_REQUIRED, "min_length": DOCUMENTS_REQUIRED},
        help_text=_("The application's documents (multipart/form-data): PDF, JPG or PNG files of at most 10 MB each. Always the "
                    "proof of fulfilment and the signed credit commitment; for severe dishonesty, where the entry's rule set asks "
                    "for it (order 36 of 2026), the credit training certificate or a credit report."),
    )
    document_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=RepairDocument.Kind.choices), required=False,
        help_text=_("The kind of each document, in the same order: proof | commitment | training (default: proof)."),
    )

    def validate(self, attrs):
        files, kinds = attrs.pop("documents", []), attrs.pop("document_kinds", [])
        if kinds and len(kinds) != len(files):
            raise serializers.ValidationError({"document_kinds": [_("Give one kind per document, in the same order.")]})
        attrs["documents"] = list(zip(kinds or [RepairDocument.Kind.PROOF] * len(files), files, strict=True))
        return attrs


class RepairCreateSerializer(DocumentsMixin):
    list_entry = serializers.PrimaryKeyRelatedField(
        queryset=ListEntry.objects.none(), required=False, allow_null=True, help_text=_("The list entry to repair (its id); or give record."),
    )
    record = serializers.PrimaryKeyRelatedField(
        queryset=CreditRecord.objects.none(), required=False, allow_null=True,
        help_text=_("The penalty record whose publicity is repaired (its id), instead of a list entry."),
    )
    # Blank or false values reach the service, which answers with the field's own message.
    commitment_signed = serializers.BooleanField(
        required=False, default=False, help_text=_("The subject signed a credit commitment (its document is one of the documents)."),
    )
    evidence = serializers.CharField(allow_blank=True, max_length=20000, help_text=_("How the obligations were fulfilled."))
    contact = serializers.CharField(allow_blank=True, max_length=200)
    applicant_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                           help_text=_("Default: the subject's name."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["list_entry"].queryset = entries_for_user(request.user)
            self.fields["record"].queryset = records_for_user(request.user).select_related("subject", "department", "record_type", "rule_set")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000)
    false_materials = serializers.BooleanField(
        required=False, default=False, help_text=_("The materials were false: the subject is barred from repair for the rule set's bar period."),
    )


# --- the department API ----------------------------------------------------------------------------


class RepairFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=RepairState.choices)
    overdue = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_overdue",
        help_text="true: past the answer or decision due date; false: not overdue.",
    )
    department = filters.CharFilter(field_name="deciding_department__code", help_text="The deciding department's code.")
    channel = filters.ChoiceFilter(choices=RepairApplication.Channel.choices)
    list_entry = IdFilter(field_name="list_entry_id", help_text="The list entry's id.")
    record = IdFilter(field_name="record_id", help_text="The credit record's id.")

    class Meta:
        model = RepairApplication
        fields = ["state", "overdue", "department", "channel", "list_entry", "record"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=(value == "true"))


class RepairPermissions(permissions.IsDepartmentMember):
    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return access.can_enter_repair(request.user)
        return True


def _transition(summary, request=None, description=""):
    return extend_schema(summary=summary, description=description, tags=TAG, request=request, responses={200: RepairDetailSerializer})


@extend_schema_view(
    list=extend_schema(summary="Credit repair applications the caller's department decides or entered", tags=TAG),
    retrieve=extend_schema(summary="One application, with its eligibility, the moves open to the caller and the lifting", tags=TAG),
    create=extend_schema(
        summary="Enter a credit repair application for a subject",
        description="multipart/form-data: the fields and the documents (files) with document_kinds in the same order "
        "(proof | commitment | training). Without the proof of fulfilment, the signed commitment or, where the entry's "
        "rule set asks for it (severe dishonesty, order 36 of 2026), the training certificate or credit report, a 400 "
        "{documents} naming each missing kind. An ineligible application is a 400 {detail, reasons, eligible_from} "
        "(eligible_from null when it can never be repaired).",
        tags=TAG, request={"multipart/form-data": RepairCreateSerializer}, responses={201: RepairDetailSerializer},
    ),
)
class RepairViewSet(DepartmentDecidedViewSet):
    permission_classes = [RepairPermissions]
    filterset_class = RepairFilter
    parser_classes = UPLOAD_PARSERS
    serializer_class = RepairSerializer
    list_serializer_class = RepairSerializer
    detail_serializer_class = RepairDetailSerializer
    create_serializer_class = RepairCreateSerializer
    service_argument = "application"
    not_decider_message = _("Only the identifying department decides this repair.")

    def get_queryset(self):
        return selectors.repairs_list(user=self.request.user)

    def get_for_user(self, pk, queryset=None):
        return access.repair_get_for_user(user=self.request.user, repair_id=pk, queryset=queryset)

    def can_decide(self, application) -> bool:
        return access.can_decide_repair(self.request.user, application)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        application = services.repair_apply(
            entry=values.get("list_entry"), record=values.get("record"), evidence=values["evidence"],
            commitment_signed=values["commitment_signed"], contact=values["contact"], applicant_name=values["applicant_name"],
            documents=values["documents"], actor=request.user, channel=RepairApplication.Channel.DEPARTMENT,
        )
        return self._detail(application.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download one document of the application",
        description="The file as uploaded (PDF, JPEG or PNG, checked by its first bytes), for whoever may see the application.",
        tags=TAG, parameters=[OpenApiParameter("document_id", int, OpenApiParameter.PATH, description="The document's id.")],
        responses={(200, content_type): OpenApiResponse(OpenApiTypes.BINARY) for content_type in UPLOAD_SIGNATURES},
    )
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)", url_name="document")
    def document(self, request, pk=None, document_id=None):
        application = self.get_for_user(pk)
        document = application.documents.filter(pk=document_id).first()
        if document is None:
            raise Http404("No such document.")
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name, content_type=document.content_type)

    @_transition("Take the application for review (the decision date opens)")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._decide(pk, services.repair_accept)

    @_transition("Refuse to take the application, with the reason the applicant sees", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decide(pk, services.repair_refuse, ReasonSerializer)

    @_transition("Extend the answer and decision dates once, with a reason", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._decide(pk, services.repair_extend, ReasonSerializer)

    @_transition(
        "Approve: the entry leaves the list and every measure is lifted",
        description="The entry is removed (repaired) and leaves the public site; its cases go to repaired; every push goes "
        "to lifting with a confirmation due date. Refused (400, with the reasons) if the entry is no longer eligible.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(pk, services.repair_approve)

    @_transition("Reject after review, with the reasons (and whether the materials were false)", request=RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(pk, services.repair_reject, RejectSerializer)


# --- the public API --------------------------------------------------------------------------------


class PublicRepairCreateSerializer(DocumentsMixin):
    """The application, checked before the subject and the entry are looked up (so no error tells a
    match from a mismatch) as far as it does not depend on the entry; the service checks again."""

    target = PublicTargetSerializerField(
        help_text=_("What is repaired: list_entry (default) or record (a penalty's publicity, by its decision_number)."),
    )
    identifier = PublicIdentifierSerializerField()
    name = serializers.CharField(max_length=200, help_text=_("The subject's name, as registered."))
    decision_number = serializers.CharField(max_length=200, help_text=_("Decision number of the list entry or the record to repair."))
    evidence = serializers.CharField(
        max_length=20000, help_text=_("How the obligations were fulfilled."),
        error_messages={"blank": _("Describe how the obligations were fulfilled.")},
    )
    commitment_signed = serializers.BooleanField(required=False, default=False)
    contact = serializers.CharField(
        max_length=200, help_text=_("How the decision reaches you."),
        error_messages={"blank": _("Give a contact so the decision can reach you.")},
    )

    def validate_commitment_signed(self, signed):
        if not signed:
            raise serializers.ValidationError(_("A signed credit commitment is required."))
        return signed

    def validate_documents(self, files):
        return public_uploads(files)

    def validate(self, attrs):
        # The documents every application holds, before the entry is looked up; those its rule set
        # asks for are the filed application's business (repair.services.repair_apply).
        attrs = super().validate(attrs)
        missing = services.documents_missing([kind for kind, _file in attrs["documents"]])
        if missing:
            raise serializers.ValidationError({"documents": services.missing_documents_messages(missing)})
        return attrs


class PublicRepairSerializer(serializers.Serializer):
    """What a receipt shows (``repair.public.public_status``): no contact, no other subject, no clerk."""

    receipt_number = serializers.CharField()
    state = serializers.ChoiceField(choices=RepairState.choices)
    state_label = serializers.CharField()
    filed_on = serializers.DateField()
    deciding_department = serializers.CharField(help_text=_("The department that decides (谁认定谁修复)."))
    decision_number = serializers.CharField()
    answer_due = serializers.DateField(help_text=_("Answered by this date."))
    accepted_on = serializers.DateField(allow_null=True)
    decide_due = serializers.DateField(allow_null=True, help_text=_("Decided by this date once taken for review."))
    extended = serializers.BooleanField()
    extension_reason = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    refusal_reason = serializers.CharField()
    rejection_reason = serializers.CharField()
    eligible_from = serializers.DateField(allow_null=True, help_text=_("When refused as not yet eligible: from when to apply again."))

    def to_representation(self, instance):
        return super().to_representation(public.public_status(instance))


class PublicRepairCreate(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = PublicRepairCreateSerializer
    parser_classes = UPLOAD_PARSERS

    @extend_schema(
        summary="Apply for credit repair as the subject (public)",
        description="multipart/form-data. Name the subject (identifier and name) and what is repaired: target list_entry "
        "(default) or record (a penalty record the public 双公示 query shows), by its decision_number, "
        "with the documents (the proof of fulfilment and the signed commitment always; document_kinds in the same order). "
        "Any mismatch (an unknown identifier, a name that is not the subject's, an unknown decision number, an entry the "
        "public site does not show) is one and the same 400 {non_field_errors}, whatever did not match; a malformed "
        "identifier is a 400 on identifier. A match is filed: 201 with the receipt. What the entry itself stands against "
        "(not yet or never repairable, an application already being handled, a training certificate or credit report "
        "its rule set asks for) is the platform's refusal of the filed application (state refused), whose reason and "
        "eligible_from the receipt shows.",
        tags=PUBLIC_TAG, auth=[], request={"multipart/form-data": PublicRepairCreateSerializer},
        responses={201: ReceiptSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        target = services.public_repair_target(
            target=values["target"], identifier=values["identifier"], name=values["name"], decision_number=values["decision_number"],
        )
        application = services.repair_apply(
            **target, evidence=values["evidence"], commitment_signed=values["commitment_signed"],
            contact=values["contact"], applicant_name=values["name"],
            documents=values["documents"], channel=RepairApplication.Channel.PUBLIC,
        )
        return Response({"receipt_number": application.receipt_number, "state": application.state}, status=status.HTTP_201_CREATED)


class PublicRepairDetail(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = PublicRepairSerializer

    @extend_schema(
        summary="Follow a credit repair application by its receipt number (public)", tags=PUBLIC_TAG, auth=[],
        responses={200: PublicRepairSerializer, **error_responses(404)},
    )
    def get(self, request, receipt_number, *args, **kwargs):
        application = public.repair_by_receipt(receipt_number)
        if application is None:
            raise Http404
        return Response(self.get_serializer(application).data)


__all__ = ["PublicRepairCreate", "PublicRepairDetail", "RepairViewSet"]
