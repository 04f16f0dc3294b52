"""Every write of list entries: the identification procedure, publication, removal, the watch list.

Each top-level service runs in one transaction and locks the entry it moves (then the subject, for
the watch flag; the entry's cases are locked by sanctions.services, always after the entry), calls
the django-fsm transition, saves with ``update_fields``, writes one audit event per changed object,
and schedules notifications after commit. Publishing a black or red entry opens its joint case from
the memorandum of its list and domain in the same transaction; removing an entry ends its cases.
"""
import datetime
import logging
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.domains import Domain, ListType, MeasureKind
from credit_platform.exceptions import IllegalTransition, transition_error
from credit_platform.models import Department, Subject
from credit_platform.rules import add_months, entry_periods, publication_bounds, publication_due, rule_set_in_force
from credit_platform.workflow import entry_point, lock_rows, require, run_transition
from lists import access, events
from lists.locks import lock_entry, lock_entry_and_cases
from lists.models import EntryState, ListEntry, ListEntryGroupObjectPermission, RemovalReason, Severity, publication_refusal
from sanctions import services as sanctions_services
from sanctions.access import permission_id
from sanctions.models import ENDED_CASE_STATES, LIVE_CASE_STATES, CaseState, JointCase, Memorandum

logger = logging.getLogger(__name__)

# How a case ends when its entry leaves the list.
CASE_END_FOR_REMOVAL = {
    RemovalReason.EXPIRED: "expired",
    RemovalReason.REPAIRED: "repaired",
    RemovalReason.REVOKED: "revoked",
    RemovalReason.CORRECTED: "revoked",
}
# The kind of joint case a published entry opens.
CASE_KIND_FOR_LIST = {ListType.BLACK: MeasureKind.PUNISHMENT, ListType.RED: MeasureKind.REWARD}
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


def entry_validate(*, subject, list_type, severity, domain, basis, decision_number, decided_on, today=None, exclude_pk=None,
                   check_period: bool = True) -> dict[str, list[str]]:
    """The field errors of a proposed entry (empty when it may be proposed). The admin form and the importer ask it too.

    ``exclude_pk``: the entry being corrected (not a duplicate of itself); ``check_period``: refuse a
    decision whose maximum publication period has already ended.
    """
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = defaultdict(list)
    if subject is None:
        errors["subject"].append(_("Choose the subject."))
    if list_type not in ListType.values:
        errors["list_type"].append(_("Unknown list “%(value)s”.") % {"value": list_type})
    if severity not in Severity.values:
        errors["severity"].append(_("Unknown severity “%(value)s”.") % {"value": severity})
    if domain not in Domain.values:
        errors["domain"].append(_("Unknown domain “%(value)s”.") % {"value": domain})
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
    elif check_period and severity in Severity.values:
        _minimum, maximum = publication_bounds(rule_set_in_force(decided_on), severity, decided_on)
        if maximum < today:
            errors["decided_on"].append(
                _("The publication period of a decision of this date ended on %(end)s.") % {"end": maximum.isoformat()}
            )
    if not errors and ListEntry.objects.filter(
        subject=subject, list_type=list_type, domain=domain, decision_number=decision_number.strip()
    ).exclude(pk=exclude_pk).exists():
        errors["decision_number"].append(_duplicate_message(list_type, decision_number.strip()))
    return dict(errors)


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


@transaction.atomic(savepoint=False)
def _entry_create(*, actor, department: Department, subject, list_type, severity, domain, basis, decision_number, decided_on,
                  extra=None) -> ListEntry:
    errors = entry_validate(
        subject=subject, list_type=list_type, severity=severity, domain=domain, basis=basis,
        decision_number=decision_number, decided_on=decided_on,
    )
    if errors:
        raise ValidationError(errors)
    rule_set = rule_set_in_force(decided_on)
    minimum, maximum = entry_periods(rule_set, severity, decided_on)
    due = publication_due(rule_set, decided_on)
    entry = ListEntry(
        publication_due=due.date, publication_due_provisional=due.provisional,
        subject=subject, list_type=list_type, severity=severity, domain=domain, basis=basis.strip(),
        decision_number=decision_number.strip(), decided_on=decided_on, identifying_department=department,
        rule_set=rule_set, repair_possible_from=minimum, publication_ends_on=maximum,
        created_by=actor if getattr(actor, "pk", None) else None,
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
            "identifying_department": department.code, **(extra or {}),
        },
    )
    return entry


@transaction.atomic(durable=True)
def entry_propose(*, actor, subject: Subject, list_type: str, severity: str, domain: str, basis: str, decision_number: str,
                  decided_on: datetime.date) -> ListEntry:
    """Identify a subject for a list: a proposed entry of the actor's department, with the rule set
    in force on the decision date and the publication periods it gives."""
    require(access.can_propose(actor), _("Only an initiating department or the credit office can propose a list entry."))
    department = getattr(actor, "department", None)
    require(department is not None, _("Only a user of a department can propose a list entry."))
    return _entry_create(
        actor=actor, department=department, subject=subject, list_type=list_type, severity=severity, domain=domain,
        basis=basis, decision_number=decision_number, decided_on=decided_on,
    )


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


# --- publication --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def entry_publish(*, entry: ListEntry, actor) -> ListEntry:
    """Publish the entry once the statement window has passed (or the subject waived it).

    A black (red) entry opens its joint punishment (reward) case from the memorandum of its list
    and domain; a watch entry recomputes the subject's watch flag.
    """
    entry = lock_entry(entry.pk)
    require(access.can_manage_entry(actor, entry), _("Only the identifying department can publish this entry."))
    if entry.state == EntryState.NOTIFIED:
        refusal = publication_refusal(entry)
        if refusal:
            raise _illegal(entry, "publish", refusal)
    previous = entry.state
    run_transition(entry, "publish", at=timezone.now())
    fields = ["state", "published_at", "published_on_time", "updated_at"]
    if entry.severity == Severity.MINOR:
        # Minor dishonesty, where published at all, is published for at most the rule set's months.
        cap = add_months(entry.decided_on, entry.rule_set.minor_max_months)
        if entry.publication_ends_on > cap:
            entry.publication_ends_on = cap
            fields.append("publication_ends_on")
    entry.save(update_fields=fields)
    events.entry_published(
        entry, actor, from_state=previous, to_state=entry.state,
        extra={"publication_ends_on": entry.publication_ends_on, "statement_waived": entry.statement_waived},
    )
    after_publication(entry=entry, actor=actor)
    return entry


@transaction.atomic(savepoint=False)
def after_publication(*, entry: ListEntry, actor) -> None:
    """What follows a publication (the entry is locked and published): the joint case, the watch list.

    Also for the importer, after it publishes a decided entry (``publish_decided``).
    """
    if entry.list_type in CASE_KIND_FOR_LIST:
        _open_case(entry, actor)
    elif entry.list_type == ListType.WATCH:
        flagged = subject_watch_recompute(subject=entry.subject, actor=actor)
        if flagged and entry.severity == Severity.SEVERE:
            _propose_black_from_watch(entry, actor)


def _memorandum_for(entry: ListEntry) -> Memorandum | None:
    return (
        Memorandum.objects.filter(list_type=entry.list_type, domain=entry.domain, kind=CASE_KIND_FOR_LIST[entry.list_type], is_active=True)
        .order_by("code")
        .first()
    )


def _open_case(entry: ListEntry, actor) -> JointCase | None:
    """Open the entry's case (initiated, or pushed when the memorandum says so); None when none can be.

    Idempotent: an entry with a case that has not ended gets no second one.
    """
    existing = JointCase.objects.filter(list_entry=entry).exclude(state__in=ENDED_CASE_STATES).order_by("pk").first()
    if existing is not None:
        return existing
    memorandum = _memorandum_for(entry)
    if memorandum is None:
        _notify(
            _office_ids(is_credit_office=True), verb="entry_without_memorandum",
            title=_("No memorandum for a published entry: %(entry)s") % {"entry": entry},
            body=_("No active memorandum answers the %(list)s in the domain “%(domain)s”; no joint case was opened.")
            % {"list": entry.get_list_type_display(), "domain": entry.get_domain_display()},
            url=entry_url(entry),
        )
        return None
    try:
        # A savepoint: a case the catalogue cannot make (no measure fits the subject) leaves the publication standing.
        with transaction.atomic():
            case = sanctions_services.case_create_in_transaction(
                actor=actor, subject=entry.subject, kind=CASE_KIND_FOR_LIST[entry.list_type], memorandum=memorandum,
                basis=f"{entry.decision_number} {entry.basis}", basis_document=entry.decision_number,
                period_start=entry.decided_on, period_end=entry.publication_ends_on, list_entry=entry,
                initiating_department=entry.identifying_department, skip_initiator_check=True,
            )
            case = sanctions_services.case_initiate_in_transaction(case=case, actor=actor)
    except (ValidationError, PermissionDenied, IllegalTransition) as exc:
        _case_not_opened(entry, memorandum, exc)
        return None
    events.entry_case_opened(entry, actor, from_state=entry.state, to_state=entry.state,
                 extra={"case": case.number, "memorandum": memorandum.code})
    if memorandum.push_on_publish:
        try:
            with transaction.atomic():
                case = sanctions_services.case_push_in_transaction(case=case, actor=actor)
        except (ValidationError, PermissionDenied, IllegalTransition) as exc:
            _case_not_opened(entry, memorandum, exc, case=case)
            return case
    else:
        _notify(
            [entry.identifying_department_id], verb="entry_case_initiated",
            title=_("Case %(number)s opened for %(entry)s: push it") % {"number": case.number, "entry": entry},
            body=_("The entry was published; its case under %(memorandum)s is initiated and waits for your push.") % {"memorandum": memorandum},
            url=_case_url(case),
        )
    return case


def _message_of(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(getattr(exc, "detail", "") or exc)])


def _case_not_opened(entry, memorandum, exc, case=None) -> None:
    logger.warning("Entry %s: the case under %s could not be %s: %s", entry.pk, memorandum.code, "pushed" if case else "opened", _message_of(exc))
    title = (
        _("Case %(number)s of %(entry)s could not be pushed") % {"number": case.number, "entry": entry}
        if case else _("No joint case could be opened for %(entry)s") % {"entry": entry}
    )
    _notify(
        [entry.identifying_department_id, *_office_ids(is_credit_office=True)], verb="entry_case_failed",
        title=title, body=_message_of(exc), url=_case_url(case) if case else entry_url(entry),
    )


@transaction.atomic(durable=True)
def entry_open_case(*, entry: ListEntry, actor) -> JointCase | None:
    """Open the joint case of a published black or red entry (the importer calls it, in batches).

    Idempotent: answers the entry's case when it already has one. None when no memorandum answers
    its list and domain, or the case cannot be made (the credit office is told).
    """
    entry = lock_entry(entry.pk)
    require(access.can_manage_entry(actor, entry), _("Only the identifying department can open this entry's case."))
    if entry.state != EntryState.PUBLISHED or entry.list_type not in CASE_KIND_FOR_LIST:
        raise _illegal(entry, "open_case", _("Only a published entry of the red or black list opens a joint case."))
    return _open_case(entry, actor)


# --- the watch list ------------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def subject_watch_recompute(*, subject: Subject, actor=None) -> bool:
    """Flag the subject when its watch entries on the list span the rule set's number of domains;
    the leadership office is told when the flag goes up. Returns the flag."""
    # Lock the subject so two watch entries published at once count each other.
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    threshold = rule_set_in_force(timezone.localdate()).watch_domains_threshold
    domains = sorted(
        set(ListEntry.objects.filter(subject=subject, list_type=ListType.WATCH, state__in=access.ON_THE_LIST).values_list("domain", flat=True))
    )
    flagged = len(domains) >= threshold
    if flagged == subject.is_watch_flagged:
        return flagged
    subject.is_watch_flagged = flagged
    subject.save(update_fields=["is_watch_flagged", "updated_at"])
    (events.subject_watch_flagged if flagged else events.subject_watch_unflagged)(
        subject, actor,
        from_state=str(not flagged).lower(), to_state=str(flagged).lower(), extra={"domains": domains, "threshold": threshold},
    )
    if flagged:
        _notify(
            _office_ids(is_leadership_office=True), verb="subject_watch_flagged",
            title=_("%(subject)s is on watch lists in %(n)d domains") % {"subject": subject, "n": len(domains)},
            body=_("Domains: %(domains)s.") % {"domains": ", ".join(str(Domain(d).label) for d in domains)},
            url=f"/admin/lists/listentry/?subject__id__exact={subject.pk}",
        )
    return flagged


def _propose_black_from_watch(entry: ListEntry, actor) -> ListEntry | None:
    """Severe dishonesty of a flagged subject: propose the black-list entry, by the same identifying department."""
    numbers = [entry.decision_number, f"{entry.decision_number}{BLACK_PROPOSAL_SUFFIX}"]
    black = dict(
        ListEntry.objects.filter(subject=entry.subject, list_type=ListType.BLACK, domain=entry.domain, decision_number__in=numbers)
        .values_list("decision_number", "state")
    )
    if any(state not in (EntryState.WITHDRAWN, EntryState.REMOVED) for state in black.values()):
        return None  # the decision is already on the black list, or proposed for it
    free = [n for n in numbers if n not in black and len(n) <= ListEntry._meta.get_field("decision_number").max_length]
    if not free:
        return None
    number = free[0]
    try:
        with transaction.atomic():
            proposal = _entry_create(
                actor=actor, department=entry.identifying_department, subject=entry.subject, list_type=ListType.BLACK,
                severity=Severity.SEVERE, domain=entry.domain, basis=entry.basis, decision_number=number,
                decided_on=entry.decided_on, extra={"from_watch_entry": entry.pk},
            )
    except ValidationError as exc:
        logger.warning("Entry %s: no black-list proposal: %s", entry.pk, _message_of(exc))
        return None
    _notify(
        [entry.identifying_department_id], verb="entry_black_proposed",
        title=_("Black-list entry proposed for %(subject)s") % {"subject": entry.subject.name},
        body=_("Severe dishonesty of a subject on watch lists in several domains: notify the subject of the proposed black-list entry."),
        url=entry_url(proposal),
    )
    return proposal


# --- removal, suspension ------------------------------------------------------------------------


def _entry_cases(entry: ListEntry, states) -> list[JointCase]:
    return list(JointCase.objects.filter(list_entry=entry, state__in=states).order_by("pk").only("pk", "state"))


@transaction.atomic(savepoint=False)
def _remove(entry: ListEntry, *, actor, reason: str, note: str = "") -> ListEntry:
    previous = entry.state
    run_transition(entry, "remove", at=timezone.now(), reason=reason)
    entry.save(update_fields=["state", "removed_at", "removal_reason", "updated_at"])
    events.entry_removed(entry, actor, from_state=previous, to_state=entry.state, reason=note or reason,
                 extra={"removal_reason": reason})
    how = CASE_END_FOR_REMOVAL[reason]
    case_reason = _("The list entry %(number)s left the list: %(reason)s.") % {
        "number": entry.decision_number, "reason": RemovalReason(reason).label,
    }
    for case in _entry_cases(entry, [CaseState.INITIATED, *LIVE_CASE_STATES, CaseState.SUSPENDED]):
        # A case never pushed, or held by an objection, cannot expire or be repaired: it is revoked.
        case_how = how if case.state in LIVE_CASE_STATES else "revoked"
        try:
            with transaction.atomic():  # a savepoint: a refused ending leaves the removal standing
                sanctions_services.case_end_in_transaction(case=case, actor=actor, how=case_how, reason=case_reason)
        except IllegalTransition:  # ended meanwhile (its own period scan): nothing left to lift
            continue
    if entry.list_type == ListType.WATCH:
        subject_watch_recompute(subject=entry.subject, actor=actor)
    return entry


@transaction.atomic(savepoint=False)
def entry_remove_in_transaction(*, entry: ListEntry, actor, reason: str, note: str = "", check_permission: bool = True) -> ListEntry:
    """Take the entry off the list (expired | repaired | revoked | corrected); its cases end and
    every executing department is told to lift the measures. The record is kept.

    Repair and objection services pass ``check_permission=False`` after deciding who may act.
    """
    entry = lock_entry(entry.pk)
    if check_permission:
        require(access.can_manage_entry(actor, entry), _("Only the identifying department can remove this entry."))
    if reason not in RemovalReason.values:
        raise ValidationError({"reason": [_("Choose the reason: %(choices)s.") % {"choices": ", ".join(RemovalReason.values)}]})
    return _remove(entry, actor=actor, reason=reason, note=note)


entry_remove = entry_point(entry_remove_in_transaction)


CORRECTABLE_FIELDS = ("basis", "decision_number", "decided_on", "severity", "domain")


def _as_date(value):
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@transaction.atomic(savepoint=False)
def entry_correct(*, entry: ListEntry, actor, corrections: dict, reason: str = "") -> ListEntry:
    """Correct a wrong record (an objection upheld with "correct"): the old values are kept in the
    audit trail; a new decision date or severity gives new publication periods.

    Called by the objections service, which decides who may correct. The entry keeps its state.
    """
    unknown = sorted(set(corrections) - set(CORRECTABLE_FIELDS))
    if unknown or not corrections:
        raise ValidationError({"corrections": [_("Give the corrected fields (allowed: %(fields)s).") % {"fields": ", ".join(CORRECTABLE_FIELDS)}]})
    entry = lock_entry(entry.pk)
    if entry.state in (EntryState.WITHDRAWN, EntryState.REMOVED):
        raise _illegal(entry, "correct")
    old = {name: getattr(entry, name) for name in CORRECTABLE_FIELDS}
    new = {**old, **{name: _as_date(value) if name == "decided_on" else value for name, value in corrections.items()}}
    if not isinstance(new["decided_on"], datetime.date):
        raise ValidationError({"decided_on": [_("Give the date as YYYY-MM-DD.")]})
    errors = entry_validate(subject=entry.subject, list_type=entry.list_type, **new, exclude_pk=entry.pk, check_period=False)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in CORRECTABLE_FIELDS if new[name] != old[name]]
    if not changed:
        return entry
    for name in changed:
        setattr(entry, name, new[name].strip() if isinstance(new[name], str) else new[name])
    fields = [*changed, "updated_at"]
    if "decided_on" in changed or "severity" in changed:
        entry.rule_set = rule_set_in_force(entry.decided_on)
        entry.repair_possible_from, entry.publication_ends_on = entry_periods(entry.rule_set, entry.severity, entry.decided_on)
        due = publication_due(entry.rule_set, entry.decided_on)
        entry.publication_due, entry.publication_due_provisional = due.date, due.provisional
        fields += ["rule_set", "repair_possible_from", "publication_ends_on", "publication_due", "publication_due_provisional"]
    try:
        # A savepoint: a decision number taken meanwhile by another entry fails on the unique constraint.
        with transaction.atomic():
            entry.save(update_fields=fields)
    except IntegrityError:
        raise ValidationError({"decision_number": [_duplicate_message(entry.list_type, entry.decision_number)]}) from None
    events.entry_corrected(
        entry, actor, from_state=entry.state, to_state=entry.state, reason=reason,
        extra={"old": {name: old[name] for name in changed}, "new": {name: getattr(entry, name) for name in changed},
               "rule_set": entry.rule_set.code, "publication_ends_on": entry.publication_ends_on},
    )
    if entry.list_type == ListType.WATCH and "domain" in changed:
        subject_watch_recompute(subject=entry.subject, actor=actor)
    return entry


@transaction.atomic(savepoint=False)
def entry_suspend(*, entry: ListEntry, actor, reason: str = "") -> ListEntry:
    """An objection is being verified: mark the entry and hold its live cases (暂不执行).

    Called by the objections service, which decides who may accept an objection.
    """
    entry = lock_entry_and_cases(entry.pk)
    previous = entry.state
    run_transition(entry, "suspend")
    entry.save(update_fields=["state", "state_before_suspension", "updated_at"])
    events.entry_suspended(entry, actor, from_state=previous, to_state=entry.state, reason=reason)
    for case in _entry_cases(entry, LIVE_CASE_STATES):
        sanctions_services.case_suspend(case=case, actor=actor, reason=reason)
    return entry


@transaction.atomic(savepoint=False)
def entry_resume(*, entry: ListEntry, actor, reason: str = "") -> ListEntry:
    """The objection was dismissed: the entry is back on the list and its held cases resume."""
    entry = lock_entry_and_cases(entry.pk)
    previous = entry.state
    run_transition(entry, "resume")
    entry.save(update_fields=["state", "state_before_suspension", "updated_at"])
    events.entry_resumed(entry, actor, from_state=previous, to_state=entry.state, reason=reason)
    for case in _entry_cases(entry, [CaseState.SUSPENDED]):
        sanctions_services.case_resume(case=case, actor=actor, reason=reason)
    return entry


# --- periodic work -------------------------------------------------------------------------------


def entries_recompute_publication_due(year: int) -> int:
    """Recompute the 双公示 dates computed through a provisional calendar (registered with
    credit_platform.calendar, called when a year's calendar changes), as the pushes' due dates are:
    from the decision dates, so running it twice changes nothing; whether those published were
    on time follows. Each entry is locked and its new dates and their audit event written in one
    transaction. Returns how many entries changed."""
    start = datetime.date(year - 1, 1, 1)  # a due date in `year` may come from a decision the year before
    candidates = ListEntry.objects.filter(publication_due_provisional=True, decided_on__gte=start)
    changed, last_pk = 0, 0
    while ids := list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:500]):
        last_pk = ids[-1]
        changed += sum(_entry_recompute_publication_due(entry_id, year, candidates) for entry_id in ids)
    return changed


@transaction.atomic(durable=True)
def _entry_recompute_publication_due(entry_id: int, year: int, candidates) -> bool:
    """Recompute one entry's publication date under its lock (still provisional: checked again)."""
    locked = lock_rows(candidates.filter(pk=entry_id).select_related("rule_set"))
    if not locked:
        return False
    entry = locked[0]
    due = publication_due(entry.rule_set, entry.decided_on)
    on_time = None if entry.published_at is None else timezone.localdate(entry.published_at) <= due.date
    fields = {"publication_due": due.date, "publication_due_provisional": due.provisional, "published_on_time": on_time}
    if all(getattr(entry, f) == v for f, v in fields.items()):
        return False
    ListEntry.objects.filter(pk=entry.pk).update(**fields)
    events.entry_publication_due_recomputed(entry, extra={"year": year, **fields})
    return True


def entries_publication_overdue_notify(*, today: datetime.date | None = None) -> int:
    """双公示: tell each identifying department, once a day, how many of its entries are not yet
    published past their due date (with the link to that list). Returns how many were told."""
    from credit_platform.models import NotificationKind
    from lists.selectors import publication_q

    today = today or timezone.localdate()
    counts = (
        ListEntry.objects.filter(publication_q("overdue", today)).values_list("identifying_department_id")
        .annotate(n=Count("pk")).order_by("identifying_department_id")
    )
    return notifications.notify_daily_counts(
        counts=counts, verb=NotificationKind.ENTRIES_PUBLICATION_OVERDUE, today=today,
        title=lambda n: _("%(n)d list entries are past their publication date (双公示)") % {"n": n},
        url="/admin/lists/listentry/?publication=overdue",
    )


def entries_expire_due(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """Remove (reason expired) every published entry whose maximum period has ended, each in its own
    transaction, ending its cases. Returns how many. Uses entry_state_pub_end_idx."""
    today = today or timezone.localdate()
    removed, last_pk = 0, 0
    while True:
        ids = list(
            ListEntry.objects.filter(state=EntryState.PUBLISHED, publication_ends_on__lt=today, pk__gt=last_pk)
            .order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return removed
        for entry_id in ids:
            last_pk = entry_id
            if _expire_one(entry_id, today):
                removed += 1


@transaction.atomic(durable=True)
def _expire_one(entry_id: int, today: datetime.date) -> bool:
    entry = lock_entry(entry_id)
    # Checked again under the lock: suspended or removed meanwhile, the next scan decides again.
    if entry.state != EntryState.PUBLISHED or entry.publication_ends_on >= today:
        return False
    note = _("The publication period ended on %(end)s.") % {"end": entry.publication_ends_on.isoformat()}
    _remove(entry, actor=None, reason=RemovalReason.EXPIRED, note=note)
    _notify(
        [entry.identifying_department_id], verb="entry_expired",
        title=_("%(entry)s left the list: its publication period ended") % {"entry": entry}, url=entry_url(entry),
    )
    return True
