"""``/api/v1/``: every app's viewsets registered on one router, so the API has one root and one schema.

Apps add their lines here (``router.register("cases", sanctions.api.CaseViewSet, basename="case")``).
"""
from rest_framework import routers

from credit_platform.api import views
from credit_platform.api.authentication import API_AUTHENTICATION_CLASSES
from credit_platform.permissions import IsDepartmentMember
from lists import api as lists_api
from sanctions import api as sanctions_api

app_name = "api"


class APIRootView(routers.APIRootView):
    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [IsDepartmentMember]


class Router(routers.DefaultRouter):
    APIRootView = APIRootView


router = Router()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("subjects", views.SubjectViewSet, basename="subject")
router.register("measures", sanctions_api.MeasureViewSet, basename="measure")
router.register("memoranda", sanctions_api.MemorandumViewSet, basename="memorandum")
router.register("cases", sanctions_api.CaseViewSet, basename="case")
router.register("assignments", sanctions_api.AssignmentViewSet, basename="assignment")
router.register("bulk-push-jobs", sanctions_api.BulkPushJobViewSet, basename="bulk-push-job")
router.register("list-entries", lists_api.ListEntryViewSet, basename="list-entry")

urlpatterns = router.urls
