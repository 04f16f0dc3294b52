"""``GET /api/v1/public/commitments/?q=``: 信用承诺公示, masked (records.commitment_public).

No authentication, throttled by DRF's ``public`` scope, paginated and signed as the public list search.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from credit_platform.api.schema import error_responses
from lists.public_api import PublicListEntryList
from records import commitment_public
from records.commitment_models import CommitmentKind, CommitmentState


class PublicCommitmentSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Organisation name; a natural person's family name only (张*).")
    identifier = serializers.CharField(help_text="Masked: the first 6 and last 4 characters at most.")
    subject_kind = serializers.CharField()
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    kind_label = serializers.CharField()
    matter = serializers.CharField()
    promised = serializers.CharField(help_text="What was promised (organisations only).")
    department = serializers.CharField(help_text="The accepting department.")
    committed_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=CommitmentState.choices)
    state_label = serializers.CharField()
    breached_on = serializers.DateField(allow_null=True)

    def to_representation(self, instance):
        return super().to_representation(commitment_public.public_commitment_row(instance))


class PublicCommitmentList(PublicListEntryList):
    """Public commitments (信用承诺公示) matching ``q``; masked; no minors."""

    serializer_class = PublicCommitmentSerializer

    def get_queryset(self):
        return commitment_public.public_commitments(q=self._query())

    @extend_schema(
        summary="信用承诺公示: search the public credit commitments (public, masked)",
        tags=["public"],
        auth=[],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name, or a full unified social credit code or citizen ID (2–100 characters)."),
            OpenApiParameter("t", OpenApiTypes.STR, description="The signed query of a next/previous link (instead of q)."),
        ],
        responses={200: PublicCommitmentSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
