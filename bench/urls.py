"""The product's URLs plus the two bare baseline views (bench/views.py) under /bench/."""
from django.urls import path

from bench import views
from credit_platform import urls as product_urls

handler404 = product_urls.handler404

urlpatterns = [
    path("bench/read/<int:pk>/", views.BareReadView.as_view(), name="bench-read"),
    path("bench/write/<int:pk>/", views.BareWriteView.as_view(), name="bench-write"),
    *product_urls.urlpatterns,
]
