"""Rule sets: which one is in force on a date, the publication periods it gives, and its edits.

Periods in months follow the Civil Code's counting (民法典 第二百零一条、第二百零三条): a period of n
months from a decision dated D ends at the end of the day of D's number n months later, or of the
last day of that month when it has no such day (2026-01-31 + 1 month = 2026-02-28).
"""
import datetime
from collections.abc import Mapping

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from credit_platform import calendar, events
from credit_platform.calendar import DateLike, as_local_date
from credit_platform.models import RuleSet

SEVERITIES = ("minor", "general", "severe")


def rule_set_in_force(day: DateLike) -> RuleSet:
    """The rule set with the latest ``effective_from`` on or before ``day``.

    A date before every rule set gets the earliest one: the seeded 58号令 rule set stands for the
    practice before it, so old decisions still get periods and deadlines.
    """
    day = as_local_date(day)
    rule_set = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule_set is None:
        rule_set = RuleSet.objects.order_by("effective_from").first()
    if rule_set is None:
        raise ImproperlyConfigured(
            "No rule set exists: run the migrations (credit_platform 0002 seeds them) or add one in the admin."
        )
    return rule_set


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months``, clamped to the last day of a shorter month."""
    return day + relativedelta(months=months)


def publication_bounds(rule_set: RuleSet, severity: str, decided_on: DateLike) -> tuple[datetime.date, datetime.date]:
    """``(min_end_date, max_end_date)`` of the publication of a dishonesty decided on ``decided_on``.

    The minimum period (before which repair may not be applied for) ends at the end of
    ``min_end_date``; publication stops by itself at the end of ``max_end_date``.
    """
    if severity not in SEVERITIES:
        raise ValueError(f"Unknown severity {severity!r}; expected one of {', '.join(SEVERITIES)}.")
    decided_on = as_local_date(decided_on)
    return (
        add_months(decided_on, rule_set.months(severity, "min")),
        add_months(decided_on, rule_set.months(severity, "max")),
    )


def entry_periods(rule_set: RuleSet, severity: str, decided_on: DateLike) -> tuple[datetime.date, datetime.date]:
    """``(repair_possible_from, publication_ends_on)`` of an entry: the first day on which repair may
    be applied for (the day after the minimum period ends) and the last day it is published."""
    minimum_end, maximum_end = publication_bounds(rule_set, severity, decided_on)
    return minimum_end + datetime.timedelta(days=1), maximum_end


def red_valid_until(rule_set: RuleSet, decided_on: DateLike) -> datetime.date:
    """The last day of a red-list entry decided on ``decided_on`` when its decision gives no validity
    of its own: the rule set's ``red_valid_months`` (24) later. A red entry is no dishonesty: it has
    no publication period and no repair date."""
    return add_months(as_local_date(decided_on), rule_set.red_valid_months)


def publication_due(rule_set: RuleSet, decided_on: DateLike):
    """The last day to publish a decision of ``decided_on`` (双公示: the rule set's working days, 7),
    as a ``calendar.DueDate`` (``.date``, ``.provisional``)."""
    return calendar.add_working_days(decided_on, rule_set.publication_due_days)


def rule_set_validate(values: Mapping[str, object]) -> None:
    """Raise ValidationError (by field) unless the values make a coherent rule set.

    ``values`` maps field names to values (a form's cleaned data, or a rule set's fields); missing
    fields are not checked.
    """
    errors: dict[str, list[str]] = {}
    for severity in SEVERITIES:
        low, high = values.get(f"{severity}_min_months"), values.get(f"{severity}_max_months")
        if low is not None and high is not None and low > high:
            errors.setdefault(f"{severity}_min_months", []).append(
                _("The minimum period cannot be longer than the maximum period.")
            )
    domains = values.get("non_repairable_domains")
    if domains is not None and not (isinstance(domains, list) and all(isinstance(code, str) and code for code in domains)):
        errors.setdefault("non_repairable_domains", []).append(_("Enter a list of domain codes, e.g. [\"internet_fraud\"]."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rule_set_save(*, rule_set: RuleSet, actor=None) -> RuleSet:
    """Create or update a rule set (the credit office, in the admin) with an audit event.

    Edits apply to computations made from now on; decisions already taken keep the dates they
    stored. Not durable: the admin calls it inside its own transaction.
    """
    rule_set.full_clean()
    rule_set_validate({field.name: getattr(rule_set, field.name) for field in RuleSet._meta.concrete_fields})
    if rule_set.pk is None:
        rule_set.save()
        events.rule_set_created(rule_set, actor, extra={"code": rule_set.code})
        return rule_set
    # Lock the row so two offices editing at once produce two audited changes, not a lost one.
    stored = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    editable = [f.name for f in RuleSet._meta.concrete_fields if f.editable and not f.primary_key]
    changed = {name: [getattr(stored, name), getattr(rule_set, name)] for name in editable if getattr(stored, name) != getattr(rule_set, name)}
    if not changed:
        return stored
    rule_set.save(update_fields=[*changed, "updated_at"])
    events.rule_set_changed(rule_set, actor, extra={"changes": changed})
    return rule_set
