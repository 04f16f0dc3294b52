"""Serializers of the sanctions API: input validation and representation. Writes go to sanctions.services."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from credit_platform.api.serializers import SubjectBriefSerializer, allowed_transitions
from credit_platform.domains import MeasureKind, Severity
from credit_platform.models import Department, Subject
from credit_platform.selectors import subjects_for_user
from sanctions import selectors
from sanctions import access
from sanctions.models import (
    BULK_LIFT_HOWS,
    Amendment,
    AppliesTo,
    Assignment,
    BulkPushJob,
    JointCase,
    Measure,
    MeasureLifting,
    Memorandum,
)
from sanctions.serializers import FeedbackSerializer, MeasureFeedbackSerializer  # noqa: F401 (the views use them here)

def _user(serializer):
    return serializer.context["request"].user


# --- catalogue -------------------------------------------------------------------------------------


class MeasureSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The executing department's code."))
    applies_to = serializers.ListField(
        child=serializers.ChoiceField(choices=AppliesTo.choices), read_only=True, help_text=_("Kinds of subject the measure fits.")
    )

    class Meta:
        model = Measure
        fields = ["id", "code", "department", "kind", "category", "name", "name_en", "legal_basis", "applies_to", "is_active"]
        read_only_fields = fields


class MemorandumSerializer(serializers.ModelSerializer):
    initiators = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("Codes of the departments that open cases under it.")
    )
    measures = MeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Memorandum
        fields = ["id", "code", "name", "name_en", "kind", "list_type", "domain", "push_on_publish", "is_active", "initiators", "measures"]
        read_only_fields = fields


class MeasureBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "code", "name", "name_en"]
        read_only_fields = fields


# --- cases -----------------------------------------------------------------------------------------


class CaseAssignmentSerializer(serializers.ModelSerializer):
    """One push of a case as the case shows it (only those the caller may see)."""

    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target = SubjectBriefSerializer(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "department", "target", "target_role", "state", "pushed_on", "sign_for_due", "feedback_due", "lift_due",
            "is_overdue", "due_dates_provisional", "acknowledged_at", "fed_back_at", "lifted_at",
        ]
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer):
    """A case as lists show it."""

    subject = SubjectBriefSerializer(read_only=True)
    memorandum = serializers.SlugRelatedField(slug_field="code", read_only=True)
    measures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    initiating_department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    list_entry = serializers.IntegerField(
        source="list_entry_id", read_only=True, allow_null=True, help_text=_("The list entry the case rests on, if any (its id)."),
    )

    class Meta:
        model = JointCase
        fields = [
            "id", "number", "kind", "state", "subject", "memorandum", "measures", "initiating_department", "list_entry", "severity",
            "basis", "basis_document", "period_start", "period_end", "state_before_suspension", "end_reason",
            "created_at", "initiated_at", "pushed_at", "completed_at", "suspended_at", "ended_at",
        ]
        read_only_fields = fields


class AmendmentSerializer(serializers.ModelSerializer):
    """One amendment of a case's measures, as the case shows it."""

    added = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text=_("Codes of the measures added."))
    withdrawn = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text=_("Codes of the measures withdrawn."))
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = Amendment
        fields = ["id", "added", "withdrawn", "reason", "actor", "at"]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """A case as its detail and every transition answer show it, for the caller."""

    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("Transitions the caller may run now (initiate, discard, push, revoke, amend).")
    )
    assignments = serializers.SerializerMethodField(
        help_text=_("The pushes the caller may see: all of them for the initiating department and supervisors, "
                    "only its own for an executing department.")
    )

    amendments = AmendmentSerializer(many=True, read_only=True, help_text=_("The amendments of the case's measures, oldest first."))

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "allowed_transitions", "assignments", "amendments"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, case) -> list[str]:
        allowed = allowed_transitions(case, _user(self))
        if case.is_live and access.can_manage_case(_user(self), case):
            allowed = sorted([*allowed, "amend"])
        return allowed

    @extend_schema_field(CaseAssignmentSerializer(many=True))
    def get_assignments(self, case):
        visible = selectors.case_assignments_visible(user=_user(self), case=case).order_by("department__code", "target_role", "pk")
        return CaseAssignmentSerializer(visible, many=True, context=self.context).data


class MeasureIdsField(serializers.ListField):
    """Measure ids, given once each in the caller's order, as Measure objects; unknown ids refused."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(min_value=1), max_length=200, **kwargs)

    def to_internal_value(self, data):
        wanted = list(dict.fromkeys(super().to_internal_value(data)))
        found = {m.pk: m for m in Measure.objects.filter(pk__in=wanted).select_related("department")}
        unknown = [str(pk) for pk in wanted if pk not in found]
        if unknown:
            raise serializers.ValidationError(_("Unknown measures: %(ids)s.") % {"ids": ", ".join(unknown)})
        return [found[pk] for pk in wanted]


class CaseCreateSerializer(serializers.Serializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.none(), help_text=_("The subject's id."))
    kind = serializers.ChoiceField(choices=MeasureKind.choices)
    memorandum = serializers.PrimaryKeyRelatedField(
        queryset=Memorandum.objects.all(), required=False, help_text=_("The memorandum's id (or give memorandum_code).")
    )
    memorandum_code = serializers.SlugRelatedField(
        slug_field="code", queryset=Memorandum.objects.all(), required=False, write_only=True,
        help_text=_("The memorandum's code, instead of its id."),
    )
    measures = MeasureIdsField(
        required=False, help_text=_("Measure ids; default: every active measure of the memorandum that fits the subject."),
    )
    list_entry = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text=_("The id of the published list entry the case rests on (black for a punishment, red for a reward): "
                    "the case takes its severity."),
    )
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_blank=True, default=None,
        help_text=_("Without a list entry: how grave the dishonesty is (default: severe for a punishment, none for a reward)."),
    )
    basis = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text=_("The basis of the case (facts and legal basis)."))
    basis_document = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    period_start = serializers.DateField()
    period_end = serializers.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["subject"].queryset = subjects_for_user(request.user)

    def validate(self, attrs):
        by_id, by_code = attrs.get("memorandum"), attrs.pop("memorandum_code", None)
        if by_id is None and by_code is None:
            raise serializers.ValidationError({"memorandum": [_("Give the memorandum (its id, or memorandum_code).")]})
        if by_id is not None and by_code is not None and by_id != by_code:
            raise serializers.ValidationError({"memorandum_code": [_("Names a different memorandum than memorandum.")]})
        attrs["memorandum"] = by_id or by_code
        attrs.setdefault("measures", None)  # None: the services' default, every fitting measure
        return attrs


class CaseAmendSerializer(serializers.Serializer):
    """An amendment of a live case: measures of its memorandum to add and measures of the case to withdraw."""

    add_measures = MeasureIdsField(required=False, default=list, help_text=_("Ids of measures of the case's memorandum to add (pushed at once)."))
    withdraw_measures = MeasureIdsField(required=False, default=list, help_text=_("Ids of measures of the case to withdraw (lifted, each confirmed)."))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000, help_text=_("Why the measures change."))


class CaseDraftUpdateSerializer(serializers.Serializer):
    """A correction of a draft: any of its basis, period and measures (the rest stays as it is)."""

    measures = MeasureIdsField(required=False, help_text=_("Measure ids of the memorandum that fit the subject."))
    basis = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    basis_document = serializers.CharField(required=False, allow_blank=True, max_length=200)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)


# --- assignments -----------------------------------------------------------------------------------


class CaseBriefSerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True)

    class Meta:
        model = JointCase
        fields = ["id", "number", "kind", "state", "subject"]
        read_only_fields = fields


class MeasureLiftingSerializer(serializers.ModelSerializer):
    """A measure withdrawn from the push by an amendment: lift it and confirm."""

    measure = MeasureBriefSerializer(read_only=True)

    class Meta:
        model = MeasureLifting
        fields = ["id", "measure", "amendment", "opened_on", "due", "due_provisional", "confirmed_at", "confirmed_on_time"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target = SubjectBriefSerializer(read_only=True)
    measures = MeasureBriefSerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    reassigned_from = serializers.PrimaryKeyRelatedField(read_only=True)
    amendment = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("The amendment that pushed it, if any."))
    measure_liftings = MeasureLiftingSerializer(
        many=True, read_only=True, help_text=_("Measures withdrawn from this push by an amendment, each lifted and confirmed."),
    )

    class Meta:
        model = Assignment
        fields = [
            "id", "case", "department", "target", "target_role", "measures", "state", "pushed_on", "sign_for_due",
            "feedback_due", "lift_opened_on", "lift_due", "is_overdue", "due_dates_provisional", "suspended_on",
            "acknowledged_at", "fed_back_at", "returned_at", "return_reason", "lifted_at", "reassigned_from", "amendment", "measure_liftings",
            "sign_for_working_days", "feedback_working_days", "signed_for_on_time", "fed_back_on_time", "lift_confirmed_on_time",
            "urge_count", "created_at",
        ]
        read_only_fields = fields


class AssignmentDetailSerializer(AssignmentSerializer):
    allowed_transitions = serializers.SerializerMethodField(
        help_text=_("Transitions the caller may run now (acknowledge, feedback, return, confirm_lift).")
    )

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "allowed_transitions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, assignment) -> list[str]:
        return allowed_transitions(assignment, _user(self))


class MeasureLiftConfirmSerializer(serializers.Serializer):
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all(), help_text=_("The id of the withdrawn measure."))


class ReassignSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), help_text=_("Code of the executing department to take the push over.")
    )


# --- bulk push -------------------------------------------------------------------------------------


class BulkPushRequestSerializer(serializers.Serializer):
    cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=10000, help_text=_("Ids of initiated cases to push.")
    )


class BulkLiftRequestSerializer(serializers.Serializer):
    cases = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=10000,
        help_text=_("Ids of cases to lift; cases already ended are skipped."),
    )
    how = serializers.ChoiceField(choices=list(BULK_LIFT_HOWS), help_text=_("How the cases end: revoked, or expired (period over)."))
    reason = serializers.CharField(max_length=2000, help_text=_("Why the cases are lifted (recorded on each case)."))


class BulkPushJobSerializer(serializers.ModelSerializer):
    failed = serializers.SerializerMethodField(help_text=_("How many cases could not be pushed (see errors)."))
    percent = serializers.IntegerField(source="progress_percent", read_only=True)
    errors = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text=_("Why each refused case was not pushed, by case id.")
    )
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = BulkPushJob
        fields = ["id", "kind", "how", "state", "total", "pushed", "skipped", "failed", "errors", "percent", "created_at", "finished_at", "status_url"]
        read_only_fields = fields

    def get_failed(self, job) -> int:
        return len(job.errors)

    @extend_schema_field(OpenApiTypes.URI)
    def get_status_url(self, job) -> str:
        return reverse("api:bulk-push-job-detail", kwargs={"pk": job.pk}, request=self.context.get("request"))
