"""The audit events of credit reports: each named once, its code (stored in the audit chain: never
change it) and its label side by side. (Kept apart from the check log's ``checks/events.py``.)"""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event

credit_report_issued = Event("credit_report_issued", _("credit report issued"))
