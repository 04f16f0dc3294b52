"""The credit file's staff pages, under /admin/credit-file/ (wrapped in the admin's login check)."""
from django.contrib import admin
from django.urls import path

from checks import views

urlpatterns = [
    path("", admin.site.admin_view(views.credit_file_lookup), name="credit-file-lookup"),
    path("<int:subject_id>/", admin.site.admin_view(views.credit_file_page), name="credit-file"),
]
