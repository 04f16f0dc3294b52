"""Column and series labels shared by the pages, the charts and the xlsx exports (translated: zh-hans by default)."""
from django.utils.translation import gettext_lazy as _

from credit_platform.domains import Domain, MeasureKind
from objections.models import ObjectionState
from repair.models import RepairState
from sanctions.models import CaseState

SCORECARD = {
    "code": _("Code"),
    "name": _("Department"),
    "received": _("Pushes received"),
    "signed_for_on_time": _("Signed for on time"),
    "signed_for_late": _("Signed for late"),
    "fed_back_on_time": _("Fed back on time"),
    "fed_back_late": _("Fed back late"),
    "overdue_now": _("Overdue now"),
    "avg_working_days_to_sign_for": _("Average working days to sign for"),
    "avg_working_days_to_feed_back": _("Average working days to feed back"),
    "lifts_late": _("Lifting confirmed late"),
    "lifts_unconfirmed": _("Lifting overdue"),
    "returned": _("Returned"),
    "times_urged": _("Times urged"),
    "applied": _("Measures applied"),
    "hits": _("Later hits"),
}

INITIATORS = {
    "code": _("Code"),
    "name": _("Department"),
    "opened": _("Cases opened"),
    "pushed": _("Cases pushed"),
    "live": _("Cases in force"),
    "suspended": _("Cases suspended"),
    "ended": _("Cases ended"),
    "returned": _("Pushes returned"),
    "overdue_now": _("Pushes overdue now"),
}

MONTH_EVENTS = {
    "opened": _("Opened"),
    "pushed": _("Pushed"),
    "completed": _("Fed back"),
    "repaired": _("Repaired"),
    "expired": _("Expired"),
    "revoked": _("Revoked"),
}

OBJECTIONS = {
    "code": _("Code"),
    "name": _("Information provider"),
    "open": _("In progress"),
    **{value: label for value, label in ObjectionState.choices},
    "overdue": _("Overdue now"),
    "times_urged": _("Times urged"),
}

REPAIRS = {
    "code": _("Code"),
    "name": _("Deciding department"),
    "open": _("In progress"),
    **{value: label for value, label in RepairState.choices},
    "overdue": _("Overdue now"),
    "times_urged": _("Times urged"),
}

CASE_STATES = dict(CaseState.choices)
CASE_KINDS = dict(MeasureKind.choices)
DOMAINS = dict(Domain.choices)

FILTERS = {
    "from": _("From"),
    "to": _("To"),
    "department": _("Department"),
    "region": _("Region code"),
    "generated_at": _("Generated at"),
}

PUBLICITY = {
    "code": _("Code"),
    "name": _("Providing department"),
    "due": _("Decisions to publish"),
    "on_time": _("Published on time"),
    "late": _("Published late"),
    "overdue": _("Not published, past the deadline"),
    "pending": _("Not published, still in time"),
    "on_time_rate": _("On-time rate (%)"),
}
