"""Query-string filters of the record API (django-filter). Types and departments by ``code``."""
from django.utils import timezone
from django_filters import rest_framework as filters

from credit_platform.api.filters import IdFilter
from records import selectors
from records.models import CreditRecord, RecordKind, RecordState


class CreditRecordFilter(filters.FilterSet):
    subject = IdFilter(field_name="subject_id", help_text="The subject's id.")
    record_type = filters.CharFilter(field_name="record_type__code", help_text="The record type's code.")
    kind = filters.ChoiceFilter(field_name="record_type__kind", choices=RecordKind.choices)
    state = filters.ChoiceFilter(choices=RecordState.choices)
    department = filters.CharFilter(field_name="department__code", help_text="The providing department's code.")
    overdue = filters.BooleanFilter(
        method="filter_overdue", help_text="true: drafts past their 双公示 publication date; false: every other record.",
    )

    class Meta:
        model = CreditRecord
        fields = ["subject", "record_type", "kind", "state", "department", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.publication_q("overdue", timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
