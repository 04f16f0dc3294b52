"""The record API: the catalogue (``/api/v1/record-types/``) and credit records (``/api/v1/records/``).

Thin: every record is fetched through ``records.access`` (404 for what the caller may not see),
every list starts from the access-scoped selector, every write calls one service; the services
decide who may act (403), what the body must carry (400 by field) and what the state allows (409).
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from credit_platform import permissions
from credit_platform.api.persons import PersonsMaskedMixin
from credit_platform.api.pagination import LargeTablePagination
from credit_platform.api.serializers import SubjectBriefSerializer
from credit_platform.api.views import PlatformReadOnlyViewSet
from credit_platform.domains import Domain, Severity
from credit_platform.models import Department, Subject
from credit_platform.selectors import subjects_for_user
from records import access, selectors, services
from records.filters import CreditRecordFilter
from records.models import BASIS_MAX_LENGTH, CreditRecord, RecordKind, RecordRemovalReason, RecordType

# --- the catalogue -------------------------------------------------------------------------------


class RecordTypeFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    required = serializers.BooleanField()


class RecordTypeSerializer(serializers.ModelSerializer):
    departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text=_("The providing departments' codes."))
    fields = RecordTypeFieldSerializer(many=True, read_only=True, help_text=_("The extra fields a record of this type carries (content)."))

    class Meta:
        model = RecordType
        fields = ["id", "code", "name", "kind", "departments", "public", "fields", "needs_consent", "domain", "is_active"]
        read_only_fields = fields


class RecordTypeWriteFieldSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64, help_text=_("Lower-case letters, digits and _, starting with a letter."))
    label = serializers.CharField(max_length=100)
    required = serializers.BooleanField(required=False, default=False)


class RecordTypeWriteSerializer(serializers.Serializer):
    """A catalogue item as the credit office gives it; the service checks the fields (forbidden and consent categories)."""

    code = serializers.CharField(max_length=64, help_text=_("Stable code used by the API and the imports."))
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    departments = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Department.objects.filter(is_active=True), required=False,
        help_text=_("The providing departments' codes."),
    )
    public = serializers.BooleanField(required=False, default=False)
    fields = RecordTypeWriteFieldSerializer(many=True, required=False, default=list)
    needs_consent = serializers.BooleanField(required=False, default=False)
    domain = serializers.ChoiceField(choices=Domain.choices, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class RecordTypePermissions(permissions.IsDepartmentMember):
    """Every department reads the catalogue; the credit office adds and changes it (403 otherwise)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) in ("create", "partial_update"):
            return access.can_manage_catalogue(request.user)
        return True


@extend_schema_view(
    list=extend_schema(summary="The information catalogue (record types)", tags=["records"]),
    retrieve=extend_schema(summary="One record type", tags=["records"]),
    create=extend_schema(
        summary="Add a record type (credit office)",
        description="A field whose name or label is a forbidden category (religion, genes, fingerprints, blood type, illness, "
        "medical history) is refused (400, 征信业管理条例 第十四条); one naming a consent category needs needs_consent.",
        tags=["records"], request=RecordTypeWriteSerializer, responses={201: RecordTypeSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a record type (credit office); its code never changes",
        tags=["records"], request=RecordTypeWriteSerializer, responses={200: RecordTypeSerializer},
    ),
)
class RecordTypeViewSet(mixins.CreateModelMixin, PlatformReadOnlyViewSet):
    """Every department reads the catalogue; the credit office manages it (here and in the admin)."""

    serializer_class = RecordTypeSerializer
    permission_classes = [RecordTypePermissions]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return RecordType.objects.order_by("code").prefetch_related("departments")

    def get_serializer_class(self):
        return RecordTypeWriteSerializer if self.action in ("create", "partial_update") else RecordTypeSerializer

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        return Response(RecordTypeSerializer(self.get_queryset().get(pk=pk), context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = RecordTypeWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        record_type = services.record_type_create(actor=request.user, departments=values.pop("departments", []), **values)
        return self._detail(record_type.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        record_type = self.get_object()
        data = RecordTypeWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        record_type = services.record_type_update(record_type=record_type, actor=request.user, departments=values.pop("departments", None), **values)
        return self._detail(record_type.pk)


# --- records ---------------------------------------------------------------------------------------


class CreditRecordSerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True)
    record_type = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The record type's code."))
    kind = serializers.CharField(source="record_type.kind", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The providing department's code."))
    rule_set = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    content = serializers.DictField(read_only=True, help_text=_("The record type's fields."))
    allowed_transitions = serializers.SerializerMethodField(help_text=_("Actions the caller may run now (publish, remove)."))

    class Meta:
        model = CreditRecord
        fields = [
            "id", "subject", "record_type", "kind", "department", "decision_number", "decided_on", "severity", "domain", "basis",
            "content", "valid_until", "consent_reference", "rule_set", "source", "state", "publication_due",
            "publication_due_provisional", "published_at", "published_on", "published_on_time", "publication_ends_on",
            "repair_possible_from", "held_working_days", "removal_reason", "removal_note", "removed_at", "created_at", "updated_at",
            "allowed_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, record) -> list[str]:
        return selectors.allowed_actions(user=self.context["request"].user, record=record)


class CreditRecordCreateSerializer(serializers.Serializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.none(), help_text=_("The subject's id."))
    record_type = serializers.SlugRelatedField(slug_field="code", queryset=RecordType.objects.all(), help_text=_("The record type's code."))
    decision_number = serializers.CharField(allow_blank=True, max_length=200, help_text=_("Number of the decision document."))
    decided_on = serializers.DateField(help_text=_("Date of the decision; the 双公示 date and the periods run from it."))
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_blank=True, default="",
                                       help_text=_("Penalties: minor, general or severe."))
    domain = serializers.ChoiceField(choices=Domain.choices, required=False, allow_blank=True, default="",
                                     help_text=_("Penalty and dishonesty records; default: the type's domain."))
    basis = serializers.CharField(required=False, allow_blank=True, default="", max_length=BASIS_MAX_LENGTH, help_text=_("The legal basis, cited."))
    content = serializers.DictField(required=False, default=dict, help_text=_("The record type's fields, by name."))
    valid_until = serializers.DateField(required=False, allow_null=True, default=None,
                                        help_text=_("Licensing: 2099-12-31 means until removed; empty, 3 years."))
    consent_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                              help_text=_("Required where the type needs the subject's written consent."))
    publish = serializers.BooleanField(required=False, default=False, help_text=_("Publish at once."))
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(is_active=True), required=False, allow_null=True, default=None,
        help_text=_("Credit office only: the providing department the record is entered for."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["subject"].queryset = subjects_for_user(request.user)


class RecordRemoveSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RecordRemovalReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000,
                                 help_text=_("Optional explanation, kept in the audit trail."))


class CreditRecordPermissions(permissions.IsDepartmentMember):
    """Reading needs a department (the queryset decides what it sees); entering a record needs a
    department that provides some record type, or the credit office (403 otherwise)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return access.types_provided_by(request.user).exists()
        return True


TAG = ["records"]


def _transition(summary, request=None, description=""):
    return extend_schema(summary=summary, description=description, tags=TAG, request=request, responses={200: CreditRecordSerializer})


@extend_schema_view(
    list=extend_schema(summary="Credit records the caller's department may see", tags=TAG),
    retrieve=extend_schema(summary="One credit record", tags=TAG),
    create=extend_schema(
        summary="Enter a credit record (the caller's department provides its type)",
        description="Licensing and penalty records carry their 双公示 date (7 working days after the decision; none for a minor "
        "penalty). A type that needs consent refuses a record without consent_reference (400). publish: true publishes at once.",
        tags=TAG, request=CreditRecordCreateSerializer, responses={201: CreditRecordSerializer},
    ),
)
class CreditRecordViewSet(PersonsMaskedMixin, mixins.CreateModelMixin, PlatformReadOnlyViewSet):
    serializer_class = CreditRecordSerializer
    permission_classes = [CreditRecordPermissions]
    pagination_class = LargeTablePagination
    filterset_class = CreditRecordFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.records_list(user=self.request.user)

    def get_serializer_class(self):
        return CreditRecordCreateSerializer if self.action == "create" else CreditRecordSerializer

    def _record(self, pk) -> CreditRecord:
        """The record to move: 404 when the caller may not see it, 403 when it may not move it."""
        record = access.record_get_for_user(user=self.request.user, record_id=pk)
        if not access.can_manage_record(self.request.user, record):
            raise PermissionDenied(_("Only the providing department can change this record."))
        return record

    def _detail(self, record_id, status_code=status.HTTP_200_OK) -> Response:
        record = access.record_get_for_user(user=self.request.user, record_id=record_id, queryset=self.get_queryset())
        return Response(CreditRecordSerializer(record, context=self.get_serializer_context()).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        record = access.record_get_for_user(user=request.user, record_id=kwargs["pk"], queryset=self.get_queryset())
        self.log_persons([record])
        return Response(CreditRecordSerializer(record, context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.record_create(actor=request.user, **data.validated_data)
        return self._detail(record.pk, status.HTTP_201_CREATED)

    @_transition("Publish the record", description="On time when published by its 双公示 date (published_on_time). "
                 "Refused (409) once its publication period has ended.")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        services.record_publish(record=self._record(pk), actor=request.user)
        return self._detail(pk)

    @_transition("Remove the record from publication (kept)", request=RecordRemoveSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        record = self._record(pk)
        data = RecordRemoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_remove(record=record, actor=request.user, **data.validated_data)
        return self._detail(pk)


__all__ = ["CreditRecordViewSet", "RecordTypeViewSet"]
