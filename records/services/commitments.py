"""Credit commitments (信用承诺, RULES.md "Credit commitments"): recorded by the accepting department,
found fulfilled or breached by it (or the credit office).

A breach (``commitment_breach``) records a published dishonesty record of the breach type
(``commitment-breach``, 违背信用承诺信息) under the accepting department, tells that department to
revoke the approval granted on the promise, and, being a breached ``Commitment``, bars repair for
the rule set's bar period (``repair.services.repair_eligibility``) and the green channel.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import dates
from credit_platform.domains import Severity
from credit_platform.notifications import notify_on_commit
from credit_platform.workflow import entry_point, lock_one, require, run_transition
from records import access, events
from records.commitment_models import BREACH_RECORD_TYPE, PUBLIC_BY_KIND, Commitment, CommitmentKind
from records.models import RecordType
from records.services.records import record_create_in_transaction

# The breach record's severity: a general dishonesty (its publication periods follow the rule set's).
BREACH_SEVERITY = Severity.GENERAL


def commitment_url(commitment) -> str:
    return f"/admin/records/commitment/{commitment.pk}/change/"


def _lock(commitment) -> Commitment:
    return lock_one(Commitment.objects.filter(pk=commitment.pk).select_related("subject", "department"))


@transaction.atomic(savepoint=False)
def commitment_create_in_transaction(*, actor, subject, kind: str, matter: str, promised: str, business_reference: str = "",
                                     due_on: datetime.date | None = None, public: bool | None = None) -> Commitment:
    """Record a commitment accepted by the actor's department: in force; public as its kind says unless given."""
    require(access.can_accept_commitments(actor), _("Only a department that accepts commitments can record one."))
    errors = {}
    if kind not in CommitmentKind.values:
        errors["kind"] = [_("Unknown commitment kind.")]
    if not (matter or "").strip():
        errors["matter"] = [_("Name the matter the commitment is made for.")]
    if not (promised or "").strip():
        errors["promised"] = [_("Say what was promised.")]
    if due_on is not None and dates.out_of_range(due_on):
        errors["due_on"] = [dates.out_of_range(due_on)]
    if errors:
        raise ValidationError(errors)
    commitment = Commitment.objects.create(
        subject=subject, kind=kind, matter=matter.strip(), promised=promised.strip(), business_reference=(business_reference or "").strip(),
        due_on=due_on, department=actor.department, public=PUBLIC_BY_KIND[kind] if public is None else public, created_by=actor,
    )
    events.commitment_created(commitment, actor, to_state=commitment.state, extra={
        "subject": subject.identifier, "kind": kind, "matter": commitment.matter, "department": commitment.department.code,
        "business_reference": commitment.business_reference, "due_on": due_on, "public": commitment.public,
    })
    return commitment


commitment_create = entry_point(commitment_create_in_transaction)


@transaction.atomic(savepoint=False)
def commitment_fulfil_in_transaction(*, commitment, actor) -> Commitment:
    commitment = _lock(commitment)
    require(access.can_manage_commitment(actor, commitment), _("Only the accepting department can decide on this commitment."))
    from_state = commitment.state
    run_transition(commitment, "fulfil", at=timezone.now())
    commitment.save(update_fields=["state", "fulfilled_at", "updated_at"])
    events.commitment_fulfilled(commitment, actor, from_state=from_state, to_state=commitment.state)
    return commitment


commitment_fulfil = entry_point(commitment_fulfil_in_transaction)


@transaction.atomic(savepoint=False)
def commitment_breach_in_transaction(*, commitment, actor, reason: str) -> Commitment:
    """Breached: a published dishonesty record of the breach, and a notice to the accepting department."""
    commitment = _lock(commitment)
    require(access.can_manage_commitment(actor, commitment), _("Only the accepting department can decide on this commitment."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    from_state = commitment.state
    now = timezone.now()
    today = timezone.localdate(now)
    run_transition(commitment, "breach", at=now, on=today, reason=reason)
    record_type = RecordType.objects.filter(code=BREACH_RECORD_TYPE, is_active=True).first()
    if record_type is None:
        raise ValidationError({"reason": [_("The information catalogue has no active commitment-breach record type (%(code)s).")
                                          % {"code": BREACH_RECORD_TYPE}]})
    record = record_create_in_transaction(
        actor=actor, subject=commitment.subject, record_type=record_type, department=commitment.department, check_permission=False,
        decision_number=f"COMMITMENT-{commitment.pk}", decided_on=today, severity=BREACH_SEVERITY,
        content={"matter": commitment.matter, "breach": reason}, publish=True,
    )
    commitment.breach_record = record
    commitment.save(update_fields=["state", "breached_at", "breached_on", "breach_reason", "breach_record", "updated_at"])
    events.commitment_breached(commitment, actor, from_state=from_state, to_state=commitment.state,
                               reason=reason, extra={"record": record.pk})
    notify_on_commit(
        department=commitment.department, verb="commitment_breached",
        title=_("Commitment breached by %(subject)s (%(matter)s): revoke the approval granted on it") % {
            "subject": commitment.subject.name, "matter": commitment.matter},
        body=reason, url=commitment_url(commitment),
    )
    return commitment


commitment_breach = entry_point(commitment_breach_in_transaction)
