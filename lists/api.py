"""The list entry API: serializers and the viewset (``/api/v1/list-entries/``).

Thin: every entry is fetched through ``lists.access`` (404 for what the caller may not see), every
list starts from the access-scoped selector, every move calls one service; the services decide who
may act (403) and what the state allows (409, with the reason: e.g. the date from which an entry
can be published).
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from credit_platform import permissions
from credit_platform.api.pagination import LargeTablePagination
from credit_platform.api.persons import PERSONS_REASON_PARAMETER, PersonsMaskedMixin
from credit_platform.api.serializers import ReasonSerializer, SubjectBriefSerializer
from credit_platform.api.views import PlatformReadOnlyViewSet
from credit_platform.domains import Domain, ListType
from credit_platform.models import Subject
from credit_platform.selectors import person_records_viewed, subjects_for_user
from lists import access, selectors, services
from credit_platform.pdf import pdf_response
from lists.export import export_entries_xlsx
from lists.notice import entry_notice_pdf, notice_filename
from lists.filters import ListEntryFilter
from lists.models import BASIS_MAX_LENGTH, ListEntry, RemovalReason, Severity
from sanctions.models import JointCase

# --- serializers -----------------------------------------------------------------------------------


class EntryCaseSerializer(serializers.ModelSerializer):
    """A joint case opened from the entry (only those the caller may see)."""

    class Meta:
        model = JointCase
        fields = ["id", "number", "kind", "state"]
        read_only_fields = fields


class ListEntrySerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True)
    identifying_department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The identifying department's code."))
    rule_set = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("Code of the rule set in force on the decision date."))
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("Actions the caller may run now (notify, statement, publish, withdraw, remove).")
    )
    cases = serializers.SerializerMethodField(help_text=_("The joint cases opened from the entry that the caller may see."))

    class Meta:
        model = ListEntry
        fields = [
            "id", "subject", "list_type", "severity", "domain", "basis", "decision_number", "decided_on", "facts", "exit_conditions", "remedies",
            "identifying_department", "rule_set", "repair_possible_from", "publication_ends_on", "held_working_days", "valid_until",
            "removal_proposed_at", "removal_proposal_reason", "state",
            "state_before_suspension", "suspended_on", "source", "notified_on", "notify_method", "statement_due", "statement_text",
            "statement_waived", "statement_at", "publication_due", "published_at", "published_on_time", "withdraw_reason", "removal_reason", "removed_at",
            "created_at", "updated_at", "allowed_transitions", "cases",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "severity": {"help_text": _("The dishonesty's severity (black and watch entries); empty for a red entry, which is no dishonesty.")},
            "repair_possible_from": {"help_text": _("First day repair may be applied for; null for a red entry.")},
            "publication_ends_on": {"help_text": _("Last day of publication (the maximum period); null for a red entry.")},
            "valid_until": {"help_text": _("A red entry's validity: it leaves the list by itself after this day; null for other entries.")},
            "removal_proposed_at": {"help_text": _("A red entry: when a dishonesty of the subject proposed its removal (remove it with reason revoked).")},
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, entry) -> list[str]:
        return selectors.allowed_actions(user=self.context["request"].user, entry=entry)

    @extend_schema_field(EntryCaseSerializer(many=True))
    def get_cases(self, entry):
        return EntryCaseSerializer(selectors.entry_cases_visible(user=self.context["request"].user, entry=entry), many=True).data


class ListEntryCreateSerializer(serializers.Serializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.none(), help_text=_("The subject's id."))
    list_type = serializers.ChoiceField(choices=ListType.choices)
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_null=True, allow_blank=True, default=None,
        help_text=_("Required for black and watch entries; a red entry has none (refused when given)."),
    )
    domain = serializers.ChoiceField(choices=Domain.choices)
    valid_until = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text=_("Red entries only: the validity the decision gives (default: the rule set's months from decided_on, 24)."),
    )
    # Blank values reach the service, which answers with the field's own message.
    basis = serializers.CharField(allow_blank=True, max_length=BASIS_MAX_LENGTH, help_text=_("The legal basis (law, regulation or central document), cited."))
    decision_number = serializers.CharField(allow_blank=True, max_length=200, help_text=_("Number of the decision document."))
    decided_on = serializers.DateField(help_text=_("Date of the decision document; the publication periods run from it."))
    facts = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=BASIS_MAX_LENGTH,
        help_text=_("The facts of the decision; required for a black entry."),
    )
    exit_conditions = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=BASIS_MAX_LENGTH,
        help_text=_("The conditions and procedure for leaving the list; required for a black entry."),
    )
    remedies = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=BASIS_MAX_LENGTH,
        help_text=_("The remedies open to the subject and their time limits; required for a black entry."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["subject"].queryset = subjects_for_user(request.user)


class EntryNotifySerializer(serializers.Serializer):
    method = serializers.CharField(allow_blank=True, max_length=200, help_text=_("How the subject was told (served in person, by post, ...)."))
    notified_on = serializers.DateField(help_text=_("The day the subject was told; the statement window counts working days from it."))


class EntryStatementSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000, help_text=_("The subject's statement and defence."))
    waived = serializers.BooleanField(
        required=False, default=False, help_text=_("The subject waived its statement: the entry can be published at once."),
    )


class EntryRemoveSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=RemovalReason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, help_text=_("Optional explanation, kept in the audit trail."),
    )


# --- the viewset -----------------------------------------------------------------------------------


class ListEntryPermissions(permissions.IsDepartmentMember):
    """Reading needs a department (the queryset decides what it sees); proposing needs an
    initiating department or the credit office (403 otherwise)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return access.can_propose(request.user)
        return True


TAG = ["list entries"]


def _transition(summary, request=None, description=""):
    return extend_schema(summary=summary, description=description, tags=TAG, request=request, responses={200: ListEntrySerializer})


@extend_schema_view(
    list=extend_schema(summary="List entries the caller's department may see", tags=TAG),
    retrieve=extend_schema(summary="One list entry", tags=TAG),
    create=extend_schema(
        summary="Propose a list entry (the caller's department identifies the subject)",
        tags=TAG, request=ListEntryCreateSerializer, responses={201: ListEntrySerializer},
    ),
)
class ListEntryViewSet(PersonsMaskedMixin, mixins.CreateModelMixin, PlatformReadOnlyViewSet):
    serializer_class = ListEntrySerializer
    permission_classes = [ListEntryPermissions]
    pagination_class = LargeTablePagination
    filterset_class = ListEntryFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.entries_list(user=self.request.user)

    def get_serializer_class(self):
        return ListEntryCreateSerializer if self.action == "create" else ListEntrySerializer

    def _entry(self, pk) -> ListEntry:
        """The entry to move: 404 when the caller may not see it, 403 when it may not move it (before
        its input is read; the service asks lists.access again under the lock)."""
        entry = access.entry_get_for_user(user=self.request.user, entry_id=pk)
        if not access.can_manage_entry(self.request.user, entry):
            raise PermissionDenied(_("Only the identifying department can change this entry."))
        return entry

    def _detail(self, entry_id, status_code=status.HTTP_200_OK) -> Response:
        entry = access.entry_get_for_user(user=self.request.user, entry_id=entry_id, queryset=self.get_queryset())
        return Response(ListEntrySerializer(entry, context=self.get_serializer_context()).data, status=status_code)

    def list(self, request, *args, **kwargs):
        # The page's persons are logged when a reason is given (PersonsMaskedMixin.paginate_queryset).
        page = selectors.with_visible_cases(user=request.user, entries=self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(ListEntrySerializer(page, many=True, context=self.get_serializer_context()).data)

    def retrieve(self, request, *args, **kwargs):
        entry = access.entry_get_for_user(user=request.user, entry_id=kwargs["pk"], queryset=self.get_queryset())
        self.log_persons([entry])
        return Response(ListEntrySerializer(entry, context=self.get_serializer_context()).data)

    @extend_schema(summary="Export the filtered entries to Excel (xlsx)", responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes})
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request):
        """The same filters as the list; formulas in cells are neutralised (lists.export)."""
        entries = self.filter_queryset(self.get_queryset())
        persons = Subject.objects.filter(kind="natural_person", pk__in=entries.values("subject_id")).only("pk", "kind")
        person_records_viewed(user=request.user, subjects=persons, reason=str(_("Excel export of list entries")))
        # The query's own parameters, as given (an API caller reads them as it wrote them).
        return export_entries_xlsx(entries, filters=[(key, ", ".join(request.query_params.getlist(key))) for key in request.query_params])

    @extend_schema(
        summary="The notice to the subject (告知书) as PDF",
        description="信用惩戒告知书 (black and watch entries) or 信用激励告知书 (red): the subject, the decision, facts, basis, "
        "list and severity, the measures that follow, exit conditions, remedies. For whoever may see the entry (404 otherwise); "
        "printing a natural person's notice is logged as a look-up.",
        parameters=[PERSONS_REASON_PARAMETER], responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], url_path="notice", pagination_class=None, filter_backends=[])
    def notice(self, request, pk=None):
        entry = access.entry_get_for_user(user=request.user, entry_id=pk, queryset=self.get_queryset())
        person_records_viewed(user=request.user, subjects=[entry.subject], reason=self.person_reason() or str(_("Notice to the subject printed")))
        return pdf_response(entry_notice_pdf(entry), notice_filename(entry))

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.entry_propose(actor=request.user, **data.validated_data)
        return self._detail(entry.pk, status.HTTP_201_CREATED)

    @_transition("Notify the subject: its statement window opens", request=EntryNotifySerializer,
                 description="The statement and defence window ends after the rule set's working days (statement_due).")
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        entry = self._entry(pk)
        data = EntryNotifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_notify(entry=entry, actor=request.user, **data.validated_data)
        return self._detail(pk)

    @_transition("Record the subject's statement and defence, or that it waived it", request=EntryStatementSerializer)
    @action(detail=True, methods=["post"])
    def statement(self, request, pk=None):
        entry = self._entry(pk)
        data = EntryStatementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_record_statement(entry=entry, actor=request.user, **data.validated_data)
        return self._detail(pk)

    @_transition(
        "Publish the entry",
        description="Refused (409, with the date from which it can be published) while the statement window is open, "
        "unless the subject waived it. A black or red entry opens its joint case from the memorandum of its list and domain.",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        services.entry_publish(entry=self._entry(pk), actor=request.user)
        return self._detail(pk)

    @_transition("Withdraw the entry: the subject's statement was upheld", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        entry = self._entry(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_withdraw(entry=entry, actor=request.user, reason=data.validated_data["reason"])
        return self._detail(pk)

    @_transition("Remove the entry from the list; its cases end and their measures are lifted", request=EntryRemoveSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = self._entry(pk)
        data = EntryRemoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.entry_remove(entry=entry, actor=request.user, reason=data.validated_data["reason"], note=data.validated_data["note"])
        return self._detail(pk)


__all__ = ["ListEntryViewSet"]
