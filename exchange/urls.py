"""``/api/v1/exchange/``: what a lower instance calls on its upper one (signed; docs/exchange.md)."""
from django.urls import path

from exchange import views

urlpatterns = [
    path("batches/", views.batches, name="exchange-batches"),
    path("feed/", views.feed, name="exchange-feed"),
    path("reconcile/", views.reconcile, name="exchange-reconcile"),
]
