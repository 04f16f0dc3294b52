"""``/api/v1/``: every app's viewsets registered on one router, so the API has one root and one schema.

Apps add their lines here (``router.register("cases", sanctions.api.CaseViewSet, basename="case")``).
"""
from django.urls import path
from rest_framework import routers

from checks import api as checks_api
from checks import file_api
from complaints import api as complaints_api
from checks import report_api as checks_report_api
from credit_platform.api import views
from credit_platform.api.authentication import API_AUTHENTICATION_CLASSES
from credit_platform.api.workbench import WorkbenchView
from credit_platform.permissions import IsDepartmentMember
from lists import api as lists_api
from lists import import_api, public_api
from records import api as records_api
from records import commitment_api as records_commitment_api
from records import public_api as records_public_api
from records import commitment_public_api as records_commitment_public_api
from objections import api as objections_api
from records import import_api as records_import_api
from repair import api as repair_api
from sanctions import api as sanctions_api
from supervision import api as dashboard_api
from supervision import api_checks as dashboard_checks_api

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
router.register("records", records_api.CreditRecordViewSet, basename="record")
router.register("record-types", records_api.RecordTypeViewSet, basename="record-type")
router.register("commitments", records_commitment_api.CommitmentViewSet, basename="commitment")
router.register("objections", objections_api.ObjectionViewSet, basename="objection")
router.register("repairs", repair_api.RepairViewSet, basename="repair")
router.register("complaints", complaints_api.ComplaintViewSet, basename="complaint")

# Before the router's routes, so its list-entries/{pk}/ detail route does not catch "import".
urlpatterns = [
    path("list-entries/import/", import_api.ListEntryImportView.as_view(), name="list-entry-import"),
    path("imports/<int:pk>/", import_api.ImportBatchDetailView.as_view(), name="import-batch-detail"),
    path("imports/<int:pk>/report/", import_api.ImportBatchReportView.as_view(), name="import-batch-report"),
    path("records/import/", records_import_api.RecordImportView.as_view(), name="record-import"),
    path("record-imports/<int:pk>/", records_import_api.RecordImportDetailView.as_view(), name="record-import-detail"),
    path("record-imports/<int:pk>/report/", records_import_api.RecordImportReportView.as_view(), name="record-import-report"),
    path("public/list-entries/", public_api.PublicListEntryList.as_view(), name="public-list-entries"),
    path("public/records/", records_public_api.PublicRecordList.as_view(), name="public-records"),
    path("public/objections/", objections_api.PublicObjectionCreate.as_view(), name="public-objections"),
    path("public/objections/<str:receipt_number>/", objections_api.PublicObjectionDetail.as_view(), name="public-objection-detail"),
    path("public/repairs/", repair_api.PublicRepairCreate.as_view(), name="public-repairs"),
    path("public/complaints/", complaints_api.PublicComplaintCreate.as_view(), name="public-complaints"),
    path("public/complaints/<str:receipt_number>/", complaints_api.PublicComplaintDetail.as_view(), name="public-complaint-detail"),
    path("public/commitments/", records_commitment_public_api.PublicCommitmentList.as_view(), name="public-commitments"),
    path("public/repairs/<str:receipt_number>/", repair_api.PublicRepairDetail.as_view(), name="public-repair-detail"),
    path("dashboard/summary/", dashboard_api.SummaryAPIView.as_view(), name="dashboard-summary"),
    path("dashboard/scorecard/", dashboard_api.ScorecardAPIView.as_view(), name="dashboard-scorecard"),
    path("dashboard/initiators/", dashboard_api.InitiatorsAPIView.as_view(), name="dashboard-initiators"),
    path("dashboard/cases/", dashboard_api.CasesAPIView.as_view(), name="dashboard-cases"),
    path("dashboard/cases-by-month/", dashboard_api.CasesByMonthAPIView.as_view(), name="dashboard-cases-by-month"),
    path("dashboard/objections-repairs/", dashboard_api.ObjectionsRepairsAPIView.as_view(), name="dashboard-objections-repairs"),
    path("dashboard/publicity/", dashboard_api.PublicityAPIView.as_view(), name="dashboard-publicity"),
    path("dashboard/checks/", dashboard_checks_api.ChecksAPIView.as_view(), name="dashboard-checks"),
    path("dashboard/urges/", dashboard_api.UrgeAPIView.as_view(), name="dashboard-urges"),
    path("workbench/", WorkbenchView.as_view(), name="workbench"),
    path("subjects/<int:subject_id>/credit-file/", file_api.CreditFileView.as_view(), name="subject-credit-file"),
    path("credit-check/", checks_api.CreditCheckView.as_view(), name="credit-check"),
    path("credit-check/<int:assignment_id>/feedback/", checks_api.CreditCheckFeedbackView.as_view(), name="credit-check-feedback"),
    path("credit-check/batch/", checks_api.CreditCheckBatchView.as_view(), name="credit-check-batch"),
    path("credit-check/<uuid:check_id>/feedback/", checks_api.CreditCheckHitFeedbackView.as_view(), name="credit-check-hit-feedback"),
    path("credit-reports/", checks_report_api.CreditReportCreateView.as_view(), name="credit-reports"),
    path("credit-reports/<str:number>/pdf/", checks_report_api.CreditReportPdfView.as_view(), name="credit-report-pdf"),
    path("public/credit-reports/verify/", checks_report_api.PublicReportVerifyView.as_view(), name="public-credit-report-verify"),
    *router.urls,
]
