"""Every write of the catalogue and of credit records (``from records import services``).

``catalogue``: record types (the credit office). ``records``: entering, publishing, removing,
suspending and resuming records, and the periods they carry (``record_periods``). ``received``: a
public record decided in another region, received through the exchange (``record_receive``).
``periodic``: the recompute of provisional 双公示 dates, the daily notices, the expiry scan.

Entry points (``record_create``, ``record_publish``, ``record_remove``, ``record_type_create``,
``record_type_update``) run in their own durable transaction; their ``*_in_transaction`` forms, and
``record_suspend``/``record_resume`` (for the objections service), run inside the caller's. Each
write locks the record (``records.locks``) and writes its audit event (``records.events``).
"""
from records.services.catalogue import (
    TYPE_FIELDS,
    record_type_create,
    record_type_create_in_transaction,
    record_type_update,
    record_type_update_in_transaction,
)
from records.services.commitments import (
    commitment_breach,
    commitment_breach_in_transaction,
    commitment_create,
    commitment_create_in_transaction,
    commitment_fulfil,
    commitment_fulfil_in_transaction,
    commitment_url,
)
from records.services.periodic import (
    due_soon_until,
    records_expire_due,
    records_publication_overdue_notify,
    records_recompute_publication_due,
)
from records.services.received import record_receive
from records.services.records import (
    LICENSING_DEFAULT_MONTHS,
    RecordPeriods,
    record_create,
    record_create_in_transaction,
    record_periods,
    record_publish,
    record_publish_in_transaction,
    record_remove,
    record_remove_in_transaction,
    record_resume,
    record_suspend,
    record_url,
    record_validate,
)

__all__ = [
    "commitment_breach",
    "commitment_breach_in_transaction",
    "commitment_create",
    "commitment_create_in_transaction",
    "commitment_fulfil",
    "commitment_fulfil_in_transaction",
    "commitment_url",
    "LICENSING_DEFAULT_MONTHS",
    "RecordPeriods",
    "TYPE_FIELDS",
    "due_soon_until",
    "record_create",
    "record_create_in_transaction",
    "record_periods",
    "record_publish",
    "record_receive",
    "record_publish_in_transaction",
    "record_remove",
    "record_remove_in_transaction",
    "record_resume",
    "record_suspend",
    "record_type_create",
    "record_type_create_in_transaction",
    "record_type_update",
    "record_type_update_in_transaction",
    "record_url",
    "record_validate",
    "records_expire_due",
    "records_publication_overdue_notify",
    "records_recompute_publication_due",
]
