"""The report of an import: its refused rows and warnings, as a list and as a CSV download."""
import csv
import io
from collections.abc import Iterator

from django.http import StreamingHttpResponse

from credit_platform.importing.rows import ERROR

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def batch_issues(error_model, batch, *, level: str | None = None):
    """The batch's refused rows (and warnings), in row order; ``level`` keeps one kind."""
    issues = error_model.objects.filter(batch=batch).order_by("row_number", "pk")
    if level is not None:
        issues = issues.filter(raw__level=level)
    return issues


def issue_as_dict(issue) -> dict:
    return {"row": issue.row_number, "field": issue.field, "reason": issue.reason}


def report_lines(issues, columns) -> Iterator[str]:
    """The downloadable report as CSV text (UTF-8 with BOM, so Excel opens it): one line per
    refused row (its reasons joined) and per warning, then the row's own ``columns``, so the refused
    rows can be corrected and imported again from the report itself."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff"
    writer.writerow(("row", "level", "field", "reason", *columns))
    current, fields, reasons = None, [], []

    def line(issue, fields, reasons):
        values = (issue.raw or {}).get("values", {})
        writer.writerow(
            [issue.row_number, (issue.raw or {}).get("level", ERROR), "; ".join(fields), "; ".join(reasons),
             *[neutralise(values.get(c, "")) for c in columns]]
        )

    for issue in issues.iterator(chunk_size=2000):
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


def report_response(issues, columns, filename: str) -> StreamingHttpResponse:
    """The report as a download (the admin's and the API's), streamed."""
    response = StreamingHttpResponse((line.encode("utf-8") for line in report_lines(issues, columns)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
