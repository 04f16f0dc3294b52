"""``/credit/report/``: verify a credit report; an organisation obtains its own (no login, Chinese)."""
from django.urls import path

from checks import report_public

app_name = "credit_reports"

urlpatterns = [
    path("verify/", report_public.report_verify, name="verify"),
    path("request/", report_public.report_request, name="request"),
    path("issued/", report_public.report_issued, name="issued"),
    path("issued/pdf/", report_public.report_issued_pdf, name="issued-pdf"),
]
