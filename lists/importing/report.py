"""The report of an import: its refused rows and warnings, as a list and as a CSV download."""
import csv
import io
from collections.abc import Iterator

from django.http import StreamingHttpResponse

from lists.export import neutralise as _neutralise
from lists.importing.files import COLUMNS
from lists.importing.rows import ERROR
from lists.models import ImportBatch, ImportRowError


def batch_issues(batch: ImportBatch, *, level: str | None = None):
    """The batch's refused rows (and warnings), in row order; ``level`` keeps one kind."""
    issues = ImportRowError.objects.filter(batch=batch).order_by("row_number", "pk")
    if level is not None:
        issues = issues.filter(raw__level=level)
    return issues


def issue_as_dict(issue: ImportRowError) -> dict:
    return {"row": issue.row_number, "field": issue.field, "reason": issue.reason}


REPORT_COLUMNS = ("row", "level", "field", "reason", *COLUMNS)


def report_lines(batch: ImportBatch) -> Iterator[str]:
    """The downloadable report as CSV text (UTF-8 with BOM, so Excel opens it): one line per
    refused row (its reasons joined) and per warning, then the row's own columns, so the refused
    rows can be corrected and imported again from the report itself."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff"
    writer.writerow(REPORT_COLUMNS)
    current, fields, reasons = None, [], []

    def line(issue, fields, reasons):
        values = (issue.raw or {}).get("values", {})
        writer.writerow(
            [issue.row_number, (issue.raw or {}).get("level", ERROR), "; ".join(fields), "; ".join(reasons),
             *[_neutralise(values.get(c, "")) for c in COLUMNS]]
        )

    for issue in batch_issues(batch).iterator(chunk_size=2000):
        key = (issue.row_number, (issue.raw or {}).get("level", ERROR))
        if current is not None and key != current[0]:
            line(current[1], fields, reasons)
            fields, reasons = [], []
            yield flush()
        current = (key, issue)
        fields.append(issue.field)
        reasons.append(issue.reason)
    if current is not None:
        line(current[1], fields, reasons)
    yield flush()


def report_response(batch: ImportBatch) -> StreamingHttpResponse:
    """The report as a download (the admin's and the API's), streamed."""
    response = StreamingHttpResponse((line.encode("utf-8") for line in report_lines(batch)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    return response
