"""The audit events of the credit check: each named once, its code (stored in the audit chain: never
change it) and its label side by side. The checks themselves are their own log (``CreditCheckLog``)."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event

credit_check_fed_back = Event("credit_check_fed_back", _("credit check hit fed back"))
