"""``/credit/records/``: the public 双公示 query (no login, Chinese)."""
from django.urls import path

from records import public

app_name = "credit_records"

urlpatterns = [
    path("", public.search, name="search"),
]
