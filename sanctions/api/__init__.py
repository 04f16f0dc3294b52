"""The sanctions REST API (``/api/v1/``): measures, memoranda, cases, assignments, bulk pushes."""
from sanctions.api.views import AssignmentViewSet, BulkPushJobViewSet, CaseViewSet, MeasureViewSet, MemorandumViewSet

__all__ = ["AssignmentViewSet", "BulkPushJobViewSet", "CaseViewSet", "MeasureViewSet", "MemorandumViewSet"]
