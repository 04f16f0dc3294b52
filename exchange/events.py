"""The audit events of the exchange: each named once, its code (never change it) and its label."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event

region_registered = Event("exchange_region_registered", _("lower region registered for the exchange"))
region_key_changed = Event("exchange_region_key_changed", _("shared key of a lower region changed"))
batch_received = Event("exchange_batch_received", _("batch received from a lower region"))
item_resent = Event("exchange_item_resent", _("exchange item corrected and sent again"))
item_applied_again = Event("exchange_item_applied_again", _("item from the upper platform applied again"))
