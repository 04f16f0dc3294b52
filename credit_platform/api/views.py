"""API base classes every app's viewsets subclass, and the platform core's endpoints.

- ``PlatformViewSet`` / ``PlatformReadOnlyViewSet``: token or session authentication (401 when
  anonymous), ``IsDepartmentMember`` by default, ``Idempotency-Key`` on every POST, the documented
  error responses in the schema.
"""
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from credit_platform import identifiers, permissions, selectors
from credit_platform.api import serializers
from credit_platform.services import subject_register
from credit_platform.api.authentication import API_AUTHENTICATION_CLASSES
from credit_platform.api.idempotency import IdempotentMixin
from credit_platform.api.pagination import LargeTablePagination
from credit_platform.api.schema import PlatformAutoSchema, error_responses
from credit_platform.models import Department, Subject, SubjectKind


class PlatformAPIMixin(IdempotentMixin):
    # Also the recommended settings defaults; declared here so every platform view agrees
    # whatever other views use.
    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [permissions.IsDepartmentMember]
    schema = PlatformAutoSchema()


class PlatformViewSet(PlatformAPIMixin, viewsets.GenericViewSet):
    """Base for viewsets with writes: add the mixins or ``@action``s you need."""


class PlatformReadOnlyViewSet(PlatformAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Base for list + retrieve endpoints (transitions as ``@action(detail=True, methods=["post"])``)."""


# --- Departments ---------------------------------------------------------------------------


class DepartmentFilter(filters.FilterSet):
    code = filters.CharFilter(field_name="code", help_text="Exact department code.")

    class Meta:
        model = Department
        fields = ["code"]


@extend_schema_view(
    list=extend_schema(summary="Departments taking part", tags=["departments"]),
    retrieve=extend_schema(summary="One department by its code", tags=["departments"]),
)
class DepartmentViewSet(PlatformReadOnlyViewSet):
    serializer_class = serializers.DepartmentSerializer
    filterset_class = DepartmentFilter
    lookup_field = "code"
    lookup_value_regex = r"[-\w]+"

    def get_queryset(self):
        return selectors.departments_list()


# --- Subjects ------------------------------------------------------------------------------

REASON_PARAMETER = OpenApiParameter(
    "reason",
    str,
    description=(
        "Why the record is looked up (for example the case or file number); logged with every natural "
        "person shown (RULES.md). **Required to read natural persons**: for `kind=natural_person`, for an "
        "`identifier` that is a citizen ID and for a person's detail (400 without it). Without it, lists "
        "leave persons out and an organisation's responsible persons are shown masked; organisations need "
        "none. A department sees the persons it has work about (its cases and pushes, the list entries it "
        "identified, the objections and repairs it decides) and the one whose exact `identifier` it "
        "gives; the credit office and the leadership office see every person."
    ),
)


class SubjectFilter(filters.FilterSet):
    identifier = filters.CharFilter(
        method="filter_identifier", help_text="Exact unified social credit code or citizen ID; case and spaces ignored."
    )
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Part of the name.")
    kind = filters.ChoiceFilter(choices=SubjectKind.choices)

    class Meta:
        model = Subject
        fields = ["identifier", "q", "kind"]

    def filter_identifier(self, queryset, name, value):
        # Exact match on the unique index of subject.identifier, after normalising.
        return queryset.filter(identifier=identifiers.normalise(value))


class SubjectPermissions(permissions.IsDepartmentMember):
    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return permissions.can_create_subject(request.user)
        return True


@extend_schema_view(
    list=extend_schema(
        summary="Search subjects",
        description="Organisations for anyone; natural persons only with a `reason`, within need-to-know (see `reason`).",
        tags=["subjects"],
        parameters=[REASON_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="One subject with its responsible persons",
        description=(
            "A natural person needs a `reason` (400 without) and is found only when the department has work "
            "about them (404 otherwise; a person it has no work about yet is found by the list's exact "
            "`identifier`). An organisation needs none: without a reason its responsible persons are masked."
        ),
        tags=["subjects"],
        parameters=[REASON_PARAMETER],
        responses={200: serializers.SubjectDetailSerializer, **error_responses(400)},
    ),
    create=extend_schema(
        summary="Register a subject",
        tags=["subjects"],
        request=serializers.SubjectCreateSerializer,
        responses={201: serializers.SubjectDetailSerializer},
    ),
)
class SubjectViewSet(mixins.CreateModelMixin, PlatformReadOnlyViewSet):
    serializer_class = serializers.SubjectSerializer
    permission_classes = [SubjectPermissions]
    pagination_class = LargeTablePagination
    filterset_class = SubjectFilter

    def get_queryset(self):
        """What the list may show (see REASON_PARAMETER), decided from the request alone so that the
        answer tells nothing about persons out of reach."""
        user, params = self.request.user, self.request.query_params
        reason = self._reason()
        kind, identifier = params.get("kind", ""), params.get("identifier", "")
        asks_for_persons = kind == SubjectKind.NATURAL_PERSON or (identifier and selectors.is_person_identifier(identifier))
        if asks_for_persons:
            selectors.clean_reason(reason)  # 400 on ``reason`` when blank
        if identifier:
            # An exact identifier finds its subject whoever has work about it.
            found = selectors.subjects_by_identifier(identifier)
            return found if reason else found.exclude(kind=SubjectKind.NATURAL_PERSON)
        if kind == SubjectKind.NATURAL_PERSON:
            return selectors.persons_shown_to_user(user)
        return selectors.subjects_shown_to_user(user, with_persons=bool(reason))

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.SubjectCreateSerializer
        if self.action == "retrieve":
            return serializers.SubjectDetailSerializer
        return serializers.SubjectSerializer

    def _reason(self) -> str:
        return self.request.query_params.get("reason", "").strip()[: selectors.REASON_MAX_LENGTH]

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if self._reason():
            selectors.person_records_viewed(user=request.user, subjects=page, reason=self._reason())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        reason = self._reason()
        subject = selectors.subject_get_for_user(user=request.user, subject_id=kwargs["pk"], reason=reason)
        context = {**self.get_serializer_context(), "mask_persons": not reason}
        return Response(serializers.SubjectDetailSerializer(subject, context=context).data)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            subject = subject_register(**data.validated_data, actor=request.user)
        except IntegrityError:
            # Registered by a simultaneous request between validation and insert.
            if Subject.objects.filter(identifier=data.validated_data["identifier"]).exists():
                raise ValidationError({"identifier": [_("A subject with this identifier already exists.")]}) from None
            raise
        # The registrant's own answer: not a look-up of someone's record, so nothing is logged.
        subject = selectors.subject_detail(subject_id=subject.pk)
        return Response(serializers.SubjectDetailSerializer(subject).data, status=status.HTTP_201_CREATED)
