"""``/credit/commitments/``: 信用承诺公示 (no login, Chinese)."""
from django.urls import path

from records import commitment_public

app_name = "credit_commitments"

urlpatterns = [
    path("", commitment_public.search, name="search"),
]
