"""Proposing list entries and the identification procedure (notice, statement, withdrawal), and
the helpers the other list services share."""
import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.domains import Domain, ListType
from credit_platform.exceptions import IllegalTransition, transition_error
from credit_platform.models import Department, Subject
from credit_platform.permissions import permission_id
from credit_platform.rules import entry_periods, publication_bounds, publication_due, red_valid_until, rule_set_in_force
from credit_platform.workflow import entry_point, require, run_transition
from lists import access, events
from lists.locks import lock_entry
from lists.models import EntryState, ListEntry, ListEntryGroupObjectPermission, RemovalReason, Severity, black_domain_refusal

# How a case ends when its entry leaves the list.
CASE_END_FOR_REMOVAL = {
    RemovalReason.EXPIRED: "expired",
    RemovalReason.REPAIRED: "repaired",
    RemovalReason.REVOKED: "revoked",
    RemovalReason.CORRECTED: "revoked",
}
# The kind of joint case a published entry opens.
# Suffix of the decision number of a black-list proposal made from a watch entry, when needed to stay unique.
BLACK_PROPOSAL_SUFFIX = "-black"


def _illegal(entry: ListEntry, attempted: str, detail: str = "") -> IllegalTransition:
    error = transition_error(entry, "state", attempted)
    return IllegalTransition(detail or error.detail, state=error.state, allowed=error.allowed)


def entry_url(entry) -> str:
    return f"/admin/lists/listentry/{entry.pk}/change/"


def _case_url(case) -> str:
    return f"/admin/sanctions/jointcase/{case.pk}/change/"


def _office_ids(**flags) -> list[int]:
    return list(Department.objects.filter(is_active=True, **flags).order_by("pk").values_list("pk", flat=True))


def _notify(department_ids, *, verb: str, title: str, body: str = "", url: str = "") -> None:
    notifications.notify_many_on_commit(
        [{"department_id": pk, "verb": verb, "title": title, "body": body, "url": url} for pk in dict.fromkeys(department_ids)]
    )


# --- proposing ------------------------------------------------------------------------------------


def _severity_errors(list_type, severity) -> list[str]:
    """A dishonesty (black, watch) has a severity; a red entry has none (DESIGN.md, contract details)."""
    if list_type == ListType.RED:
        return [_("A red-list entry is no dishonesty and has no severity: leave it empty (its validity is valid_until).")] if severity else []
    if not severity:
        return [_("Choose the severity of the dishonesty (%(choices)s).") % {"choices": ", ".join(Severity.values)}]
    if severity not in Severity.values:
        return [_("Unknown severity “%(value)s”.") % {"value": severity}]
    return []


def _validity_errors(list_type, decided_on, valid_until, today, check_period) -> list[str]:
    if valid_until is None:
        return []
    if list_type != ListType.RED:
        return [_("Only a red-list entry has its own validity; a dishonesty's periods follow from its severity.")]
    if decided_on is not None and valid_until <= decided_on:
        return [_("The validity must end after the decision date.")]
    if check_period and valid_until < today:
        return [_("This validity ended on %(end)s.") % {"end": valid_until.isoformat()}]
    return []


def entry_validate(*, subject, list_type, severity, domain, basis, decision_number, decided_on, valid_until=None, today=None,
                   exclude_pk=None, check_period: bool = True) -> dict[str, list[str]]:
    """The field errors of a proposed entry (empty when it may be proposed). The admin form and the importer ask it too.

    ``exclude_pk``: the entry being corrected (not a duplicate of itself); ``check_period``: refuse a
    decision whose maximum publication period (a red entry: its validity) has already ended.
    ``valid_until``: a red entry's own validity, when its decision gives one (default: the rule set's months).
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = defaultdict(list)
    if subject is None:
        errors["subject"].append(_("Choose the subject."))
    if list_type not in ListType.values:
        errors["list_type"].append(_("Unknown list “%(value)s”.") % {"value": list_type})
    errors["severity"].extend(_severity_errors(list_type, severity))
    errors["valid_until"].extend(_validity_errors(list_type, decided_on, valid_until, today, check_period))
    if domain not in Domain.values:
        errors["domain"].append(_("Unknown domain “%(value)s”.") % {"value": domain})
    elif black_domain_refusal(list_type, domain):
        errors["domain"].append(black_domain_refusal(list_type, domain))
    if not (basis or "").strip():
        errors["basis"].append(_("Cite the legal basis of the entry."))
    if not (decision_number or "").strip():
        errors["decision_number"].append(_("Give the number of the decision document."))
    elif len(decision_number.strip()) > ListEntry._meta.get_field("decision_number").max_length:
        errors["decision_number"].append(_("The decision number is too long."))
    if decided_on is None:
        errors["decided_on"].append(_("Give the date of the decision."))
    elif decided_on > today:
        errors["decided_on"].append(_("The decision date cannot be in the future."))
    elif check_period and list_type == ListType.RED and valid_until is None:
        maximum = red_valid_until(rule_set_in_force(decided_on), decided_on)
        if maximum < today:
            errors["decided_on"].append(
                _("The validity of a red-list decision of this date ended on %(end)s.") % {"end": maximum.isoformat()}
            )
    elif check_period and list_type != ListType.RED and severity in Severity.values:
        _minimum, maximum = publication_bounds(rule_set_in_force(decided_on), severity, decided_on)
        if maximum < today:
            errors["decided_on"].append(
                _("The publication period of a decision of this date ended on %(end)s.") % {"end": maximum.isoformat()}
            )
    errors = defaultdict(list, {field: messages for field, messages in errors.items() if messages})
    if not errors and ListEntry.objects.filter(
        subject=subject, list_type=list_type, domain=domain, decision_number=decision_number.strip()
    ).exclude(pk=exclude_pk).exists():
        errors["decision_number"].append(_duplicate_message(list_type, decision_number.strip()))
    return dict(errors)


def black_list_decision_refusal(department: Department | None) -> str:
    """Why ``department`` may not decide a black-list entry ("" when it may): RULES.md, black list
    (国办发〔2020〕49号): decided at county level or above."""
    if department is None or department.decides_black_list:
        return ""
    return _(
        "A black-list decision is made at county level or above (国办发〔2020〕49号, RULES.md “Listing a subject on the "
        "black list”): %(department)s is at %(level)s level."
    ) % {"department": department.display_name, "level": department.get_level_display()}


def _duplicate_message(list_type, decision_number) -> str:
    return _("This subject already has an entry on the %(list)s in this domain for decision %(number)s.") % {
        "list": ListType(list_type).label, "number": decision_number,
    }


def entries_grant_manage(*, entry_ids, department: Department) -> None:
    """Give the identifying department's group ``manage_listentry`` on the entries (one row each; repeats ignored)."""
    perm_id = permission_id(ListEntry, "manage_listentry")
    ListEntryGroupObjectPermission.objects.bulk_create(
        [ListEntryGroupObjectPermission(content_object_id=pk, group_id=department.group_id, permission_id=perm_id) for pk in entry_ids],
        ignore_conflicts=True,
    )


# The decision's content a department states when it proposes a black entry (国办发〔2020〕49号).
DECISION_CONTENT_FIELDS = ("facts", "exit_conditions", "remedies")


def decision_content_errors(list_type: str, content: dict) -> dict[str, list[str]]:
    """The missing parts of a black entry's decision (facts, exit conditions, remedies); none for red and watch."""
    if list_type != ListType.BLACK:
        return {}
    messages = {
        "facts": _("State the facts of the dishonesty: the notice to the subject prints them."),
        "exit_conditions": _("State the conditions and the procedure for leaving the black list."),
        "remedies": _("State the remedies open to the subject (objection, reconsideration, litigation) and their time limits."),
    }
    return {name: [messages[name]] for name in DECISION_CONTENT_FIELDS if not (content.get(name) or "").strip()}


@transaction.atomic(savepoint=False)
def _entry_create(*, actor, department: Department, subject, list_type, severity, domain, basis, decision_number, decided_on,
                  valid_until=None, extra=None, content=None, require_content=False) -> ListEntry:
    """``content``: the decision's facts, exit conditions and remedies; ``require_content``: a black
    entry proposed by a department must state them (a proposal the platform makes itself need not)."""
    severity = severity or ""
    content = {name: (content or {}).get(name) or "" for name in DECISION_CONTENT_FIELDS}
    errors = entry_validate(
        subject=subject, list_type=list_type, severity=severity, domain=domain, basis=basis,
        decision_number=decision_number, decided_on=decided_on, valid_until=valid_until,
    )
    if require_content:
        errors = {**errors, **decision_content_errors(list_type, content)}
    refusal = black_list_decision_refusal(department) if list_type == ListType.BLACK else ""
    if refusal:
        errors = {**errors, "list_type": [*errors.get("list_type", []), refusal]}
    if errors:
        raise ValidationError(errors)
    rule_set = rule_set_in_force(decided_on)
    if list_type == ListType.RED:
        minimum = maximum = None
        valid_until = valid_until or red_valid_until(rule_set, decided_on)
    else:
        minimum, maximum = entry_periods(rule_set, severity, decided_on)
    due = publication_due(rule_set, decided_on)
    entry = ListEntry(
        publication_due=due.date, publication_due_provisional=due.provisional,
        subject=subject, list_type=list_type, severity=severity, domain=domain, basis=basis.strip(),
        decision_number=decision_number.strip(), decided_on=decided_on, identifying_department=department,
        rule_set=rule_set, repair_possible_from=minimum, publication_ends_on=maximum, valid_until=valid_until,
        created_by=actor if getattr(actor, "pk", None) else None, **{name: value.strip() for name, value in content.items()},
    )
    try:
        # A savepoint: a simultaneous proposal of the same decision fails on the unique constraint.
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError({"decision_number": [_duplicate_message(list_type, entry.decision_number)]}) from None
    entries_grant_manage(entry_ids=[entry.pk], department=department)
    events.entry_proposed(
        entry, actor, to_state=entry.state,
        extra={
            "subject": subject.identifier, "list_type": list_type, "severity": severity, "domain": domain,
            "decision_number": entry.decision_number, "decided_on": decided_on, "rule_set": rule_set.code,
            **({"valid_until": valid_until} if list_type == ListType.RED else {}),
            "identifying_department": department.code, **(extra or {}),
        },
    )
    return entry


@transaction.atomic(savepoint=False)
def entry_propose_in_transaction(*, actor, subject: Subject, list_type: str, severity: str | None, domain: str, basis: str, decision_number: str,
                  decided_on: datetime.date, valid_until: datetime.date | None = None, facts: str = "", exit_conditions: str = "",
                  remedies: str = "") -> ListEntry:
    """Identify a subject for a list: a proposed entry of the actor's department, with the rule set
    in force on the decision date and the publication periods it gives (a dishonesty: black and
    watch entries, with a severity), or its validity (a red entry: no severity; ``valid_until`` when
    the decision gives one, else the rule set's months from the decision date). A black entry states
    the decision's facts, exit conditions and remedies (国办发〔2020〕49号); red and watch entries may."""
    require(access.can_propose(actor), _("Only an initiating department or the credit office can propose a list entry."))
    department = getattr(actor, "department", None)
    require(department is not None, _("Only a user of a department can propose a list entry."))
    return _entry_create(
        actor=actor, department=department, subject=subject, list_type=list_type, severity=severity, domain=domain,
        basis=basis, decision_number=decision_number, decided_on=decided_on, valid_until=valid_until,
        content={"facts": facts, "exit_conditions": exit_conditions, "remedies": remedies}, require_content=True,
    )


# The complaints app proposes inside its own transaction (a substantiated report, 投诉举报).
entry_propose = entry_point(entry_propose_in_transaction)


# --- the identification procedure -----------------------------------------------------------------


@transaction.atomic(durable=True)
def entry_notify(*, entry: ListEntry, actor, method: str, notified_on: datetime.date) -> ListEntry:
    """The subject has been told the reasons, the basis and its rights: its statement window opens."""
    entry = lock_entry(entry.pk)
    require(access.can_manage_entry(actor, entry), _("Only the identifying department can notify the subject."))
    if entry.state != EntryState.PROPOSED:
        raise _illegal(entry, "notify")
    errors = {}
    if not (method or "").strip():
        errors["method"] = [_("Say how the subject was told (served in person, by post, ...).")]
    if notified_on is None:
        errors["notified_on"] = [_("Give the date the subject was told.")]
    elif notified_on > timezone.localdate():
        errors["notified_on"] = [_("The date cannot be in the future.")]
    elif notified_on < entry.decided_on:
        errors["notified_on"] = [_("The subject cannot be told before the decision date (%(date)s).") % {"date": entry.decided_on.isoformat()}]
    if errors:
        raise ValidationError(errors)
    previous = entry.state
    due = calendar.add_working_days(notified_on, entry.rule_set.statement_window_days)
    run_transition(entry, "notify", on=notified_on, how=method.strip(), statement_due=due.date)
    entry.save(update_fields=["state", "notified_on", "notify_method", "statement_due", "updated_at"])
    events.entry_notified(
        entry, actor, from_state=previous, to_state=entry.state,
        extra={"method": entry.notify_method, "notified_on": notified_on, "statement_due": entry.statement_due,
               "statement_due_provisional": due.provisional},
    )
    return entry


@transaction.atomic(durable=True)
def entry_record_statement(*, entry: ListEntry, actor, text: str, waived: bool = False) -> ListEntry:
    """Record the subject's statement and defence (陈述申辩), or that it waived it."""
    entry = lock_entry(entry.pk)
    require(access.can_manage_entry(actor, entry), _("Only the identifying department can record the statement."))
    if entry.state != EntryState.NOTIFIED:
        raise _illegal(entry, "statement")
    text = (text or "").strip()
    if not text and not waived:
        raise ValidationError({"text": [_("Record the statement, or that the subject waived it.")]})
    entry.statement_text, entry.statement_waived, entry.statement_at = text, bool(waived), timezone.now()
    entry.save(update_fields=["statement_text", "statement_waived", "statement_at", "updated_at"])
    events.entry_statement_recorded(
        entry, actor, from_state=entry.state, to_state=entry.state,
        extra={"waived": entry.statement_waived, "text": text},
    )
    return entry


@transaction.atomic(durable=True)
def entry_withdraw(*, entry: ListEntry, actor, reason: str) -> ListEntry:
    """The statement was upheld: the entry is withdrawn before publication (and kept)."""
    entry = lock_entry(entry.pk)
    require(access.can_manage_entry(actor, entry), _("Only the identifying department can withdraw this entry."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the entry is withdrawn.")]})
    previous = entry.state
    run_transition(entry, "withdraw", reason=reason.strip())
    entry.save(update_fields=["state", "withdraw_reason", "updated_at"])
    events.entry_withdrawn(entry, actor, from_state=previous, to_state=entry.state, reason=reason.strip())
    return entry
