"""``GET /api/v1/public/records/?q=``: the public 双公示 query, masked (records.public).

No authentication, throttled by DRF's ``public`` scope, paginated and signed as the public list
search (``lists.public_api``): the query is not echoed, the ``next``/``previous`` links carry it as ``t``.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from credit_platform.api.schema import error_responses
from lists.public_api import PublicListEntryList
from records import public


class PublicContentSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class PublicRecordSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Organisation name; a natural person's family name only (张*).")
    identifier = serializers.CharField(help_text="Masked: the first 6 and last 4 characters at most.")
    subject_kind = serializers.CharField()
    kind = serializers.ChoiceField(choices=list(public.PUBLIC_KINDS))
    kind_label = serializers.CharField()
    record_type = serializers.CharField(help_text="The catalogue item's name.")
    decision_number = serializers.CharField()
    decided_on = serializers.DateField()
    severity = serializers.CharField(help_text="Penalties: minor, general or severe; empty for licences.")
    severity_label = serializers.CharField()
    basis = serializers.CharField()
    content = PublicContentSerializer(many=True, help_text="The type's fields (organisations only).")
    department = serializers.CharField(help_text="The deciding (providing) department.")
    valid_until = serializers.DateField(allow_null=True)
    publication_ends_on = serializers.DateField(allow_null=True, help_text="The last day the record is published (公示截止期).")
    source_region = serializers.CharField(help_text="The region (GB/T 2260) that decided it when received through the exchange; else empty.")

    def to_representation(self, instance):
        return super().to_representation(public.public_row(instance))


class PublicRecordList(PublicListEntryList):
    """Published licensing and penalty records of public types matching ``q``; masked; no minors."""

    serializer_class = PublicRecordSerializer

    def get_queryset(self):
        return public.public_records(q=self._query())

    @extend_schema(
        summary="双公示: search the published licensing and penalty decisions (public, masked)",
        tags=["public"],
        auth=[],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name, or a full unified social credit code or citizen ID (2–100 characters)."),
            OpenApiParameter("t", OpenApiTypes.STR, description="The signed query of a next/previous link (instead of q)."),
        ],
        responses={200: PublicRecordSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
