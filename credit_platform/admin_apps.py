"""``django.contrib.admin`` with the project's site (``credit_platform.admin_site``) as the default one.

A module of its own: INSTALLED_APPS imports it before the models are ready, so it imports none."""
from django.contrib.admin.apps import AdminConfig


class CreditAdminConfig(AdminConfig):
    default_site = "credit_platform.admin_site.CreditAdminSite"
