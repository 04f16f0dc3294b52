"""The audit events of record imports (codes stored in the chain: never change them)."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event

record_imported = Event("record_imported", _("credit record imported"))
record_import_resumed = Event("record_import_resumed", _("record import sent again after its run was lost"))
record_import_abandoned = Event("record_import_abandoned", _("record import given up after repeated attempts"))
