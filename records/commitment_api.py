"""The commitment API (``/api/v1/commitments/``): thin; ``records.access`` decides what the caller
sees (404 otherwise) and may manage (403), the services decide the rest (400, 409)."""
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from credit_platform import permissions
from credit_platform.api.filters import IdFilter
from credit_platform.api.persons import PersonsMaskedMixin
from credit_platform.api.serializers import ReasonSerializer, SubjectBriefSerializer, allowed_transitions
from credit_platform.api.views import PlatformReadOnlyViewSet
from credit_platform.models import Subject
from credit_platform.selectors import subjects_for_user
from records import access, services
from records.commitment_models import Commitment, CommitmentKind, CommitmentState


class CommitmentSerializer(serializers.ModelSerializer):
    subject = SubjectBriefSerializer(read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=_("The accepting department's code."))
    allowed_transitions = serializers.SerializerMethodField(help_text=_("Actions the caller may run now (fulfil, breach)."))

    class Meta:
        model = Commitment
        fields = [
            "id", "subject", "kind", "matter", "business_reference", "promised", "due_on", "department", "public", "state",
            "breach_reason", "breached_on", "breach_record", "fulfilled_at", "breached_at", "created_at", "updated_at", "allowed_transitions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, commitment) -> list[str]:
        return allowed_transitions(commitment, self.context["request"].user)


class CommitmentCreateSerializer(serializers.Serializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.none(), help_text=_("The subject's id."))
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    matter = serializers.CharField(max_length=300, help_text=_("The matter (approval, repair, ...) the commitment is made for."))
    business_reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    promised = serializers.CharField(max_length=10_000, help_text=_("What the subject promised."))
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    public = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text=_("Default by kind: public, except repair commitments."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["subject"].queryset = subjects_for_user(request.user)


class CommitmentFilter(filters.FilterSet):
    subject = IdFilter(field_name="subject_id", help_text="The subject's id.")
    state = filters.ChoiceFilter(choices=CommitmentState.choices)
    kind = filters.ChoiceFilter(choices=CommitmentKind.choices)

    class Meta:
        model = Commitment
        fields = ["subject", "state", "kind"]


class CommitmentPermissions(permissions.IsDepartmentMember):
    """Reading needs a department (the queryset decides what it sees); recording one, a department that accepts them."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) == "create":
            return access.can_accept_commitments(request.user)
        return True


TAG = ["commitments"]


def _transition(summary, request=None, description=""):
    return extend_schema(summary=summary, description=description, tags=TAG, request=request, responses={200: CommitmentSerializer})


@extend_schema_view(
    list=extend_schema(summary="Credit commitments the caller may see (its own, the public ones)", tags=TAG),
    retrieve=extend_schema(summary="One credit commitment", tags=TAG),
    create=extend_schema(summary="Record a commitment accepted by the caller's department", tags=TAG,
                         request=CommitmentCreateSerializer, responses={201: CommitmentSerializer}),
)
class CommitmentViewSet(PersonsMaskedMixin, mixins.CreateModelMixin, PlatformReadOnlyViewSet):
    serializer_class = CommitmentSerializer
    permission_classes = [CommitmentPermissions]
    filterset_class = CommitmentFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return access.commitments_for_user(self.request.user).select_related("subject", "department").order_by("-id")

    def get_serializer_class(self):
        return CommitmentCreateSerializer if self.action == "create" else CommitmentSerializer

    def _commitment(self, pk) -> Commitment:
        commitment = access.commitment_get_for_user(user=self.request.user, commitment_id=pk)
        if not access.can_manage_commitment(self.request.user, commitment):
            raise PermissionDenied(_("Only the accepting department can decide on this commitment."))
        return commitment

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        commitment = access.commitment_get_for_user(user=self.request.user, commitment_id=pk, queryset=self.get_queryset())
        return Response(CommitmentSerializer(commitment, context=self.get_serializer_context()).data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        commitment = access.commitment_get_for_user(user=request.user, commitment_id=kwargs["pk"], queryset=self.get_queryset())
        self.log_persons([commitment])
        return Response(CommitmentSerializer(commitment, context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = services.commitment_create(actor=request.user, **data.validated_data)
        return self._detail(commitment.pk, status.HTTP_201_CREATED)

    @_transition("The commitment is fulfilled")
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        services.commitment_fulfil(commitment=self._commitment(pk), actor=request.user)
        return self._detail(pk)

    @_transition("The commitment is breached", request=ReasonSerializer,
                 description="Records a published dishonesty record of the breach (违背信用承诺信息) and tells the accepting "
                 "department to revoke the approval granted on it; bars repair and the green channel.")
    @action(detail=True, methods=["post"])
    def breach(self, request, pk=None):
        commitment = self._commitment(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.commitment_breach(commitment=commitment, actor=request.user, reason=data.validated_data["reason"])
        return self._detail(pk)


__all__ = ["CommitmentViewSet"]
