"""Import of authoritative decided lists (e.g. the court's judgement defaulters) from CSV or XLSX.

The entries were decided, and the subjects told, by the authority that publishes the list: they are
created ``published`` (source ``import``), with the rule set in force on the decision date and the
publication periods it gives, identified by the uploader's department.

- ``import_batch_create`` checks the file (format, encoding, header row) and records the batch
  (a bad file is a ``ValidationError`` on ``file``: HTTP 400, nothing recorded).
- ``import_run`` streams the rows, validates them one by one, and imports the valid ones in chunks
  of ``CHUNK_SIZE`` rows: bulk inserts of subjects, entries, their ``manage_listentry`` rows and
  their first audit events. Memory stays bounded by one chunk, whatever the size of the file.

Not strict: each chunk is one transaction that also records its refused rows and advances the
batch's counters (``rows_done``), so the admin shows the progress and a crashed run resumes after the
last committed chunk. Strict: a first streaming pass validates every row and records the refused
ones; if there is any, nothing is imported; otherwise the second pass imports everything in one
transaction. Either way a row whose (subject, list, domain, decision number) is already on file is
``unchanged``: importing the same file again changes nothing.

Modules: ``files`` (the columns; reading is ``credit_platform.importing.files``), ``rows`` (validation
of one row), ``batches`` (batches on ``credit_platform.importing.runs``, what follows them), ``report``
(refused rows). This package re-exports them.

After a chunk commits, the joint cases of its black and red entries are opened by Celery tasks
(``lists.import_tasks``), unless the import says not to.
"""

from credit_platform.importing.bulk import bulk_insert
from credit_platform.importing.files import iter_rows
from credit_platform.importing.rows import ERROR, WARNING, Issue
from lists.importing.batches import (
    CASE_BATCH,
    CASE_LISTS,
    batch_case_counts,
    can_import,
    import_batch_create,
    import_batch_enqueue,
    import_batches_for_user,
    import_run,
    imports_resume_stale,
)
from lists.importing.files import (
    COLUMNS,
    LIST_COLUMNS,
    FileInfo,
    detect_encoding,
    detect_format,
    inspect_file,
)
from lists.importing.report import (
    REPORT_COLUMNS,
    batch_issues,
    issue_as_dict,
    report_lines,
    report_response,
)
from lists.importing.rows import Row, validate_row

__all__ = [
    "CASE_BATCH", "CASE_LISTS", "COLUMNS", "LIST_COLUMNS", "ERROR", "REPORT_COLUMNS", "WARNING", "FileInfo", "Issue", "Row", "batch_case_counts", "batch_issues",
    "bulk_insert", "can_import", "detect_encoding", "detect_format", "import_batch_create", "import_batch_enqueue",
    "import_batches_for_user", "import_run", "imports_resume_stale", "inspect_file", "issue_as_dict", "iter_rows", "report_lines",
    "report_response", "validate_row",
]
