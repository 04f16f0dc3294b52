"""``/credit/repairs/``: apply for credit repair, see the receipt, follow it (no login, Chinese)."""
from django.urls import path

from repair import public

app_name = "credit_repairs"

urlpatterns = [
    path("", public.repair_new, name="new"),
    path("receipt/", public.repair_receipt, name="receipt"),
    path("status/", public.repair_status, name="status"),
]
