"""The feedback payloads: what an executing department reports per measure. Shared by the sanctions
API and the credit check (checks.api), so they live outside either app's ``api``."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from sanctions.models import Measure, MeasureFeedback, Outcome
from sanctions.services import FeedbackItem


class FeedbackItemSerializer(serializers.Serializer):
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all(), help_text=_("The measure's id."))
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=4000,
        help_text=_("Required when the measure was not applicable or failed: the reason."),
    )
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None, help_text=_("Default: today."))
    business_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class FeedbackSerializer(serializers.Serializer):
    items = FeedbackItemSerializer(
        many=True, allow_empty=False, max_length=500,
        help_text=_("One item per measure; the first feedback answers every measure of the push."),
    )

    def feedback_items(self) -> list[FeedbackItem]:
        return [FeedbackItem(**item) for item in self.validated_data["items"]]


class MeasureFeedbackSerializer(serializers.ModelSerializer):
    measure = serializers.PrimaryKeyRelatedField(read_only=True)
    measure_code = serializers.CharField(source="measure.code", read_only=True)
    department = serializers.CharField(source="assignment.department.code", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = MeasureFeedback
        fields = [
            "id", "assignment", "department", "measure", "measure_code", "outcome", "note", "occurred_on",
            "business_reference", "source", "recorded_by", "created_at",
        ]
        read_only_fields = fields
