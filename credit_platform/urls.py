from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from credit_platform.admin.moved import moved_admin_urls
from credit_platform.api.docs import RedocView, SchemaView
from supervision.admin import MOVED_FROM_CORE

# A JSON 404 for any address under /api/ that matches no route.
handler404 = "credit_platform.api.exceptions.page_not_found"

urlpatterns = [
    # The admin pages of models that moved out of the core redirect to their new address.
    *moved_admin_urls("credit_platform", "supervision", MOVED_FROM_CORE),
    path("admin/credit-file/", include("checks.urls")),
    path("admin/credit-check/", include("checks.check_urls")),
    path("admin/", admin.site.urls),
    path("dashboard/", include("supervision.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Signed by a lower region's key, not a user's (docs/exchange.md); before the API router.
    path("api/v1/exchange/", include("exchange.urls")),
    path("api/v1/", include("credit_platform.api.urls")),
    # The public credit website: no login, Chinese.
    path("credit/objections/", include("objections.urls_public")),
    path("credit/repairs/", include("repair.urls_public")),
    path("credit/records/", include("records.urls_public")),
    path("credit/commitments/", include("records.urls_public_commitments")),
    path("credit/complaints/", include("complaints.urls_public")),
    path("credit/report/", include("checks.urls_public")),
    path("credit/", include("lists.urls_public")),
    # OpenAPI 3 and its docs, served from drf-spectacular-sidecar's local assets (no CDN); the
    # Swagger page loads its start-up script as a file, so the Content-Security-Policy holds.
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
]
