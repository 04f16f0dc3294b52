"""Serializers of the platform core: departments and subjects, and the pieces every app's API uses (reasons,
the subject in brief, the transitions open to the caller). Input validation only; writes go to services."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from credit_platform import identifiers, services
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind

ROLE_CHOICES = ["credit_office", "leadership_office", "initiating", "executing"]

# Transition methods whose endpoint has another name (``return`` is a Python keyword).
ENDPOINT_NAMES = {"return_": "return"}


def allowed_transitions(obj, user) -> list[str]:
    """The transitions ``user`` may run on ``obj`` now (the transitions' own ``permission=`` decides);
    moves the platform makes itself (``custom={"admin": False}``) are never offered."""
    names = {
        ENDPOINT_NAMES.get(t.name, t.name)
        for t in obj.get_available_user_state_transitions(user)
        if t.custom.get("admin", True) is not False
    }
    return sorted(names)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DepartmentSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLE_CHOICES), read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("The parent department's code.")
    )

    class Meta:
        model = Department
        fields = ["code", "name", "name_en", "roles", "parent", "region_code", "level", "is_active"]
        read_only_fields = fields


class SubjectBriefSerializer(serializers.ModelSerializer):
    """A subject in a row of cases or entries. A natural person is masked (ID: first 6 and last 4
    characters; name: family name) when the view says no reason was given (``mask_persons``)."""

    class Meta:
        model = Subject
        fields = ["id", "name", "identifier", "kind"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("mask_persons") and instance.kind == SubjectKind.NATURAL_PERSON:
            data["identifier"] = identifiers.mask_identifier(data["identifier"])
            data["name"] = identifiers.mask_person_name(data["name"])
        return data


class SubjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["id", "kind", "identifier", "name", "birth_date", "is_watch_flagged", "created_at", "updated_at"]
        read_only_fields = fields


class ResponsiblePersonSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", read_only=True)
    identifier = serializers.CharField(
        source="person.identifier", read_only=True, help_text=_("Masked (first 6 and last 4 characters) unless a reason is given.")
    )
    name = serializers.CharField(source="person.name", read_only=True, help_text=_("Masked (family name only) unless a reason is given."))

    class Meta:
        model = ResponsiblePerson
        fields = ["person", "identifier", "name", "role"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("mask_persons"):
            # A person's data is shown in full only with a reason (and then logged).
            data["identifier"] = identifiers.mask_identifier(data["identifier"])
            data["name"] = identifiers.mask_person_name(data["name"])
        return data


class SubjectDetailSerializer(SubjectSerializer):
    responsible_persons = ResponsiblePersonSerializer(many=True, read_only=True)

    class Meta(SubjectSerializer.Meta):
        fields = [*SubjectSerializer.Meta.fields, "responsible_persons"]
        read_only_fields = fields


class ResponsiblePersonInputSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=32, help_text=_("The person's 18-character citizen ID number."))
    name = serializers.CharField(max_length=200)
    role = serializers.ChoiceField(choices=ResponsiblePerson.Role.choices)

    def validate(self, attrs):
        attrs["identifier"] = identifiers.normalise(attrs["identifier"])
        attrs["name"] = attrs["name"].strip()
        # Raises ValidationError({"identifier": [...]}), reported under responsible_persons[i].
        identifiers.validate_for_kind(attrs["identifier"], SubjectKind.NATURAL_PERSON, field="identifier")
        return attrs


class SubjectCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SubjectKind.choices)
    identifier = serializers.CharField(
        max_length=32,
        help_text=_("Unified social credit code (organisations) or citizen ID number (persons); case and spaces ignored."),
    )
    name = serializers.CharField(max_length=200)
    responsible_persons = ResponsiblePersonInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text=_("Organisations only: legal representative and other responsible persons; unknown persons are registered."),
    )

    def validate(self, attrs):
        # The service's own checks (check character, 15-digit IDs, duplicates), keyed by field.
        attrs["identifier"], attrs["name"] = services.subject_validate(
            kind=attrs["kind"], identifier=attrs["identifier"], name=attrs["name"]
        )
        if attrs["responsible_persons"] and attrs["kind"] == SubjectKind.NATURAL_PERSON:
            raise DjangoValidationError({"responsible_persons": [_("Only an organisation has responsible persons.")]})
        return attrs
