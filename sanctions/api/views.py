"""Viewsets of the sanctions API: catalogue, cases, assignments, bulk pushes.

Thin: every object is fetched through ``sanctions.access`` (404 for what the caller may not see),
every list starts from an access-scoped selector, every move calls one service; the services decide
who may act (403) and what the state allows (409).
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from credit_platform import permissions
from credit_platform.api.pagination import LargeTablePagination
from credit_platform.api.persons import PersonsMaskedMixin
from credit_platform.api.serializers import OptionalReasonSerializer, ReasonSerializer
from credit_platform.api.views import PlatformReadOnlyViewSet, PlatformViewSet
from credit_platform.models import Department
from sanctions import access, selectors, services
from sanctions.api import serializers
from sanctions.filters import AssignmentFilter, CaseFilter, MeasureFilter, MemorandumFilter
from sanctions.models import Amendment, Assignment, AssignmentState, Measure, MeasureLifting, Memorandum

# --- catalogue -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Measures of the catalogue", tags=["catalogue"]),
    retrieve=extend_schema(summary="One measure", tags=["catalogue"]),
)
class MeasureViewSet(PlatformReadOnlyViewSet):
    serializer_class = serializers.MeasureSerializer
    filterset_class = MeasureFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Measure.objects.select_related("department").order_by("code")


@extend_schema_view(
    list=extend_schema(summary="Cooperation memoranda with their measures", tags=["catalogue"]),
    retrieve=extend_schema(summary="One memorandum with its measures", tags=["catalogue"]),
)
class MemorandumViewSet(PlatformReadOnlyViewSet):
    serializer_class = serializers.MemorandumSerializer
    filterset_class = MemorandumFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        # Three queries whatever the number of memoranda: memoranda, their measures (with the
        # executing departments), their initiators.
        return Memorandum.objects.order_by("code").prefetch_related(
            Prefetch("measures", queryset=Measure.objects.select_related("department").order_by("code")),
            Prefetch("initiators", queryset=Department.objects.only("pk", "code").order_by("code")),
        )


# --- cases -----------------------------------------------------------------------------------------


class CasePermissions(permissions.IsDepartmentMember):
    """Reading needs a department (the queryset decides what it sees); opening or bulk-pushing cases
    needs an initiating department (the memorandum's initiators are checked by the service)."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if getattr(view, "action", None) in ("create", "bulk_push", "bulk_lift"):
            return access.can_initiate(request.user)
        return True


CASE_TAG = ["cases"]


def _case_transition(summary, request=None, description=""):
    return extend_schema(
        summary=summary, description=description, tags=CASE_TAG, request=request, responses={200: serializers.CaseDetailSerializer}
    )


@extend_schema_view(
    list=extend_schema(summary="Cases the caller's department may see", tags=CASE_TAG),
    retrieve=extend_schema(summary="One case, with the pushes the caller may see", tags=CASE_TAG),
    create=extend_schema(
        summary="Open a draft case",
        tags=CASE_TAG,
        request=serializers.CaseCreateSerializer,
        responses={201: serializers.CaseDetailSerializer},
    ),
)
class CaseViewSet(PersonsMaskedMixin, mixins.CreateModelMixin, PlatformReadOnlyViewSet):
    serializer_class = serializers.CaseSerializer
    permission_classes = [CasePermissions]
    pagination_class = LargeTablePagination
    filterset_class = CaseFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        measures = Prefetch("measures", queryset=Measure.objects.only("pk", "code").order_by("code"))
        queryset = selectors.cases_list(user=self.request.user).prefetch_related(measures)
        if self.action != "list":
            amendments = Prefetch("amendments", queryset=Amendment.objects.select_related("actor").prefetch_related("added", "withdrawn"))
            queryset = queryset.prefetch_related(amendments)
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.CaseCreateSerializer
        if self.action == "list":
            return serializers.CaseSerializer
        return serializers.CaseDetailSerializer

    def _detail(self, case_id, status_code=status.HTTP_200_OK) -> Response:
        case = access.case_get_for_user(user=self.request.user, case_id=case_id, queryset=self.get_queryset())
        self.log_persons([case])
        return Response(serializers.CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=status_code)

    def subjects_shown(self, case) -> list:
        if self.action == "list":
            return [case.subject]
        # The detail also shows the targets (responsible persons) of the pushes the caller may see.
        targets = selectors.case_assignments_visible(user=self.request.user, case=case).select_related("target")
        return [case.subject, *(a.target for a in targets)]

    def _case(self, pk):
        return access.case_get_for_user(user=self.request.user, case_id=pk)

    def _move(self, pk, service) -> Response:
        """A transition with one access check: the case is fetched once through the access function
        with what the answer shows, the service moves it (under its lock), and the answer shows the
        moved row the service hands back (read with its subject, memorandum and department under the
        lock) with the measures and amendments of the first fetch: a move changes neither."""
        shown = access.case_get_for_user(user=self.request.user, case_id=pk, queryset=self.get_queryset())
        moved = service(case=shown, actor=self.request.user)
        moved._prefetched_objects_cache = shown._prefetched_objects_cache
        self.log_persons([moved])
        return Response(serializers.CaseDetailSerializer(moved, context=self.get_serializer_context()).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_create(actor=request.user, **data.validated_data)
        return self._detail(case.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct a draft case (basis, period, measures)",
        description="Only a draft, only by its initiating department (403); another state answers 409.",
        tags=CASE_TAG, request=serializers.CaseDraftUpdateSerializer, responses={200: serializers.CaseDetailSerializer},
    )
    def partial_update(self, request, pk=None):
        case = self._case(pk)
        if not access.can_manage_case(request.user, case):  # who may act, before what they sent (403 before 400)
            raise PermissionDenied(_("Only the initiating department can edit this case."))
        data = serializers.CaseDraftUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {
            "basis": case.basis, "basis_document": case.basis_document, "period_start": case.period_start,
            "period_end": case.period_end, "measures": list(case.measures.all()), **data.validated_data,
        }
        services.case_draft_update(case=case, actor=request.user, **values)
        return self._detail(pk)

    @extend_schema(
        summary="Amend a live case: add measures of its memorandum, withdraw measures, with a reason",
        description="Only a pushed, executing or feedback-complete case (409 otherwise: a held case is decided first), "
                    "only by its initiating department or the credit office (403). An added measure is pushed at once to "
                    "its department as a new push with its own deadlines (a feedback-complete case returns to executing); "
                    "a withdrawn one is lifted: its department confirms it, or lifts its whole push when nothing is left on it.",
        tags=CASE_TAG, request=serializers.CaseAmendSerializer, responses={200: serializers.CaseDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        case = self._case(pk)
        if not access.can_manage_case(request.user, case):  # who may act, before what they sent (403 before 400)
            raise PermissionDenied(_("Only the initiating department can amend this case."))
        data = serializers.CaseAmendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_amend(case=case, actor=request.user, **data.validated_data)
        return self._detail(pk)

    @_case_transition("Initiate a draft case (basis, measures and period are fixed)")
    @action(detail=True, methods=["post"])
    def initiate(self, request, pk=None):
        return self._move(pk, services.case_initiate)

    @_case_transition("Push an initiated case to its executing departments", description="Creates one assignment per executing department and target.")
    @action(detail=True, methods=["post"])
    def push(self, request, pk=None):
        return self._move(pk, services.case_push)

    @_case_transition("Revoke a case; its measures are lifted", request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        case = self._case(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_revoke(case=case, actor=request.user, reason=data.validated_data["reason"])
        return self._detail(pk)

    @_case_transition("Discard a draft case", request=OptionalReasonSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        case = self._case(pk)
        data = OptionalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.case_discard(case=case, actor=request.user, reason=data.validated_data["reason"])
        return self._detail(pk)

    @extend_schema(
        summary="Push many initiated cases in the background",
        description="Answers at once with the job; follow its progress at status_url.",
        tags=CASE_TAG,
        request=serializers.BulkPushRequestSerializer,
        responses={202: serializers.BulkPushJobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="bulk-push")
    def bulk_push(self, request):
        data = serializers.BulkPushRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.bulk_push_request(actor=request.user, case_ids=data.validated_data["cases"])
        body = serializers.BulkPushJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})

    @extend_schema(
        summary="Lift many cases in the background (revoke, or end those whose period is over)",
        description="Only cases the caller may manage; cases already ended are skipped. Answers at once with the job "
                    "(kind lift; ``pushed`` counts the cases ended); follow its progress at status_url.",
        tags=CASE_TAG,
        request=serializers.BulkLiftRequestSerializer,
        responses={202: serializers.BulkPushJobSerializer},
    )
    @action(detail=False, methods=["post"], url_path="bulk-lift")
    def bulk_lift(self, request):
        data = serializers.BulkLiftRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.bulk_lift_request(actor=request.user, case_ids=data.validated_data["cases"], how=data.validated_data["how"],
                                         reason=data.validated_data["reason"])
        body = serializers.BulkPushJobSerializer(job, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})


@extend_schema_view(retrieve=extend_schema(summary="Progress of a bulk push or lifting", tags=CASE_TAG))
class BulkPushJobViewSet(mixins.RetrieveModelMixin, PlatformViewSet):
    serializer_class = serializers.BulkPushJobSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return access.bulk_push_jobs_for_user(self.request.user)


# --- assignments -----------------------------------------------------------------------------------

ASSIGNMENT_TAG = ["assignments"]


def _assignment_transition(summary, request=None, description=""):
    return extend_schema(
        summary=summary, description=description, tags=ASSIGNMENT_TAG, request=request,
        responses={200: serializers.AssignmentDetailSerializer},
    )


@extend_schema_view(
    list=extend_schema(summary="Pushes the caller's department may see (its own, and those of the cases it initiated)", tags=ASSIGNMENT_TAG),
    retrieve=extend_schema(summary="One push", tags=ASSIGNMENT_TAG),
)
class AssignmentViewSet(PersonsMaskedMixin, PlatformReadOnlyViewSet):
    serializer_class = serializers.AssignmentSerializer
    pagination_class = LargeTablePagination
    filterset_class = AssignmentFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        measures = Prefetch("measures", queryset=Measure.objects.only("pk", "code", "name", "name_en").order_by("code"))
        liftings = Prefetch("measure_liftings", queryset=MeasureLifting.objects.select_related("measure").order_by("pk"))
        return selectors.assignments_list(user=self.request.user).prefetch_related(measures, liftings)

    def get_serializer_class(self):
        return serializers.AssignmentSerializer if self.action == "list" else serializers.AssignmentDetailSerializer

    def subjects_shown(self, assignment) -> list:
        return [assignment.case.subject, assignment.target]

    def _assignment(self, pk):
        return access.assignment_get_for_user(user=self.request.user, assignment_id=pk)

    def _detail(self, assignment_id, status_code=status.HTTP_200_OK) -> Response:
        assignment = access.assignment_get_for_user(user=self.request.user, assignment_id=assignment_id, queryset=self.get_queryset())
        self.log_persons([assignment])
        return Response(serializers.AssignmentDetailSerializer(assignment, context=self.get_serializer_context()).data, status=status_code)

    def _shown(self, pk) -> Assignment:
        """The push, fetched once through the access function with what the answer shows."""
        return access.assignment_get_for_user(user=self.request.user, assignment_id=pk, queryset=self.get_queryset())

    def _moved(self, shown: Assignment, moved: Assignment) -> Response:
        """The answer to a sign-for or feedback, without a second access check: the moved row read
        again (its state, dates and overdue flag), with the measures and liftings of the first fetch
        (neither move changes them) and the grant the service found."""
        fresh = selectors.assignment_after_move(assignment_id=shown.pk)
        fresh._prefetched_objects_cache = shown._prefetched_objects_cache
        if isinstance(moved, Assignment):  # (a later feedback answers its records)
            fresh.__dict__.update({k: v for k, v in moved.__dict__.items() if k == "_group_grants_found"})
        self.log_persons([fresh])
        return Response(serializers.AssignmentDetailSerializer(fresh, context=self.get_serializer_context()).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(kwargs["pk"])

    @_assignment_transition("Sign for a push (the first sign-for moves the case to executing)")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        shown = self._shown(pk)
        return self._moved(shown, services.assignment_acknowledge(assignment=shown, actor=request.user))

    @extend_schema(
        methods=["GET"],
        summary="Feedback records of a push, newest first",
        tags=ASSIGNMENT_TAG,
        request=None,
        responses={200: serializers.MeasureFeedbackSerializer(many=True)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Feed back on the measures of a push",
        description="On a signed-for push: the feedback, answering every measure (the last department's "
        "completes the case). On a fed-back push: a later record, each time a measure bites.",
        tags=ASSIGNMENT_TAG,
        request=serializers.FeedbackSerializer,
        responses={200: serializers.AssignmentDetailSerializer},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=LargeTablePagination)
    def feedback(self, request, pk=None):
        if request.method == "GET":
            assignment = self._assignment(pk)
            records = selectors.visible_feedback(user=request.user, case=assignment.case).filter(assignment=assignment)
            page = self.paginate_queryset(records)
            return self.get_paginated_response(serializers.MeasureFeedbackSerializer(page, many=True).data)
        assignment = self._shown(pk)
        data = serializers.FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if assignment.state == AssignmentState.FED_BACK:
            moved = services.assignment_record_feedback(assignment=assignment, actor=request.user, items=data.feedback_items())
        else:
            # Also for any other state: the service answers 409 with what is allowed.
            moved = services.assignment_feedback(assignment=assignment, actor=request.user, items=data.feedback_items())
        return self._moved(assignment, moved)

    @_assignment_transition("Return a push the department is not competent for", request=ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        assignment = self._assignment(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_return(assignment=assignment, actor=request.user, reason=data.validated_data["reason"])
        return self._detail(pk)

    @extend_schema(
        summary="Give a returned push to another executing department (initiating department)",
        description="Answers with the new push.",
        tags=ASSIGNMENT_TAG,
        request=serializers.ReassignSerializer,
        responses={201: serializers.AssignmentDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        assignment = self._assignment(pk)
        data = serializers.ReassignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.assignment_reassign(assignment=assignment, actor=request.user, department=data.validated_data["department"])
        return self._detail(new.pk, status.HTTP_201_CREATED)

    @_assignment_transition("Confirm the measures of an ended case are lifted")
    @action(detail=True, methods=["post"])
    def confirm_lift(self, request, pk=None):
        services.assignment_confirm_lift(assignment=self._assignment(pk), actor=request.user)
        return self._detail(pk)

    @_assignment_transition(
        "Confirm a measure withdrawn from the push (by an amendment of the case) is lifted",
        request=serializers.MeasureLiftConfirmSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm_measure_lift(self, request, pk=None):
        assignment = self._assignment(pk)
        if not access.can_work_assignment(request.user, assignment):  # 403 before 400
            raise PermissionDenied(_("Only the executing department can confirm lifting."))
        data = serializers.MeasureLiftConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.measure_lift_confirm(assignment=assignment, actor=request.user, measure=data.validated_data["measure"])
        return self._detail(pk)


__all__ = [
    "AssignmentViewSet",
    "BulkPushJobViewSet",
    "CaseViewSet",
    "MeasureViewSet",
    "MemorandumViewSet",
]
