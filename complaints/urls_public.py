"""``/credit/complaints/``: report a subject's dishonesty, see the receipt, follow it (no login, Chinese)."""
from django.urls import path

from complaints import public

app_name = "credit_complaints"

urlpatterns = [
    path("", public.complaint_new, name="new"),
    path("receipt/", public.complaint_receipt, name="receipt"),
    path("status/", public.complaint_status, name="status"),
]
