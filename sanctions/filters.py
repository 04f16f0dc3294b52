"""Query-string filters of the sanctions API (django-filter). Departments and memoranda by ``code``."""
from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters

from credit_platform import identifiers
from credit_platform.api.filters import IdFilter
from credit_platform.domains import MeasureKind
from sanctions.models import Assignment, AssignmentState, CaseState, Category, JointCase, Measure, Memorandum
from sanctions.selectors import overdue_q


class MeasureFilter(filters.FilterSet):
    code = filters.CharFilter(field_name="code", help_text="Exact measure code, e.g. P-FIN-01.")
    kind = filters.ChoiceFilter(choices=MeasureKind.choices)
    category = filters.ChoiceFilter(choices=Category.choices)
    department = filters.CharFilter(field_name="department__code", help_text="The executing department's code.")

    class Meta:
        model = Measure
        fields = ["code", "kind", "category", "department"]


class MemorandumFilter(filters.FilterSet):
    code = filters.CharFilter(field_name="code", help_text="Exact memorandum code, e.g. judgement-defaulters.")
    kind = filters.ChoiceFilter(choices=MeasureKind.choices)
    department = filters.CharFilter(
        method="filter_department", help_text="Memoranda with at least one measure executed by this department (code)."
    )
    initiator = filters.CharFilter(field_name="initiators__code", help_text="Memoranda this department (code) initiates cases under.")

    class Meta:
        model = Memorandum
        fields = ["code", "kind", "department", "initiator"]

    def filter_department(self, queryset, name, value):
        # A semi-join rather than a join, so a memorandum with several of the department's measures appears once.
        through = Memorandum.measures.through
        return queryset.filter(Exists(through.objects.filter(memorandum_id=OuterRef("pk"), measure__department__code=value)))


class CaseFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=CaseState.choices)
    kind = filters.ChoiceFilter(choices=MeasureKind.choices)
    memorandum = filters.CharFilter(field_name="memorandum__code", help_text="The memorandum's code.")
    subject_identifier = filters.CharFilter(
        method="filter_subject_identifier", help_text="The subject's unified social credit code or citizen ID; case and spaces ignored."
    )
    initiating_department = filters.CharFilter(field_name="initiating_department__code", help_text="The initiating department's code.")

    class Meta:
        model = JointCase
        fields = ["state", "kind", "memorandum", "subject_identifier", "initiating_department"]

    def filter_subject_identifier(self, queryset, name, value):
        # Uses case_subject_state_idx after the unique index on subject.identifier.
        return queryset.filter(subject__identifier=identifiers.normalise(value))


class AssignmentFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=AssignmentState.choices)
    # A number, not a model choice: an unknown and an invisible case must both answer an empty list.
    case = IdFilter(field_name="case_id", help_text="The case's id.")
    # A choice rather than a BooleanFilter, which silently ignores a value it cannot read.
    overdue = filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_overdue",
        help_text="true: past a sign-for, feedback or lifting due date; false: not overdue.",
    )
    department = filters.CharFilter(field_name="department__code", help_text="The executing department's code.")
    subject_identifier = filters.CharFilter(
        method="filter_subject_identifier",
        help_text="Identifier of the case's subject or of the push's target (a responsible person); case and spaces ignored.",
    )

    class Meta:
        model = Assignment
        fields = ["state", "case", "overdue", "department", "subject_identifier"]

    def filter_overdue(self, queryset, name, value):
        # overdue_q for "true" keeps the state/due-date indexes usable; "false" reads the annotation.
        return queryset.filter(overdue_q()) if value == "true" else queryset.filter(is_overdue=False)

    def filter_subject_identifier(self, queryset, name, value):
        identifier = identifiers.normalise(value)
        return queryset.filter(Q(target__identifier=identifier) | Q(case__subject__identifier=identifier))
