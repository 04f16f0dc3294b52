"""Query-string filters of the list entry API (django-filter). Departments by ``code``."""
from django_filters import rest_framework as filters

from credit_platform import identifiers
from credit_platform.domains import Domain, ListType
from lists.models import EntryState, ListEntry, Severity
from lists.selectors import removal_pending_q


class ListEntryFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=EntryState.choices)
    list_type = filters.ChoiceFilter(choices=ListType.choices)
    domain = filters.ChoiceFilter(choices=Domain.choices)
    severity = filters.ChoiceFilter(choices=Severity.choices)
    subject_identifier = filters.CharFilter(
        method="filter_subject_identifier", help_text="The subject's unified social credit code or citizen ID; case and spaces ignored."
    )
    department = filters.CharFilter(field_name="identifying_department__code", help_text="The identifying department's code.")
    removal_proposed = filters.BooleanFilter(
        method="filter_removal_proposed", help_text="true: red entries on the list whose removal a dishonesty of the subject proposed.",
    )

    class Meta:
        model = ListEntry
        fields = ["state", "list_type", "domain", "severity", "subject_identifier", "department", "removal_proposed"]

    def filter_subject_identifier(self, queryset, name, value):
        # The unique index on subject.identifier, then entry_subject_state_idx.
        return queryset.filter(subject__identifier=identifiers.normalise(value))

    def filter_removal_proposed(self, queryset, name, value):
        return queryset.filter(removal_pending_q()) if value else queryset.exclude(removal_pending_q())
