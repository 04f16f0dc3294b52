"""``/credit/``: the public credit website (no login, Chinese)."""
from django.urls import path

from lists import public

app_name = "credit"

urlpatterns = [
    path("", public.search, name="search"),
    path("progress/", public.progress, name="progress"),
]
