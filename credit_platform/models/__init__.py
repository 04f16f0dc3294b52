"""The platform core: departments, users, subjects, calendar, rule sets, audit trail, notifications."""
from .audit import AuditCheckpoint, AuditEvent
from .calendar import CalendarOverride, OfficialCalendarYear
from .exchange import ExchangeItem, ExchangeItemType, ExchangeOp, Region
from .departments import Department, DepartmentLevel, User
from .idempotency import IdempotencyRecord
from .notifications import Notification
from .rules import RuleSet
from .subjects import ResponsiblePerson, Subject, SubjectKind
from .tokens import ApiToken
from .webhooks import WebhookAttempt, WebhookDelivery

__all__ = [
    "ApiToken",
    "AuditCheckpoint",
    "AuditEvent",
    "CalendarOverride",
    "Department",
    "ExchangeItem",
    "ExchangeItemType",
    "ExchangeOp",
    "DepartmentLevel",
    "IdempotencyRecord",
    "Notification",
    "OfficialCalendarYear",
    "ResponsiblePerson",
    "Region",
    "RuleSet",
    "Subject",
    "SubjectKind",
    "User",
    "WebhookAttempt",
    "WebhookDelivery",
]
