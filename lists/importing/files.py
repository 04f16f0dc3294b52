"""Reading an import file: format and encoding detection, the header row, the rows as text."""
import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# A cell longer than this stops the file with its row number (the longest column, ``basis``, is
# refused per row beyond 10,000 characters); the csv module's own default is 128 KiB.
MAX_CELL_BYTES = 1 << 20
csv.field_size_limit(MAX_CELL_BYTES)
# An XLSX is a zip of XML: refuse one whose parts expand beyond these before openpyxl reads any
# (a 1.5 MB "zip bomb" expanding to 1.6 GB took a worker to 3.2 GB). The shared-strings part is
# read whole into memory, so it has a tighter limit of its own.
XLSX_MAX_EXPANDED_BYTES = 2 << 30
XLSX_MAX_SHARED_STRINGS_BYTES = 256 << 20
XLSX_MAX_RATIO = 200  # expanded / compressed, for parts over 1 MB; real sheets compress 5-30 times
COLUMNS = ("identifier", "name", "kind", "list_type", "severity", "domain", "basis", "decision_number", "decided_on")
# Columns a file may have: the decision's content. A decided list from the authority that decided it
# often has none (that authority served its own notice), so an imported black entry may lack them.
OPTIONAL_COLUMNS = ("facts", "exit_conditions", "remedies")
SAMPLE_BYTES = 256 * 1024
NON_ASCII = re.compile(rb"[\x80-\xff]")

# Header spellings besides the column codes (case, spaces and hyphens are ignored too); the
# Chinese ones are those of the Excel export, so an exported file can be imported back.
HEADER_ALIASES = {
    "统一社会信用代码/身份证号码": "identifier", "统一社会信用代码": "identifier", "身份证号码": "identifier",
    "身份证号": "identifier", "证件号码": "identifier", "代码": "identifier",
    "名称": "name", "姓名": "name", "主体名称": "name", "名称/姓名": "name",
    "主体类型": "kind", "类型": "kind",
    "名单": "list_type", "名单类型": "list_type",
    "失信程度": "severity", "严重程度": "severity", "程度": "severity",
    "领域": "domain",
    "认定依据": "basis", "依据": "basis", "法律依据": "basis",
    "决定文号": "decision_number", "文书号": "decision_number", "文号": "decision_number", "执行案号": "decision_number",
    "决定日期": "decided_on", "认定日期": "decided_on",
    "失信事实": "facts", "认定事实": "facts", "违法事实": "facts", "事实": "facts",
    "移出条件": "exit_conditions", "退出条件": "exit_conditions", "移出条件和程序": "exit_conditions",
    "救济途径": "remedies", "权利救济": "remedies", "救济方式": "remedies",
}


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]}, code="invalid_file")


@dataclass
class FileInfo:
    """What ``inspect_file`` learnt: how to read the rows, and about how many there are."""

    format: str  # "csv" | "xlsx"
    columns: dict  # column code -> index in the row
    encoding: str = ""
    delimiter: str = ","
    rows_estimate: int = 0  # data rows (without the header), from a quick count


class _RawReader(io.RawIOBase):
    """Any object with ``read(n)`` (an upload, a stored file) as a raw stream for TextIOWrapper."""

    def __init__(self, fileobj):
        self._fileobj = fileobj

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._fileobj.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _head(fileobj, size: int = SAMPLE_BYTES) -> bytes:
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(0)
    return head


def detect_format(name: str, head: bytes) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if extension in ("xlsx", "xlsm"):
        raise _file_error(_("The file is not a valid XLSX workbook."))
    if extension == "xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("The old Excel format (.xls) is not supported: save the file as XLSX or CSV."))
    if extension not in ("csv", "txt", ""):
        raise _file_error(_("Unknown file format: upload a CSV (UTF-8 or GBK) or an XLSX file."))
    return "csv"


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), or GBK (read as its superset GB18030)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise _file_error(_("Unknown file format: upload a CSV (UTF-8 or GBK) or an XLSX file."))
    # Judge complete lines only: the sample may end inside a character (0x0A never occurs inside one).
    sample = head[: head.rfind(b"\n") + 1] or head
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _file_error(_("The file is neither UTF-8 nor GBK text: save it as “CSV UTF-8” or as XLSX."))


def _looks_chinese(sample: bytes) -> bool:
    """Whether bytes that decode as GB18030 hold Chinese text rather than another legacy encoding.

    GB18030 decodes almost any byte pair, so Shift-JIS or Big5 text "decodes" into rare characters
    outside GB2312, the 6,763 characters of everyday names and documents. A file where more than a
    fifth of the characters fall outside it is refused rather than imported as nonsense.
    """
    text = sample.decode("gb18030", errors="replace")
    wide = [c for c in text if ord(c) > 0x7F]
    if len(wide) < 4:
        return True
    rare = 0
    for char in wide:
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare * 5 <= len(wide)


def _first_non_ascii_lines(fileobj, limit: int = 64 << 20) -> bytes:
    """Complete lines around the first non-ASCII byte of the file (b"" if none in ``limit`` bytes).

    A file whose first rows are ASCII only says nothing of its encoding there; the first Chinese
    name decides. Reads 1 MB at a time, so memory stays small whatever the size of the file.
    """
    fileobj.seek(0)
    carry, read = b"", 0
    try:
        while read < limit and (chunk := fileobj.read(1 << 20)):
            read += len(chunk)
            data = carry + chunk
            found = NON_ASCII.search(data)
            if found is None:
                carry = data[data.rfind(b"\n") + 1 :]
                continue
            start = data.rfind(b"\n", 0, found.start()) + 1
            end = data.rfind(b"\n") + 1
            if end > start:
                return data[start:end]
            carry = data[start:]  # the line goes on in the next chunk
        return carry if NON_ASCII.search(carry) else b""
    finally:
        fileobj.seek(0)


def _header_key(cell) -> str:
    text = re.sub(r"[\s\-]+", "_", str(cell or "").replace("\ufeff", "").strip()).lower()
    return text if text in COLUMNS or text in OPTIONAL_COLUMNS else HEADER_ALIASES.get(text.replace("_", ""), HEADER_ALIASES.get(text, ""))


def _map_header(cells) -> dict:
    columns = {}
    for index, cell in enumerate(cells):
        key = _header_key(cell)
        if key and key not in columns:
            columns[key] = index
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise _file_error(
            _("The header row lacks the columns: %(missing)s. Expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
    return columns


def _count_lines(fileobj) -> int:
    fileobj.seek(0)
    lines, last = 0, b"\n"
    while chunk := fileobj.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    fileobj.seek(0)
    return lines + (last != b"\n")


def _csv_reader(fileobj, info: FileInfo):
    fileobj.seek(0)
    # errors="replace": a row with undecodable bytes is refused with its row number, not the file.
    text = io.TextIOWrapper(io.BufferedReader(_RawReader(fileobj), 1 << 20), encoding=info.encoding, errors="replace", newline="")
    return csv.reader(text, delimiter=info.delimiter)


def _check_workbook_size(fileobj) -> None:
    """Refuse a workbook whose parts would expand beyond the limits, from the zip's directory alone."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _file_error(_("The file is not a valid XLSX workbook.")) from exc
    finally:
        fileobj.seek(0)
    too_big = _("The workbook expands to more than the import accepts: split it, or save it as CSV.")
    if sum(part.file_size for part in parts) > XLSX_MAX_EXPANDED_BYTES:
        raise _file_error(too_big)
    for part in parts:
        if part.filename.endswith("sharedStrings.xml") and part.file_size > XLSX_MAX_SHARED_STRINGS_BYTES:
            raise _file_error(too_big)
        if part.file_size > (1 << 20) and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise _file_error(_("The workbook is compressed beyond any real spreadsheet (a “zip bomb”?): it is refused."))


def _open_workbook(fileobj):
    _check_workbook_size(fileobj)
    fileobj.seek(0)
    try:
        # read_only streams the sheet row by row; data_only reads the values, not the formulas.
        return load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _file_error(_("The file is not a valid XLSX workbook.")) from exc


def inspect_file(fileobj, name: str) -> FileInfo:
    """Format, encoding, delimiter and the header row's columns; ``ValidationError`` on ``file`` if unusable."""
    head = _head(fileobj)
    if not head.strip():
        raise _file_error(_("The file is empty."))
    fmt = detect_format(name, head)
    if fmt == "xlsx":
        workbook = _open_workbook(fileobj)
        try:
            if not workbook.worksheets:
                raise _file_error(_("The workbook has no sheet."))
            sheet = workbook.worksheets[0]
            header = next(sheet.iter_rows(max_row=1, values_only=True), ())
            columns = _map_header(header)
            estimate = max((sheet.max_row or 0) - 1, 0)
        finally:
            workbook.close()
        return FileInfo(format="xlsx", columns=columns, rows_estimate=estimate)
    encoding = detect_encoding(head)
    sample = head
    if encoding == "utf-8" and head.isascii():
        sample = _first_non_ascii_lines(fileobj) or head
        encoding = detect_encoding(sample)
    if encoding == "gb18030" and not _looks_chinese(sample[: sample.rfind(b"\n") + 1] or sample):
        raise _file_error(_("The file is neither UTF-8 nor GBK text: save it as “CSV UTF-8” or as XLSX."))
    first_line = head.decode(encoding, errors="replace").splitlines()[0] if head else ""
    delimiter = max(",\t;", key=first_line.count) if first_line else ","
    info = FileInfo(format="csv", columns={}, encoding=encoding, delimiter=delimiter)
    try:
        header = next(_csv_reader(fileobj, info), [])
    except csv.Error as exc:
        raise _file_error(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    info.columns = _map_header(header)
    info.rows_estimate = max(_count_lines(fileobj) - 1, 0)
    fileobj.seek(0)
    return info


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time.min else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def iter_rows(fileobj, info: FileInfo) -> Iterator[tuple[int, dict, bool]]:
    """``(row number, {column: text}, identifier_was_a_number)`` for each non-blank data row.

    Row numbers are those a spreadsheet shows: the header is row 1.
    """
    columns = info.columns
    width = max(columns.values()) + 1

    def values_of(cells):
        cells = list(cells[:width]) + [None] * (width - len(cells))
        return {key: _cell_text(cells[index]) for key, index in columns.items()}

    if info.format == "xlsx":
        workbook = _open_workbook(fileobj)
        try:
            rows = workbook.worksheets[0].iter_rows(min_row=2, values_only=True)
            for number, cells in enumerate(rows, start=2):
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                cells = tuple(cells)
                raw_identifier = cells[columns["identifier"]] if len(cells) > columns["identifier"] else None
                yield number, values_of(cells), isinstance(raw_identifier, int | float)
        finally:
            workbook.close()
        return
    reader = _csv_reader(fileobj, info)
    next(reader, None)  # the header
    number = 1
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            yield number, values_of(cells), False
    except csv.Error as exc:
        raise _file_error(
            _("Row %(row)d cannot be read (%(error)s): the rows before it were read; correct the file and import it again.")
            % {"row": number + 1, "error": exc}
        ) from exc
