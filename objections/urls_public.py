"""``/credit/objections/``: file an objection, see its receipt, follow it (no login, Chinese)."""
from django.urls import path

from objections import public

app_name = "credit_objections"

urlpatterns = [
    path("", public.objection_new, name="new"),
    path("receipt/", public.objection_receipt, name="receipt"),
    path("status/", public.objection_status, name="status"),
]
