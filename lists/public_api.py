"""``GET /api/v1/public/list-entries/?q=``: the public search of the red and black lists, masked.

No authentication, throttled by DRF's ``public`` scope; the same entries and the same masked fields
as the website (``lists.public``). The query is not echoed: the ``next``/``previous`` links carry it
signed as ``t``.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from credit_platform.api.schema import PlatformAutoSchema, error_responses
from lists import public


class PublicListEntrySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Organisation name; a natural person's family name only (张*).")
    identifier = serializers.CharField(help_text="An organisation's unified social credit code in full; a person's ID number masked (the first 6 and last 4 characters at most).")
    subject_kind = serializers.CharField()
    list_type = serializers.ChoiceField(choices=list(public.PUBLIC_LISTS))
    list_type_label = serializers.CharField()
    domain = serializers.CharField()
    domain_label = serializers.CharField()
    basis = serializers.CharField()
    decision_number = serializers.CharField()
    decided_on = serializers.DateField()
    publication_ends_on = serializers.DateField(
        allow_null=True, help_text="Black list: the publication period runs from decided_on to this date; null for a red entry.",
    )
    valid_until = serializers.DateField(
        allow_null=True, help_text="Red list: the entry is valid from decided_on to this date; null for a black entry.",
    )
    identifying_department = serializers.CharField()
    under_verification = serializers.BooleanField(help_text="An objection is being verified (异议核查中).")
    status_label = serializers.CharField()

    def to_representation(self, instance):
        return super().to_representation(public.public_row(instance))


class PublicPagination(PageNumberPagination):
    page_size = public.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 50

    def _without_query(self, url):
        q = self.request.query_params.get("q")
        if url is None or q is None:
            return url
        return replace_query_param(remove_query_param(url, "q"), "t", public.query_token(q.strip()))

    def get_next_link(self):
        return self._without_query(super().get_next_link())

    def get_previous_link(self):
        return self._without_query(super().get_previous_link())


class PublicListEntryList(generics.ListAPIView):
    """Published and suspended entries of the red and black lists matching ``q``; masked; no minors."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public"
    pagination_class = PublicPagination
    serializer_class = PublicListEntrySerializer
    filter_backends = []
    schema = PlatformAutoSchema()

    def _query(self) -> str:
        raw = self.request.query_params.get("q")
        if raw is None and self.request.query_params.get("t"):
            raw = public.query_from_token(self.request.query_params["t"])
        try:
            return public.clean_query(raw)
        except public.QueryError as exc:
            raise ValidationError({"q": [str(exc)]}) from None

    def get_queryset(self):
        return public.public_entries(q=self._query())

    @extend_schema(
        summary="Search the published red and black lists (public, masked)",
        tags=["public"],
        auth=[],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name, or a full unified social credit code or citizen ID (2–100 characters)."),
            OpenApiParameter("t", OpenApiTypes.STR, description="The signed query of a next/previous link (instead of q)."),
        ],
        responses={200: PublicListEntrySerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
