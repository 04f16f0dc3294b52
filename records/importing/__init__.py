"""Import of credit records from CSV (UTF-8 or GBK/GB18030) or XLSX: ``POST /records/import/`` and
the admin upload.

Two column sets (DESIGN.md "Catalogue and records"): the English codes (``identifier``, ``name``,
``kind``, ``record_type``, ``decision_number``, ``decided_on``, ``severity``, ``basis``, ``valid_until``,
then one column per field of the type), or a department's 双公示 spreadsheet in the national Chinese
headers (``columns``), its type given with the upload. Each row is checked as ``record_create``
checks a record (``rows``); valid rows are imported in chunks (COPY on PostgreSQL, the audit chain's
bulk path) on the core's batch runs (``credit_platform.importing.runs``: streamed, heartbeat, sweep,
strict mode), the subjects not yet registered created as the list import does. A row whose (type,
department, decision number, subject) is on file is ``unchanged``: importing again changes nothing.
"""
from credit_platform.importing.report import issue_as_dict
from credit_platform.importing.rows import ERROR, WARNING
from records.importing.batches import (
    IMPORT_TASK,
    RecordRun,
    can_import,
    record_import_batches_for_user,
    record_import_create,
    record_import_enqueue,
    record_import_issues,
    record_import_report,
    record_import_run,
    record_imports_resume_stale,
)
from records.importing.columns import CORE, RECORD_COLUMNS

__all__ = [
    "CORE", "ERROR", "IMPORT_TASK", "RECORD_COLUMNS", "WARNING", "RecordRun", "can_import", "issue_as_dict", "record_import_batches_for_user",
    "record_import_create", "record_import_enqueue", "record_import_issues", "record_import_report", "record_import_run",
    "record_imports_resume_stale",
]
