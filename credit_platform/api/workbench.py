"""``GET /api/v1/workbench/``: the caller's open tasks (待办), as the admin's start page shows them.

Each app counts the tasks it owns (``credit_platform.workbench``): a department sees its own work,
the credit office and the leadership office the district's totals. Tasks with overdue work come
first, then the others in their fixed order; ``url`` opens the filtered list in the admin.
"""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from credit_platform import workbench
from credit_platform.api.schema import error_responses
from credit_platform.api.views import PlatformAPIMixin


class WorkbenchTaskSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=sorted(workbench.TASK_CODES),
        help_text="Stable task code: sign_for, feed_back, confirm_lift, objections, repairs, entries_to_publish, "
        "records_to_publish, complaints, cases_to_push.",
    )
    label = serializers.CharField(help_text="The task's name in the caller's language (待签收, 待反馈, ...).")
    count = serializers.IntegerField(help_text="Open items.")
    overdue = serializers.IntegerField(help_text="Open items past their due date.")
    url = serializers.CharField(help_text="The admin list filtered to these items.")


class WorkbenchSerializer(serializers.Serializer):
    tasks = WorkbenchTaskSerializer(many=True)


@extend_schema(
    tags=["workbench"], summary="The caller's open tasks (待办)",
    description=(
        "Counts and overdue counts of the caller's department's open tasks; the credit office and the "
        "leadership office get the district's totals. Only the tasks the department has are listed "
        "(a department that never executes has nothing to sign for). Overdue tasks first."
    ),
    responses={200: WorkbenchSerializer, **error_responses(401, 403)},
)
class WorkbenchView(PlatformAPIMixin, APIView):
    def get(self, request):
        tasks = [task.as_dict() for task in workbench.tasks_for(request.user)]
        return Response(WorkbenchSerializer({"tasks": tasks}).data)
