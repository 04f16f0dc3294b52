"""Publishing list entries: the joint case a black or red entry opens, the watch list a watch entry keeps."""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform.domains import Domain, ListType
from credit_platform.exceptions import IllegalTransition
from credit_platform.models import Subject
from credit_platform.rules import add_months, rule_set_in_force
from credit_platform.workflow import require, run_transition
from lists import access, events
from lists.exchange_items import entry_changed
from lists.case_origin import CASE_KIND_FOR_LIST, entry_case_origin
from lists.locks import lock_entry
from lists.models import EntryState, ListEntry, Severity, publication_refusal
from lists.services.dishonesty import after_dishonesty_published
from lists.services.procedure import (
    _case_url,
    _illegal,
    _notify,
    _office_ids,
    black_list_decision_refusal,
    entry_url,
)
from sanctions import services as sanctions_services
from sanctions.models import ENDED_CASE_STATES, JointCase, Memorandum

logger = logging.getLogger(__name__)


# --- publication --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def entry_publish(*, entry: ListEntry, actor) -> ListEntry:
    """Publish the entry once the statement window has passed (or the subject waived it).

    A black (red) entry opens its joint punishment (reward) case from the memorandum of its list
    and domain; a watch entry recomputes the subject's watch flag.
    """
    entry = lock_entry(entry.pk)
    require(access.can_manage_entry(actor, entry), _("Only the identifying department can publish this entry."))
    refusal = black_list_decision_refusal(entry.identifying_department) if entry.list_type == ListType.BLACK else ""
    if refusal:
        raise ValidationError(refusal)
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
        extra={"publication_ends_on": entry.publication_ends_on, "valid_until": entry.valid_until, "statement_waived": entry.statement_waived},
    )
    after_publication(entry=entry, actor=actor)
    return entry


@transaction.atomic(savepoint=False)
def after_publication(*, entry: ListEntry, actor) -> None:
    """What follows a publication (the entry is locked and published): the joint case, the watch list,
    and for a dishonesty the red entries of its subject and the watch rule (``lists.services.dishonesty``).

    Also for the importer, after it publishes a decided entry (``publish_decided``).
    """
    entry_changed(entry)  # the exchange outbox (an entry received from elsewhere is not reported again)
    if entry.list_type in CASE_KIND_FOR_LIST:
        _open_case(entry, actor)
    elif entry.list_type == ListType.WATCH:
        subject_watch_recompute(subject=entry.subject, actor=actor)
    # A dishonesty: the subject's red entries are put to their departments; a severe one during a watch period.
    after_dishonesty_published(entry=entry, actor=actor)


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
    existing = JointCase.objects.filter(list_entry_id=entry.pk).exclude(state__in=ENDED_CASE_STATES).order_by("pk").first()
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
                period_start=entry.decided_on, period_end=entry.ends_on, list_entry=entry_case_origin(entry),
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
