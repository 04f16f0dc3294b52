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

After a chunk commits, the joint cases of its black and red entries are opened by Celery tasks
(``lists.import_tasks``), unless the import says not to.
"""
import codecs
import csv
import datetime
import hashlib
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import audit, identifiers
from credit_platform.domains import Domain, ListType
from credit_platform.models import Subject, SubjectKind
from credit_platform.rules import publication_bounds, rule_set_in_force
from lists import access, labels
from lists.models import (
    EntryState,
    ImportBatch,
    ImportRowError,
    ListEntry,
    ListEntryGroupObjectPermission,
    Severity,
    Source,
)

logger = logging.getLogger(__name__)

COLUMNS = ("identifier", "name", "kind", "list_type", "severity", "domain", "basis", "decision_number", "decided_on")
# Rows per transaction (and per bulk insert): bounds memory and the work a crash can lose.
CHUNK_SIZE = 5000
# Files up to this many rows are imported within the API request; larger ones by a Celery task.
SYNC_ROW_LIMIT = 5000
# Entries per case-opening task.
CASE_BATCH = 100
# Lists whose entries open a joint case.
CASE_LISTS = (ListType.BLACK, ListType.RED)

ERROR, WARNING = "error", "warning"

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
}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_LENGTH = {"name": Subject._meta.get_field("name").max_length, "decision_number": ListEntry._meta.get_field("decision_number").max_length}
SAMPLE_BYTES = 256 * 1024


# --- the file ------------------------------------------------------------------------------------


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


def _header_key(cell) -> str:
    text = re.sub(r"[\s\-]+", "_", str(cell or "").replace("\ufeff", "").strip()).lower()
    return text if text in COLUMNS else HEADER_ALIASES.get(text.replace("_", ""), HEADER_ALIASES.get(text, ""))


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


def _open_workbook(fileobj):
    from openpyxl import load_workbook

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
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        yield number, values_of(cells), False


# --- validation ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Issue:
    row: int
    field: str
    reason: str
    level: str = ERROR
    values: dict | None = None


@dataclass(slots=True)
class Row:
    number: int
    identifier: str
    name: str
    kind: str
    list_type: str
    severity: str
    domain: str
    basis: str
    decision_number: str
    decided_on: datetime.date
    birth_date: datetime.date | None
    rule_set: object
    repair_possible_from: datetime.date
    publication_ends_on: datetime.date


def _choice(value: str, codes, chinese: dict, aliases: dict | None = None) -> str | None:
    lowered = value.strip().lower()
    if lowered in codes:
        return lowered
    for code, label in chinese.items():
        if value == label:
            return str(code)
    if aliases and value in aliases:
        return str(aliases[value])
    return None


class _Periods:
    """``rule_set_in_force`` and ``publication_bounds``, memoised per date (a file has few distinct dates)."""

    def __init__(self):
        self._rule_sets, self._bounds = {}, {}

    def rule_set(self, day):
        if day not in self._rule_sets:
            self._rule_sets[day] = rule_set_in_force(day)
        return self._rule_sets[day]

    def bounds(self, rule_set, severity, day):
        key = (rule_set.pk, severity, day)
        if key not in self._bounds:
            self._bounds[key] = publication_bounds(rule_set, severity, day)
        return self._bounds[key]


def validate_row(number: int, values: dict, *, today: datetime.date, periods: _Periods, identifier_was_number: bool = False):
    """``(Row or None, [Issue])``: the row ready to import, or the reasons it is refused (one per column)."""
    issues = []

    def refuse(field, reason):
        issues.append(Issue(number, field, reason, ERROR, values))

    for key in COLUMNS:
        if not values[key]:
            refuse(key, _("This value is required."))
        elif "\ufffd" in values[key]:
            refuse(key, _("The text cannot be read: the file mixes encodings (save it as UTF-8)."))
    for key, limit in MAX_LENGTH.items():
        if len(values[key]) > limit:
            refuse(key, _("At most %(n)d characters.") % {"n": limit})

    kind = _choice(values["kind"], SubjectKind.values, labels.KIND, labels.KIND_ALIASES) if values["kind"] else None
    if values["kind"] and kind is None:
        refuse("kind", _("Unknown kind “%(value)s”; expected one of: %(choices)s.") % {"value": values["kind"], "choices": ", ".join(SubjectKind.values)})
    list_type = _choice(values["list_type"], ListType.values, labels.LIST_TYPE, labels.LIST_TYPE_ALIASES) if values["list_type"] else None
    if values["list_type"] and list_type is None:
        refuse("list_type", _("Unknown list “%(value)s”; expected one of: %(choices)s.") % {"value": values["list_type"], "choices": ", ".join(ListType.values)})
    severity = _choice(values["severity"], Severity.values, labels.SEVERITY, labels.SEVERITY_ALIASES) if values["severity"] else None
    if values["severity"] and severity is None:
        refuse("severity", _("Unknown severity “%(value)s”; expected one of: %(choices)s.") % {"value": values["severity"], "choices": ", ".join(Severity.values)})
    domain = _choice(values["domain"], Domain.values, labels.DOMAIN) if values["domain"] else None
    if values["domain"] and domain is None:
        refuse("domain", _("Unknown domain “%(value)s”; expected one of: %(choices)s.") % {"value": values["domain"], "choices": ", ".join(Domain.values)})

    identifier = identifiers.normalise(values["identifier"])
    birth_date = None
    if identifier and kind:
        try:
            birth_date = identifiers.validate_for_kind(identifier, kind)
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            if identifier_was_number:
                reason += " " + _("The cell holds a number, and Excel keeps only 15 digits: format the column as text.")
            refuse("identifier", reason)

    decided_on = None
    if values["decided_on"]:
        text = values["decided_on"]
        try:
            decided_on = datetime.date.fromisoformat(text) if DATE_RE.match(text) else None
        except ValueError:
            decided_on = None
        if decided_on is None:
            refuse("decided_on", _("Enter a real date as YYYY-MM-DD."))
        elif decided_on > today:
            refuse("decided_on", _("The decision date cannot be in the future."))
            decided_on = None

    rule_set = minimum = maximum = None
    if decided_on and severity:
        rule_set = periods.rule_set(decided_on)
        minimum, maximum = periods.bounds(rule_set, severity, decided_on)
        if maximum < today:
            refuse("decided_on", _("The publication period of a decision of this date ended on %(end)s.") % {"end": maximum.isoformat()})
        elif severity == Severity.MINOR and not rule_set.minor_published:
            refuse("severity", _("Minor dishonesty is not published under the rule set %(rule_set)s.") % {"rule_set": rule_set.code})

    if issues:
        return None, issues
    row = Row(
        number=number, identifier=identifier, name=values["name"], kind=kind, list_type=list_type, severity=severity,
        domain=domain, basis=values["basis"], decision_number=values["decision_number"], decided_on=decided_on,
        birth_date=birth_date, rule_set=rule_set, repair_possible_from=minimum, publication_ends_on=maximum,
    )
    return row, []


# --- access --------------------------------------------------------------------------------------


def can_import(user) -> bool:
    """Importing decided entries is proposing them: initiating departments and the credit office."""
    return access.can_propose(user)


def import_batches_for_user(user):
    """Batches of the user's department; the credit office sees every batch."""
    from credit_platform import permissions

    batches = ImportBatch.objects.select_related("department", "uploaded_by")
    if permissions.is_credit_office(user):
        return batches
    department = permissions.department_of(user)
    if department is None or not permissions.is_department_member(user):
        return batches.none()
    return batches.filter(department=department)


# --- the batch -----------------------------------------------------------------------------------


def _sha256(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(1 << 20):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


@transaction.atomic
def import_batch_create(*, upload, actor, strict: bool = False) -> tuple[ImportBatch, FileInfo]:
    """Check the uploaded file and record the batch with a stored copy of it (the task reads that)."""
    if not can_import(actor):
        raise PermissionDenied(_("Only an initiating department or the credit office can import list entries."))
    department = getattr(actor, "department", None)
    if department is None:
        raise PermissionDenied(_("Only a user of a department can import list entries."))
    name = getattr(upload, "name", "") or "upload"
    info = inspect_file(upload, name)
    batch = ImportBatch(
        file_name=name[:300], file_sha256=_sha256(upload), department=department, uploaded_by=actor, strict=bool(strict),
        rows_total=info.rows_estimate,
    )
    upload.seek(0)
    batch.file.save(name.rsplit("/", 1)[-1][-100:], upload, save=False)
    batch.save()
    return batch, info


def import_batch_enqueue(*, batch: ImportBatch, open_cases: bool = True) -> None:
    """Run the import by a Celery task once the batch is committed."""
    from lists.import_tasks import import_batch_run_task

    batch_id = batch.pk
    transaction.on_commit(lambda: import_batch_run_task.delay(batch_id, open_cases))


class _Importer:
    """One run of one batch. Holds only per-import constants and one chunk of rows at a time."""

    def __init__(self, batch: ImportBatch, *, open_cases: bool):
        self.batch_id = batch.pk
        self.department = batch.department
        self.actor = batch.uploaded_by
        self.strict = batch.strict
        self.open_cases = open_cases
        self.today = timezone.localdate()
        self.periods = _Periods()
        self.manage_perm_id = Permission.objects.get(content_type__app_label="lists", codename="manage_listentry").pk

    # -- streaming ---------------------------------------------------------------------------

    def chunks(self, fileobj, info, *, skip: int = 0):
        """``(rows, issues, first, last)`` per chunk; ``first``/``last`` count data rows (1-based)."""
        rows, issues, index, first = [], [], 0, skip + 1
        for number, values, was_number in iter_rows(fileobj, info):
            index += 1
            if index <= skip:
                continue  # committed by an earlier run of this batch
            row, row_issues = validate_row(number, values, today=self.today, periods=self.periods, identifier_was_number=was_number)
            if row is not None:
                rows.append(row)
            issues.extend(row_issues)
            if index - first + 1 >= CHUNK_SIZE:
                yield rows, issues, first, index
                rows, issues, first = [], [], index + 1
        if index >= first:
            yield rows, issues, first, index

    # -- writing -----------------------------------------------------------------------------

    def _lock_batch(self) -> ImportBatch:
        # Lock the batch so two deliveries of the same task write a chunk once and count it once.
        return ImportBatch.objects.select_for_update().get(pk=self.batch_id)

    def write_issues(self, issues) -> None:
        ImportRowError.objects.bulk_create(
            [
                ImportRowError(
                    batch_id=self.batch_id, row_number=i.row, field=i.field, reason=i.reason,
                    raw={"level": i.level, "values": i.values or {}},
                )
                for i in issues
            ],
            batch_size=1000,
        )

    def validate_chunk(self, issues, last: int) -> None:
        """Strict pass one: record the refused rows and the progress, write nothing else."""
        with transaction.atomic():
            batch = self._lock_batch()
            self.write_issues(issues)
            batch.rows_done = last
            batch.error_count = F("error_count") + len({i.row for i in issues})
            batch.save(update_fields=["rows_done", "error_count"])

    def import_chunk(self, rows, issues, first: int, last: int) -> tuple[int, int]:
        """Import one chunk in one transaction (a savepoint inside a strict import's transaction)."""
        for attempt in range(2):
            try:
                with transaction.atomic():
                    batch = self._lock_batch()
                    if not self.strict and batch.rows_done >= last:
                        return 0, 0  # already committed by another delivery of this task
                    created, unchanged, warnings, entry_ids = self._insert(rows)
                    self.write_issues([*issues, *warnings])
                    batch.rows_done = last
                    batch.created_count = F("created_count") + created
                    batch.unchanged_count = F("unchanged_count") + unchanged
                    batch.error_count = F("error_count") + len({i.row for i in issues})
                    batch.save(update_fields=["rows_done", "created_count", "unchanged_count", "error_count"])
                    if not self.strict:
                        self._open_cases_on_commit(entry_ids)
                    return created, unchanged
            except IntegrityError:
                # Another writer registered one of these subjects or decisions meanwhile: the
                # chunk rolled back; look again (what it wrote is now "existing").
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _insert(self, rows):
        """Bulk-insert the chunk's new subjects and entries; return (created, unchanged, warnings, [(id, list)])."""
        now = timezone.now()
        warnings = []
        subjects = {
            s.identifier: s
            for s in Subject.objects.filter(identifier__in={r.identifier for r in rows}).only("pk", "identifier", "name", "kind")
        }
        new_subjects = {}
        for row in rows:
            subject = subjects.get(row.identifier) or new_subjects.get(row.identifier)
            if subject is None:
                new_subjects[row.identifier] = Subject(kind=row.kind, identifier=row.identifier, name=row.name, birth_date=row.birth_date)
                continue
            values = {c: getattr(row, c) if c != "decided_on" else row.decided_on.isoformat() for c in COLUMNS}
            if subject.name != row.name:
                warnings.append(Issue(row.number, "name", _("The subject %(identifier)s is registered as “%(name)s”; the registered subject was used.")
                                      % {"identifier": row.identifier, "name": subject.name}, WARNING, values))
            if subject.kind != row.kind:
                warnings.append(Issue(row.number, "kind", _("The subject is registered as %(kind)s; the registered kind was kept.")
                                      % {"kind": SubjectKind(subject.kind).label}, WARNING, values))
        if new_subjects:
            Subject.objects.bulk_create(new_subjects.values(), batch_size=1000)
            audit.record_created_bulk(
                new_subjects.values(), action="subject_created", actor=self.actor, department=self.department,
                extra_for=lambda s: {"kind": s.kind, "import_batch": self.batch_id},
            )
            subjects.update(new_subjects)

        existing = set(
            ListEntry.objects.filter(subject_id__in={s.pk for s in subjects.values()}, decision_number__in={r.decision_number for r in rows})
            .values_list("subject_id", "list_type", "domain", "decision_number")
        )
        entries, unchanged = [], 0
        for row in rows:
            subject = subjects[row.identifier]
            key = (subject.pk, row.list_type, row.domain, row.decision_number)
            if key in existing:
                unchanged += 1  # already on file (an earlier import, or twice in this file)
                continue
            existing.add(key)
            entry = ListEntry(
                subject=subject, list_type=row.list_type, severity=row.severity, domain=row.domain, basis=row.basis,
                decision_number=row.decision_number, decided_on=row.decided_on, identifying_department=self.department,
                rule_set=row.rule_set, repair_possible_from=row.repair_possible_from, publication_ends_on=row.publication_ends_on,
                source=Source.IMPORT, import_batch_id=self.batch_id, created_by=self.actor,
            )
            entry.publish_decided(at=now)  # decided and notified by the authority that publishes the list
            entry._import_row = row.number
            entries.append(entry)
        if entries:
            ListEntry.objects.bulk_create(entries, batch_size=1000)
            ListEntryGroupObjectPermission.objects.bulk_create(
                [ListEntryGroupObjectPermission(content_object_id=e.pk, group_id=self.department.group_id, permission_id=self.manage_perm_id) for e in entries],
                batch_size=1000,
            )
            audit.record_created_bulk(
                entries, action="entry_imported", actor=self.actor, department=self.department, to_state=EntryState.PUBLISHED,
                extra_for=lambda e: {"import_batch": self.batch_id, "row": e._import_row, "rule_set": e.rule_set.code},
            )
        return len(entries), unchanged, warnings, [(e.pk, e.list_type) for e in entries]

    def _open_cases_on_commit(self, entry_ids) -> None:
        """After the chunk commits: open the black and red entries' cases, and keep the watch list, by tasks."""
        from lists.import_tasks import open_cases_for_entries_task

        wanted = [pk for pk, list_type in entry_ids if list_type == ListType.WATCH or (self.open_cases and list_type in CASE_LISTS)]
        for start in range(0, len(wanted), CASE_BATCH):
            ids = wanted[start : start + CASE_BATCH]
            # robust: the entries are committed; a failed dispatch is logged and the sweep in the task retries.
            transaction.on_commit(lambda ids=ids: open_cases_for_entries_task.delay(self.batch_id, ids), robust=True)


def _set_state(batch_id: int, **fields) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(**fields)


def import_run(*, batch_id: int, source=None, open_cases: bool = True) -> ImportBatch:
    """Run, or resume, the import of a batch; answers the batch with its final counts.

    ``source``: the file to read (default: the batch's stored copy). Idempotent: a finished batch is
    left alone; a non-strict batch interrupted by a crash resumes after its last committed chunk.
    """
    batch = ImportBatch.objects.select_related("department", "uploaded_by__department").get(pk=batch_id)
    if batch.state in (ImportBatch.State.DONE, ImportBatch.State.FAILED):
        return batch
    fileobj = source if source is not None else batch.file.open("rb")
    try:
        info = inspect_file(fileobj, batch.file_name)
        importer = _Importer(batch, open_cases=open_cases)
        if batch.strict:
            _run_strict(batch, importer, fileobj, info)
        else:
            _run_chunks(batch, importer, fileobj, info)
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task retries and resumes
    except ValidationError as exc:
        _set_state(batch_id, state=ImportBatch.State.FAILED, message=" ".join(exc.messages), finished_at=timezone.now())
    except Exception as exc:
        logger.exception("Import batch %s failed", batch_id)
        _set_state(batch_id, state=ImportBatch.State.FAILED, message=_("The import stopped: %(error)s") % {"error": exc}, finished_at=timezone.now())
        raise
    finally:
        if source is None:
            fileobj.close()
    return ImportBatch.objects.select_related("department", "uploaded_by").get(pk=batch_id)


def _run_chunks(batch, importer: _Importer, fileobj, info) -> None:
    skip = batch.rows_done if batch.state == ImportBatch.State.RUNNING else 0
    _set_state(batch.pk, state=ImportBatch.State.RUNNING, message="")
    seen = skip
    for rows, issues, first, last in importer.chunks(fileobj, info, skip=skip):
        importer.import_chunk(rows, issues, first, last)
        seen = last
    _finish(batch.pk, seen)


def _run_strict(batch, importer: _Importer, fileobj, info) -> None:
    # A strict run starts over after a crash: its second pass commits all or nothing.
    with transaction.atomic():
        ImportRowError.objects.filter(batch_id=batch.pk).delete()
        _set_state(batch.pk, state=ImportBatch.State.RUNNING, rows_done=0, created_count=0, unchanged_count=0, error_count=0,
                   message=_("Checking every row before importing."))
    seen = 0
    for _rows, issues, _first, last in importer.chunks(fileobj, info):
        importer.validate_chunk(issues, last)
        seen = last
    refused = ImportBatch.objects.values_list("error_count", flat=True).get(pk=batch.pk)
    if refused:
        _finish(batch.pk, seen, message=_("Strict import: %(n)d rows refused, nothing imported.") % {"n": refused})
        return
    _set_state(batch.pk, message=_("Every row is valid; importing."))
    # Validation is deterministic, so the second pass refuses nothing; one transaction makes it
    # all or nothing even if the process dies half-way (the progress shows once it commits).
    with transaction.atomic():
        _set_state(batch.pk, rows_done=0)
        for rows, issues, first, last in importer.chunks(fileobj, info):
            importer.import_chunk(rows, issues, first, last)
        # One task pages through the batch's entries: no list of a million ids waits for the commit.
        transaction.on_commit(_open_batch_cases(batch.pk, importer.open_cases), robust=True)
    _finish(batch.pk, seen)


def _open_batch_cases(batch_id: int, open_cases: bool):
    def dispatch():
        from lists.import_tasks import open_cases_for_batch_task

        open_cases_for_batch_task.delay(batch_id, open_cases)

    return dispatch


def _finish(batch_id: int, rows: int, message: str = "") -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    if not message:
        message = _("%(created)d created, %(unchanged)d unchanged, %(refused)d refused.") % {
            "created": batch.created_count, "unchanged": batch.unchanged_count, "refused": batch.error_count,
        }
    _set_state(batch_id, state=ImportBatch.State.DONE, rows_total=rows, rows_done=rows, finished_at=timezone.now(), message=message)


# --- the report ----------------------------------------------------------------------------------


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


def _neutralise(value):
    from lists.export import neutralise

    return neutralise(value)
