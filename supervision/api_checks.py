"""``GET /api/v1/dashboard/checks/``: 应查必查 figures for departmental and leadership systems, from the
same selector as /dashboard/checks/ (the leadership and credit offices see every department, another
department its own checks; anonymous 401; bad filters 400)."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from credit_platform.api.schema import error_responses
from supervision import selectors
from supervision.api import FILTER_PARAMETERS, DashboardAPIView

FIGURES = {
    "checks": serializers.IntegerField(),
    "hits": serializers.IntegerField(),
    "fed_back": serializers.IntegerField(),
    "green_channel": serializers.IntegerField(),
    "feedback_rate": serializers.FloatField(allow_null=True),
}
ChecksSerializer = inline_serializer("DashboardChecks", {
    "rows": inline_serializer("DashboardChecksMonth", {
        "code": serializers.CharField(), "name": serializers.CharField(), "month": serializers.CharField(), **FIGURES,
    }, many=True),
    "departments": inline_serializer("DashboardChecksDepartment", {
        "code": serializers.CharField(), "name": serializers.CharField(), **FIGURES,
    }, many=True),
    "totals": inline_serializer("DashboardChecksTotals", FIGURES),
})


def _without_ids(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "department_id"} for row in rows]


@extend_schema(tags=["dashboard"], summary="Credit checks (应查必查) per department and month", parameters=FILTER_PARAMETERS,
               responses={200: ChecksSerializer, **error_responses(400, 401, 403)})
class ChecksAPIView(DashboardAPIView):
    """Checks, hits, hits fed back and green-channel answers per checking department and month (``rows``, newest
    month first), per department (``departments``) and in total, filtered on the time of the check, as on /dashboard/checks/."""

    def get(self, request):
        table = selectors.checks_table(self.scope(request))
        return Response({"rows": _without_ids(table["rows"]), "departments": _without_ids(table["departments"]), "totals": table["totals"]})
