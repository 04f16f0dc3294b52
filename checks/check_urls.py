"""The credit check page, ``/admin/credit-check/`` (wrapped in the admin's login check)."""
from django.contrib import admin
from django.urls import path

from checks import check_views

urlpatterns = [
    path("", admin.site.admin_view(check_views.credit_check_page), name="credit-check-page"),
    path("<uuid:check_id>/feedback/", admin.site.admin_view(check_views.credit_check_feedback_page), name="credit-check-page-feedback"),
]
