"""``/api/v1/dashboard/...``: the dashboard's figures for departmental and leadership systems.

The same selectors as the pages, so the API and the pages never disagree. The leadership office
and the credit office see every department; another department only its own row and figures.
Anonymous calls answer 401. Filters: ``from``, ``to`` (inclusive dates), ``department`` (code),
``region`` (region code prefix); invalid values answer 400.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from credit_platform.api.schema import error_responses
from credit_platform.api.views import PlatformAPIMixin
from supervision import selectors, services
from supervision.forms import FilterForm
from supervision.models import SupervisedKind

FILTER_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (inclusive) of case opening / push dates, 1990-01-01 to 2099-12-31."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (inclusive), 1990-01-01 to 2099-12-31."),
    OpenApiParameter("department", {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,64}$"},
                     description="A department code: the responsible department of each row."),
    OpenApiParameter("region", {"type": "string", "pattern": "^[0-9]{2,12}$"}, description="A region code prefix of the departments."),
]
ORDER_PARAMETER = OpenApiParameter("o", OpenApiTypes.STR, description="Sort column; prefix with '-' for descending.")

DEPARTMENT_ROW_FIELDS = {
    "code": serializers.CharField(),
    "received": serializers.IntegerField(),
    "signed_for_on_time": serializers.IntegerField(),
    "signed_for_late": serializers.IntegerField(),
    "fed_back_on_time": serializers.IntegerField(),
    "fed_back_late": serializers.IntegerField(),
    "overdue_now": serializers.IntegerField(),
    "avg_working_days_to_sign_for": serializers.FloatField(allow_null=True),
    "avg_working_days_to_feed_back": serializers.FloatField(allow_null=True),
    "lifts_unconfirmed": serializers.IntegerField(),
}

SummarySerializer = inline_serializer("DashboardSummary", {
    "cases_by_state": serializers.DictField(child=serializers.IntegerField()),
    "cases_by_domain": serializers.DictField(child=serializers.IntegerField()),
    "departments": inline_serializer("DashboardDepartmentRow", DEPARTMENT_ROW_FIELDS, many=True),
    "objections_open": serializers.IntegerField(),
    "repairs_open": serializers.IntegerField(),
    "generated_at": serializers.DateTimeField(),
})

TableSerializer = inline_serializer("DashboardTable", {
    "rows": serializers.ListField(child=serializers.DictField()),
    "totals": serializers.DictField(),
    "order": serializers.CharField(required=False),
})


class DashboardAPIView(PlatformAPIMixin, APIView):
    """A dashboard endpoint: the caller's scope with the query string's filters."""

    def scope(self, request):
        form = FilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError({field: [e["message"] for e in errors] for field, errors in form.errors.get_json_data().items()})
        return selectors.scope_for(user=request.user, filters=form.filters())


def _clean_rows(table: dict) -> dict:
    rows = [{k: v for k, v in row.items() if k != "department_id"} for row in table["rows"]]
    return {**table, "rows": rows}


@extend_schema(tags=["dashboard"], summary="Supervision summary", parameters=FILTER_PARAMETERS,
               responses={200: SummarySerializer, **error_responses(400, 401, 403)})
class SummaryAPIView(DashboardAPIView):
    """Cases by state and domain, each executing department's punctuality, objections and repairs open."""

    def get(self, request):
        return Response(selectors.summary(self.scope(request)))


@extend_schema(tags=["dashboard"], summary="Executing departments' scorecard", parameters=[*FILTER_PARAMETERS, ORDER_PARAMETER],
               responses={200: TableSerializer, **error_responses(400, 401, 403)})
class ScorecardAPIView(DashboardAPIView):
    """One row per executing department, as on /dashboard/scorecard/ (totals and the order applied)."""

    def get(self, request):
        return Response(_clean_rows(selectors.scorecard(self.scope(request), order=request.query_params.get("o", ""))))


@extend_schema(tags=["dashboard"], summary="Initiating departments", parameters=[*FILTER_PARAMETERS, ORDER_PARAMETER],
               responses={200: TableSerializer, **error_responses(400, 401, 403)})
class InitiatorsAPIView(DashboardAPIView):
    """One row per initiating department, as on /dashboard/initiators/."""

    def get(self, request):
        return Response(_clean_rows(selectors.initiators(self.scope(request), order=request.query_params.get("o", ""))))


@extend_schema(tags=["dashboard"], summary="Cases by state, kind and domain", parameters=FILTER_PARAMETERS,
               responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)})
class CasesAPIView(DashboardAPIView):
    """Cases by state, kind and domain of the memorandum (``by_state``, ``by_kind``, ``by_domain``, ``total``)."""

    def get(self, request):
        return Response(selectors.case_breakdown(self.scope(request)))


@extend_schema(tags=["dashboard"], summary="Cases by month: opened, pushed, fed back, ended", parameters=FILTER_PARAMETERS,
               responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)})
class CasesByMonthAPIView(DashboardAPIView):
    """Per month: cases opened, pushed, fed back by every department, repaired, expired, revoked."""

    def get(self, request):
        return Response({"months": selectors.cases_by_month(self.scope(request))})


@extend_schema(tags=["dashboard"], summary="Objections and credit repairs per department", parameters=FILTER_PARAMETERS,
               responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)})
class ObjectionsRepairsAPIView(DashboardAPIView):
    """Objections per information provider and repairs per deciding department: open, by state, overdue, urged."""

    def get(self, request):
        data = selectors.objections_and_repairs(self.scope(request))
        return Response({"objections": _clean_rows(data["objections"]), "repairs": _clean_rows(data["repairs"])})


@extend_schema(tags=["dashboard"], summary="Licensing and penalty publicity (双公示) per providing department", parameters=FILTER_PARAMETERS,
               responses={200: TableSerializer, **error_responses(400, 401, 403)})
class PublicityAPIView(DashboardAPIView):
    """Decisions to publish, published on time, late, overdue now, still in time, and the on-time rate, per
    providing department (filtered on the decision date), as on /dashboard/publicity/."""

    def get(self, request):
        return Response(_clean_rows(selectors.publicity(self.scope(request))))


class UrgeRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupervisedKind.choices)
    item = serializers.IntegerField(min_value=1, help_text=_("The id of the push, objection or credit repair."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class UrgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    item = serializers.IntegerField(source="target_id")
    department = serializers.CharField(source="department.code")
    urged_on = serializers.DateField()
    note = serializers.CharField()


@extend_schema(tags=["dashboard"], summary="Urge (督办) the department of an overdue item", request=UrgeRequestSerializer,
               responses={201: UrgeSerializer, **error_responses(400, 401, 403, 404)})
class UrgeAPIView(DashboardAPIView):
    """Leadership office and credit office only (403 for others); 404 for an item not seen; 400 when
    the item is not overdue or was already urged today."""

    def post(self, request):
        data = UrgeRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        urge = services.urge_send(actor=request.user, kind=data.validated_data["kind"], item_id=data.validated_data["item"],
                                  note=data.validated_data.get("note", ""))
        return Response(UrgeSerializer(urge).data, status=status.HTTP_201_CREATED)
