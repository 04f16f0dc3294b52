"""What a dishonesty of a subject does to its other list entries (issue 17, RULES.md):

- **while red-listed** (``red_entries_review_for_dishonesty``): a red entry is an honour; a black
  entry, a severe watch entry (or, from the records app, a dishonesty record) of its subject asks the
  red entry's identifying department to remove it: the entry is marked (``removal_proposed_at``,
  ``removal_proposal_reason``), audited, the department told; it removes it with one click
  (reason ``revoked``: the remove service) or keeps it.
- **during a watch period** (``watch_rule_apply``): a severe dishonesty decided while the subject is
  on a live watch entry of another matter (published, the decision inside the watch entry's period)
  leads to a black-list proposal (a proposed black entry, by the department that decided the
  dishonesty), told to that department and to the watch entries' identifying departments.

Both run inside their caller's transaction: the publication of an entry (``after_publication``) and,
later, the records app for a dishonesty record. Both are idempotent.
"""
import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform.domains import ListType, Severity
from credit_platform.models import Department, Subject
from lists import access, events
from lists.locks import lock_entry
from lists.models import EntryState, ListEntry
from lists.services.procedure import BLACK_PROPOSAL_SUFFIX, _entry_create, _notify, entry_url

logger = logging.getLogger(__name__)


# --- a dishonesty while red-listed -----------------------------------------------------------------


def subjects_a_dishonesty_concerns(subject_ids) -> set[int]:
    """Of these subjects, those a new dishonesty can reach (one query, for bulk paths such as an
    import): on the red list without a removal proposal yet, or with a published watch entry."""
    concerned = Q(list_type=ListType.RED, state__in=access.ON_THE_LIST, removal_proposed_at__isnull=True) | Q(
        list_type=ListType.WATCH, state=EntryState.PUBLISHED,
    )
    return set(ListEntry.objects.filter(concerned, subject_id__in=subject_ids).order_by().values_list("subject_id", flat=True).distinct())


def is_dishonesty(entry: ListEntry) -> bool:
    """An entry that is a dishonesty for the red list: any black entry, a severe watch entry."""
    return entry.list_type == ListType.BLACK or (entry.list_type == ListType.WATCH and entry.severity == Severity.SEVERE)


@transaction.atomic(savepoint=False)
def red_entries_review_for_dishonesty(*, subject: Subject, source_description: str, actor, source: dict | None = None) -> list[ListEntry]:
    """Propose the removal of the subject's red entries on the list (published or under verification)
    after a dishonesty described by ``source_description`` (e.g. "黑名单 · 决定文号 …"): each is marked,
    audited (``entry_removal_proposed``, with ``source``) and its identifying department told.

    A red entry whose removal is already proposed is left as it is. Returns the entries newly marked.
    Locks each red entry (in id order) after whatever the caller holds.
    """
    description = (source_description or "").strip() or _("a dishonesty of the subject")
    ids = list(
        ListEntry.objects.filter(subject=subject, list_type=ListType.RED, state__in=access.ON_THE_LIST, removal_proposed_at__isnull=True)
        .order_by("pk").values_list("pk", flat=True)
    )
    marked = []
    for pk in ids:
        entry = lock_entry(pk)
        if entry.state not in access.ON_THE_LIST or entry.removal_proposed_at is not None:
            continue  # removed or proposed meanwhile
        entry.removal_proposed_at, entry.removal_proposal_reason = timezone.now(), description
        entry.save(update_fields=["removal_proposed_at", "removal_proposal_reason", "updated_at"])
        events.entry_removal_proposed(entry, actor, from_state=entry.state, to_state=entry.state, reason=description,
                                      extra={"source": source or {}})
        _notify(
            [entry.identifying_department_id], verb="entry_red_removal_proposed",
            title=_("Remove %(entry)s from the red list? The subject has a dishonesty") % {"entry": entry},
            body=_("%(source)s. A subject with a dishonesty does not keep its red-list entry: remove it (revoked) "
                   "or keep it with your reasons.") % {"source": description},
            url=entry_url(entry),
        )
        marked.append(entry)
    return marked


# --- a severe dishonesty during a watch period -----------------------------------------------------


def watch_entries_covering(*, subject: Subject, day: datetime.date, exclude_entry_id=None, exclude_decision_number: str = ""):
    """The subject's live watch entries (published) whose watch period (decision date to the end of
    its publication) holds ``day``, besides the matter itself (its entry, its decision number)."""
    entries = ListEntry.objects.filter(
        subject=subject, list_type=ListType.WATCH, state=EntryState.PUBLISHED, decided_on__lte=day, publication_ends_on__gte=day,
    )
    if exclude_entry_id is not None:
        entries = entries.exclude(pk=exclude_entry_id)
    if exclude_decision_number:
        entries = entries.exclude(decision_number=exclude_decision_number)
    return entries.order_by("pk")


@transaction.atomic(savepoint=False)
def watch_rule_apply(*, subject: Subject, severity: str, decided_on: datetime.date, domain: str, basis: str, decision_number: str,
                     department: Department, source_description: str, actor, source: dict | None = None,
                     exclude_entry_id=None) -> ListEntry | None:
    """RULES.md, watch list: a severe dishonesty during the watch period leads to a black-list proposal.

    ``severity``, ``decided_on``, ``domain``, ``basis``, ``decision_number``: the dishonesty (an entry,
    or a record of the records app); ``department`` decided it and proposes the black entry (same
    domain, basis, decision date; the decision number, or it with ``-black`` when a withdrawn or removed
    black entry holds it). Nothing when the dishonesty is not severe, when no live watch entry of
    another matter covers its date, when its decision is already on (or proposed for) the black list,
    or when the department may not decide a black-list entry (logged). The department and the watch
    entries' identifying departments are told. Returns the proposed entry, or None.
    """
    if severity != Severity.SEVERE:
        return None
    watches = list(watch_entries_covering(subject=subject, day=decided_on, exclude_entry_id=exclude_entry_id,
                                          exclude_decision_number=decision_number))
    if not watches:
        return None
    number = _black_proposal_number(subject, domain, decision_number)
    if number is None:
        return None
    try:
        with transaction.atomic():  # a savepoint: a refused proposal leaves the caller's work standing
            proposal = _entry_create(
                actor=actor, department=department, subject=subject, list_type=ListType.BLACK, severity=Severity.SEVERE,
                domain=domain, basis=basis, decision_number=number, decided_on=decided_on,
                extra={**(source or {}), "watch_rule": {"watch_entries": [w.pk for w in watches], "source": source_description}},
            )
    except ValidationError as exc:
        logger.warning("Subject %s: no black-list proposal after %s: %s", subject.pk, source_description, " ".join(exc.messages))
        return None
    watch_names = "、".join(f"{w.get_domain_display()} {w.decision_number}" for w in watches)
    _notify(
        [department.pk, *(w.identifying_department_id for w in watches)], verb="entry_black_proposed",
        title=_("Black-list entry proposed for %(subject)s") % {"subject": subject.name},
        body=_("Severe dishonesty (%(source)s) during the watch period of %(watches)s: notify the subject of the proposed "
               "black-list entry.") % {"source": source_description, "watches": watch_names},
        url=entry_url(proposal),
    )
    return proposal


def _black_proposal_number(subject, domain, decision_number) -> str | None:
    """The decision number of the black-list proposal: the decision's own, else it with the suffix;
    None when the decision is on (or proposed for) the black list already, or no number is free."""
    numbers = [decision_number, f"{decision_number}{BLACK_PROPOSAL_SUFFIX}"]
    black = dict(
        ListEntry.objects.filter(subject=subject, list_type=ListType.BLACK, domain=domain, decision_number__in=numbers)
        .values_list("decision_number", "state")
    )
    if any(state not in (EntryState.WITHDRAWN, EntryState.REMOVED) for state in black.values()):
        return None  # the decision is already on the black list, or proposed for it
    free = [n for n in numbers if n not in black and len(n) <= ListEntry._meta.get_field("decision_number").max_length]
    return free[0] if free else None


# --- from a published entry --------------------------------------------------------------------------


def entry_description(entry: ListEntry) -> str:
    """How a notice names a published entry as the dishonesty it is."""
    severity = f" · {entry.get_severity_display()}" if entry.severity else ""
    return f"{entry.get_list_type_display()}{severity} · {entry.get_domain_display()} · {entry.decision_number}"


@transaction.atomic(savepoint=False)
def after_dishonesty_published(*, entry: ListEntry, actor) -> None:
    """A published black or watch entry (locked): the red entries of its subject and the watch rule."""
    if entry.list_type == ListType.RED:
        return
    description = entry_description(entry)
    if is_dishonesty(entry):
        red_entries_review_for_dishonesty(subject=entry.subject, source_description=description, actor=actor,
                                          source={"list_entry": entry.pk})
    watch_rule_apply(
        subject=entry.subject, severity=entry.severity, decided_on=entry.decided_on, domain=entry.domain, basis=entry.basis,
        decision_number=entry.decision_number, department=entry.identifying_department, source_description=description,
        actor=actor, source={"from_watch_entry": entry.pk} if entry.list_type == ListType.WATCH else {"from_entry": entry.pk},
        exclude_entry_id=entry.pk,
    )
