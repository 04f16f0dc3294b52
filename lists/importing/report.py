"""The report of a list import: its refused rows and warnings (``credit_platform.importing.report``)."""
from credit_platform.importing import report
from credit_platform.importing.report import issue_as_dict
from lists.importing.files import COLUMNS
from lists.models import ImportBatch, ImportRowError

REPORT_COLUMNS = ("row", "level", "field", "reason", *COLUMNS)


def batch_issues(batch: ImportBatch, *, level: str | None = None):
    """The batch's refused rows (and warnings), in row order; ``level`` keeps one kind."""
    return report.batch_issues(ImportRowError, batch, level=level)


def report_lines(batch: ImportBatch):
    return report.report_lines(batch_issues(batch), COLUMNS)


def report_response(batch: ImportBatch):
    """The report as a download (the admin's and the API's), streamed."""
    return report.report_response(batch_issues(batch), COLUMNS, f"import-{batch.pk}-report.csv")


__all__ = ["REPORT_COLUMNS", "batch_issues", "issue_as_dict", "report_lines", "report_response"]
