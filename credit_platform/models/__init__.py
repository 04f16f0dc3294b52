"""The platform core: departments, users, subjects, calendar, rule sets, audit trail, notifications."""
from .audit import AuditCheckpoint, AuditEvent
from .calendar import CalendarOverride, OfficialCalendarYear
from .departments import Department, User
from .idempotency import IdempotencyRecord
from .notifications import Notification
from .rules import RuleSet
from .subjects import ResponsiblePerson, Subject, SubjectKind

__all__ = [
    "AuditCheckpoint",
    "AuditEvent",
    "CalendarOverride",
    "Department",
    "IdempotencyRecord",
    "Notification",
    "OfficialCalendarYear",
    "ResponsiblePerson",
    "RuleSet",
    "Subject",
    "SubjectKind",
    "User",
]
