"""The order in which records locks its rows: the record alone (nothing below it is held with it).
Objections and repair lock their own row first and then the record, so locks run downhill."""
from credit_platform.workflow import lock_one
from records.models import CreditRecord


def lock_record(record_id) -> CreditRecord:
    """Lock the record; its subject, type, department and rule set are read with it, not locked."""
    return lock_one(CreditRecord.objects.filter(pk=record_id).select_related("subject", "record_type", "department", "rule_set"))
