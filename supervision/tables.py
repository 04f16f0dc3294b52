"""The columns of each drill-down list, shared by the page and its xlsx export.

A natural person's name is masked (``张**``): supervising a department's punctuality needs the case
number, not the person, and the full record is one click away in the admin, where viewing is logged.
"""
import datetime
from dataclasses import dataclass
from typing import Any, Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit_platform.identifiers import mask_person_name


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    value: Callable[[Any], Any]
    on_page: bool = True  # False: in the Excel file only (the page fits 1366 px without scrolling sideways)


def _subject_name(subject) -> str:
    if subject is None:
        return ""
    return mask_person_name(subject.name) if subject.is_person else subject.name


def _date(value):
    if value is None:
        return ""
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _assignment_due(a):
    """The due date the push is (or was last) working against, by its state."""
    return {"pending": a.sign_for_due, "acknowledged": a.feedback_due, "lifting": a.lift_due}.get(a.state, a.feedback_due)


COLUMNS: dict[str, list[Column]] = {
    "cases": [
        Column("number", _("Case number"), lambda c: c.number),
        Column("kind", _("Kind"), lambda c: c.get_kind_display()),
        Column("subject", _("Subject"), lambda c: _subject_name(c.subject)),
        Column("memorandum", _("Memorandum"), lambda c: c.memorandum.name),
        Column("initiator", _("Initiating department"), lambda c: c.initiating_department.display_name),
        Column("state", _("State"), lambda c: c.get_state_display()),
        Column("created", _("Opened on"), lambda c: _date(c.created_at), on_page=False),
        Column("pushed", _("Pushed on"), lambda c: _date(c.pushed_at)),
        Column("ended", _("Ended on"), lambda c: _date(c.ended_at)),
    ],
    "assignments": [
        Column("case", _("Case number"), lambda a: a.case.number),
        Column("target", _("Target"), lambda a: _subject_name(a.target)),
        Column("department", _("Executing department"), lambda a: a.department.display_name),
        Column("state", _("State"), lambda a: a.get_state_display()),
        Column("pushed_on", _("Pushed on"), lambda a: a.pushed_on),
        Column("due", _("Due"), _assignment_due),
        Column("sign_for_days", _("Working days to sign for"), lambda a: a.sign_for_working_days, on_page=False),
        Column("feedback_days", _("Working days to feed back"), lambda a: a.feedback_working_days, on_page=False),
        Column("suspended_days", _("Working days suspended"), lambda a: a.suspended_working_days, on_page=False),
        Column("urge_count", _("Times urged"), lambda a: a.urge_count),
    ],
    "objections": [
        Column("receipt", _("Receipt number"), lambda o: o.receipt_number),
        Column("subject", _("Subject"), lambda o: _subject_name(o.subject)),
        Column("provider", _("Information provider"), lambda o: o.provider_department.display_name),
        Column("state", _("State"), lambda o: o.get_state_display()),
        Column("filed", _("Filed on"), lambda o: _date(o.created_at)),
        Column("due", _("Due"), lambda o: o.verify_due if o.state == "verifying" else o.accept_due),
    ],
    "repairs": [
        Column("receipt", _("Receipt number"), lambda r: r.receipt_number),
        Column("subject", _("Subject"), lambda r: _subject_name(r.subject)),
        Column("deciding", _("Deciding department"), lambda r: r.deciding_department.display_name),
        Column("state", _("State"), lambda r: r.get_state_display()),
        Column("filed", _("Filed on"), lambda r: _date(r.created_at)),
        Column("due", _("Due"), lambda r: r.decide_due if r.state == "reviewing" else r.answer_due),
    ],
    "feedback": [
        Column("case", _("Case number"), lambda f: f.assignment.case.number),
        Column("department", _("Executing department"), lambda f: f.assignment.department.display_name),
        Column("measure", _("Measure"), lambda f: f"{f.measure.code} {f.measure.name}"),
        Column("outcome", _("Outcome"), lambda f: f.get_outcome_display()),
        Column("source", _("Source"), lambda f: f.get_source_display(), on_page=False),
        Column("occurred_on", _("Date"), lambda f: f.occurred_on),
        Column("reference", _("Business reference"), lambda f: f.business_reference),
    ],
    "urges": [
        Column("urged_on", _("Urged on"), lambda u: u.urged_on),
        Column("kind", _("Kind"), lambda u: u.get_kind_display()),
        Column("item", _("Item"), lambda u: _urged_item(u)),
        Column("department", _("Urged department"), lambda u: u.department.display_name),
        Column("urged_by", _("Urged by"), lambda u: u.urged_by.get_username()),
        Column("note", _("Note"), lambda u: u.note),
    ],
}
COLUMNS["initiator_assignments"] = COLUMNS["assignments"]
COLUMNS["records"] = [
    Column("decision_number", _("Decision number"), lambda r: r.decision_number),
    Column("record_type", _("Record type"), lambda r: r.record_type.name),
    Column("subject", _("Subject"), lambda r: _subject_name(r.subject)),
    Column("department", _("Providing department"), lambda r: r.department.display_name),
    Column("decided_on", _("Decision date"), lambda r: r.decided_on),
    Column("due", _("Publish by"), lambda r: r.publication_due),
    Column("published_on", _("Published on"), lambda r: r.published_on or ""),
    Column("state", _("State"), lambda r: r.get_state_display()),
]


def _urged_item(urge) -> str:
    if urge.assignment_id:
        return urge.assignment.case.number
    if urge.objection_id:
        return urge.objection.receipt_number
    return urge.repair.receipt_number
