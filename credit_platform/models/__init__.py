"""The platform core: departments, users, subjects, calendar, rule sets, audit trail, notifications."""
from .audit import AuditCheckpoint, AuditEvent
from .calendar import CalendarOverride, OfficialCalendarYear
from .dashboard import AssignmentTally, CaseTally, Escalation, MonthlyReport, OpenWorkTally, ScorecardSnapshot, SupervisedKind, Urge
from .departments import Department, User
from .idempotency import IdempotencyRecord
from .notifications import Notification, NotificationKind
from .rules import RuleSet
from .subjects import ResponsiblePerson, Subject, SubjectKind
from .tokens import ApiToken
from .webhooks import WebhookAttempt, WebhookDelivery

__all__ = [
    "ApiToken",
    "AssignmentTally",
    "AuditCheckpoint",
    "AuditEvent",
    "CalendarOverride",
    "CaseTally",
    "Department",
    "Escalation",
    "IdempotencyRecord",
    "MonthlyReport",
    "Notification",
    "NotificationKind",
    "OfficialCalendarYear",
    "OpenWorkTally",
    "ResponsiblePerson",
    "RuleSet",
    "ScorecardSnapshot",
    "Subject",
    "SubjectKind",
    "SupervisedKind",
    "Urge",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
]
