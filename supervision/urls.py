"""``/dashboard/``: the supervision pages (admin login, admin look)."""
from django.contrib import admin
from django.urls import path

from supervision import complaints, views, views_checks

app_name = "dashboard"


def _page(view_class):
    # The admin's own guard: login and staff status, anonymous users sent to the admin login.
    return admin.site.admin_view(view_class.as_view())


urlpatterns = [
    path("", _page(views.OverviewView), name="overview"),
    path("scorecard/", _page(views.ScorecardView), name="scorecard"),
    path("initiators/", _page(views.InitiatorsView), name="initiators"),
    path("objections-repairs/", _page(views.ObjectionsRepairsView), name="objections_repairs"),
    path("publicity/", _page(views.PublicityView), name="publicity"),
    path("checks/", _page(views_checks.ChecksView), name="checks"),
    path("checks/list/", _page(views_checks.ChecksListView), name="checks_list"),
    path("list/", _page(views.DrilldownView), name="list"),
    path("escalations/", _page(views.EscalationsView), name="escalations"),
    path("reports/", _page(views.ReportsView), name="reports"),
    path("reports/<int:pk>/download/", _page(views.ReportDownloadView), name="report_download"),
    path("urge/", _page(views.UrgeView), name="urge"),
    path("complaints/", _page(complaints.ComplaintsView), name="complaints"),
    path("complaints/urge/", _page(complaints.ComplaintUrgeView), name="complaints_urge"),
]
