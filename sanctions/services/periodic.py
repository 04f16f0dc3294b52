"""The periodic and bulk work of sanctions: the expiry scan, bulk pushes, overdue notices and the
recompute of provisional due dates."""
import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from credit_platform import calendar, notifications
from credit_platform.exceptions import IllegalTransition
from credit_platform.workflow import lock_rows, require
from sanctions import access, events, tasks
from sanctions.locks import lock_case
from sanctions.models import BULK_LIFT_HOWS, ENDED_CASE_STATES, Assignment, BulkPushJob, CaseState, JointCase
from sanctions.selectors import overdue_q
from sanctions.services.cases import case_end, case_end_in_transaction, case_push_in_transaction, case_revoke_in_transaction

logger = logging.getLogger(__name__)


# --- periodic work -------------------------------------------------------------------------------


def cases_expire_due(*, today: datetime.date | None = None, batch_size: int = 500) -> int:
    """End every live case whose period has ended; each in its own transaction. Returns how many."""
    today = today or timezone.localdate()
    expired = 0
    ids = list(JointCase.objects.filter(state__in=[CaseState.PUSHED, CaseState.EXECUTING, CaseState.FEEDBACK_COMPLETE], period_end__lt=today)
               .order_by("pk").values_list("pk", flat=True)[:batch_size])
    for case_id in ids:
        try:
            case_end(case=JointCase(pk=case_id), actor=None, how="expired", reason=_("The period of the measures has ended."))
        except IllegalTransition:  # moved meanwhile (suspended, revoked): the next scan decides again
            continue
        expired += 1
    return expired


# --- bulk push -----------------------------------------------------------------------------------

BULK_PUSH_BATCH = 50


@transaction.atomic(durable=True)
def bulk_push_request(*, actor, case_ids: list[int]):
    """Queue a push of many cases; Celery tasks push them in batches after commit."""

    ids = sorted({int(i) for i in case_ids})
    if not ids:
        raise ValidationError({"cases": [_("Choose at least one case.")]})
    visible = set(access.cases_for_user(actor).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [i for i in ids if i not in visible]
    if unknown:
        raise ValidationError({"cases": [_("Unknown cases: %(ids)s.") % {"ids": ", ".join(map(str, unknown[:20]))}]})
    job = BulkPushJob.objects.create(requested_by=actor, case_ids=ids, total=len(ids), heartbeat_at=timezone.now())
    events.bulk_push_requested(job, actor, extra={"cases": len(ids)})
    # robust: the job is committed whatever the broker says; a batch that could not be sent is
    # sent again by the sweep (bulk_push_jobs_resume_stale).
    transaction.on_commit(lambda: _send_batches(job.pk, _batches(ids)), robust=True)
    return job


def _batches(ids: list[int]) -> list[list[int]]:
    return [ids[start:start + BULK_PUSH_BATCH] for start in range(0, len(ids), BULK_PUSH_BATCH)]


def _send_batches(job_id: int, batches: list[list[int]]) -> None:
    for batch in batches:
        try:
            tasks.bulk_push_batch_task.delay(job_id, batch)
        except Exception:  # noqa: BLE001 - any publishing failure leaves the job to the sweep
            logger.warning("Bulk push %s: a batch could not be queued now; the sweep will send it", job_id, exc_info=True)
            return


# A job without progress for this long has lost batches; after BULK_PUSH_MAX_ATTEMPTS sends it ends
# with the cases not pushed listed as errors.
BULK_PUSH_STALE = datetime.timedelta(minutes=5)
BULK_PUSH_MAX_ATTEMPTS = 5


def bulk_push_jobs_resume_stale(*, now=None) -> dict:
    """The sweep: send again the batches of unfinished bulk pushes that made no progress lately.

    Each job is claimed under its row lock (attempts + 1, heartbeat now), so two sweeps do not send
    it twice; only the batches not yet counted are sent (a batch is idempotent anyway)."""
    now = now or timezone.now()
    stale = BulkPushJob.objects.filter(
        state__in=[BulkPushJob.State.QUEUED, BulkPushJob.State.RUNNING], heartbeat_at__lt=now - BULK_PUSH_STALE,
    )
    resent, given_up = [], 0
    for job_id in stale.order_by("pk").values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            job = stale.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if job is None:
                continue
            missing = [batch for batch in _batches(job.case_ids) if str(batch[0]) not in job.batches_done]
            if job.attempts >= BULK_PUSH_MAX_ATTEMPTS:
                message = (_("Not lifted: the bulk lifting was given up after repeated attempts.") if job.kind == BulkPushJob.Kind.LIFT
                           else _("Not pushed: the bulk push was given up after repeated attempts."))
                not_pushed = {str(i): message for b in missing for i in b}
                job.errors = {**job.errors, **not_pushed}
                job.state, job.finished_at, job.heartbeat_at = BulkPushJob.State.DONE, now, now
                job.save(update_fields=["errors", "state", "finished_at", "heartbeat_at"])
                events.bulk_push_abandoned(job, None, extra={"attempts": job.attempts, "not_pushed": len(not_pushed)})
                given_up += 1
                continue
            job.attempts += 1
            job.heartbeat_at = now
            job.save(update_fields=["attempts", "heartbeat_at"])
            events.bulk_push_resumed(job, None, extra={"attempt": job.attempts, "batches": len(missing)})
            resent.append((job.pk, missing))
    for job_id, missing in resent:
        _send_batches(job_id, missing)
    return {"resent": len(resent), "given_up": given_up}


def bulk_push_batch(*, job_id: int, case_ids: list[int]) -> None:
    """Work one batch of a bulk job (push, or lift), each case in its own transaction; a repeat
    pushes (lifts) nothing twice."""
    job = BulkPushJob.objects.select_related("requested_by__department").get(pk=job_id)
    actor = job.requested_by
    errors = {}
    for case_id in case_ids:
        try:
            if job.kind == BulkPushJob.Kind.LIFT:
                outcome = _bulk_lift_one(case_id, actor, job_id=job_id, how=job.how, reason=job.reason)
            else:
                outcome = _bulk_push_one(case_id, actor, job_id=job_id)
        except (IllegalTransition, PermissionDenied, ValidationError) as exc:
            errors[str(case_id)] = str(getattr(exc, "detail", None) or getattr(exc, "messages", None) or exc)
            continue
        if outcome == "missing":
            errors[str(case_id)] = _("No such case.")
        # "pushed" was counted with the case (_count_pushed); else already pushed (a redelivered
        # batch) or not ready: nothing to do, counted as skipped
    with transaction.atomic():
        # Lock the job so concurrent batches add up their counts correctly.
        job = BulkPushJob.objects.select_for_update().get(pk=job_id)
        job.heartbeat_at = timezone.now()
        if case_ids:
            # The batch is run (once, whichever of its deliveries ends first); its cases were counted
            # one by one as they were pushed, so a worker killed mid-batch loses no count.
            job.batches_done = {**job.batches_done, str(case_ids[0]): {"n": len(case_ids)}}
        job.errors = {**job.errors, **errors}
        run = sum(batch["n"] for batch in job.batches_done.values())
        job.skipped = max(run - job.pushed - len(job.errors), 0)
        done = run >= job.total
        job.state = BulkPushJob.State.DONE if done else BulkPushJob.State.RUNNING
        job.finished_at = timezone.now() if done else None
        job.save(update_fields=["skipped", "errors", "state", "finished_at", "batches_done", "heartbeat_at"])


def _count_pushed(job_id: int) -> str:
    """Count one case pushed (or lifted) by the job, in the case's own transaction: the count
    commits with the push, so a worker killed mid-batch leaves the count equal to the cases pushed
    and the resumed batch, which skips them, adds only the rest (lock order: the case, then the job)."""
    BulkPushJob.objects.filter(pk=job_id).update(pushed=F("pushed") + 1, heartbeat_at=timezone.now())
    return "pushed"


@transaction.atomic(durable=True)
def _bulk_push_one(case_id: int, actor, *, job_id: int) -> str:
    """Push one case of a bulk job: ``pushed``, ``skipped`` or ``missing``. Its state is read under
    the case lock, so a batch delivered twice at once pushes each case once and skips it once."""
    try:
        case = lock_case(case_id)
    except JointCase.DoesNotExist:
        return "missing"
    if case.state != CaseState.INITIATED:
        return "skipped"
    case_push_in_transaction(case=case, actor=actor)
    return _count_pushed(job_id)


# --- bulk lifting --------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def bulk_lift_request(*, actor, case_ids: list[int], how: str, reason: str):
    """Queue the lifting (revocation or end) of many cases the actor may manage; Celery tasks end
    them in batches after commit, each through case_revoke / case_end. Swept as bulk pushes are."""
    ids = sorted({int(i) for i in case_ids})
    if not ids:
        raise ValidationError({"cases": [_("Choose at least one case.")]})
    if how not in BULK_LIFT_HOWS:
        raise ValidationError({"how": [_("Choose how the cases end: %(hows)s.") % {"hows": ", ".join(BULK_LIFT_HOWS)}]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for lifting the cases.")]})
    managed = set(access.cases_managed_by(actor).filter(pk__in=ids).values_list("pk", flat=True))
    unknown = [i for i in ids if i not in managed]
    if unknown:
        raise ValidationError({"cases": [_("Unknown cases: %(ids)s.") % {"ids": ", ".join(map(str, unknown[:20]))}]})
    job = BulkPushJob.objects.create(
        kind=BulkPushJob.Kind.LIFT, how=how, reason=reason, requested_by=actor, case_ids=ids, total=len(ids), heartbeat_at=timezone.now(),
    )
    events.bulk_lift_requested(job, actor, reason=reason, extra={"cases": len(ids), "how": how})
    transaction.on_commit(lambda: _send_batches(job.pk, _batches(ids)), robust=True)
    return job


@transaction.atomic(durable=True)
def _bulk_lift_one(case_id: int, actor, *, job_id: int, how: str, reason: str) -> str:
    """End one case of a bulk lifting: ``pushed`` (ended), ``skipped`` (already ended) or
    ``missing``; under the case lock, so a batch delivered twice ends each case once."""
    try:
        case = lock_case(case_id)
    except JointCase.DoesNotExist:
        return "missing"
    if case.state in ENDED_CASE_STATES:
        return "skipped"
    if how == "revoked":
        case_revoke_in_transaction(case=case, actor=actor, reason=reason)
        return _count_pushed(job_id)
    require(access.can_manage_case(actor, case), _("Only the initiating department can end this case."))
    if case.period_end is None or case.period_end >= timezone.localdate():
        raise ValidationError(_("The period of the measures has not ended yet."))
    case_end_in_transaction(case=case, actor=actor, how=how, reason=reason)
    return _count_pushed(job_id)


def deadlines_notify_overdue(*, today: datetime.date | None = None) -> int:
    """Notify each department once a day of how many of its assignments are overdue."""
    today = today or timezone.localdate()
    counts = (
        Assignment.objects.filter(overdue_q(today)).values_list("department_id").annotate(n=models.Count("pk")).order_by("department_id")
    )
    return notifications.notify_daily_counts(
        counts=counts, verb="assignments_overdue", today=today,
        title=lambda n: _("%(n)d pushes are overdue") % {"n": n}, url="/admin/sanctions/assignment/?overdue=yes",
    )


def assignments_recompute_provisional(year: int) -> int:
    """Recompute the due dates that were computed from a provisional calendar (registered with
    credit_platform.calendar). Idempotent: recomputed from the opening dates, never shifted. Each
    assignment is locked (after its case) and its new dates and their audit event written in one
    transaction. Returns how many changed."""
    start = datetime.date(year - 1, 1, 1)  # a due date in `year` may have been opened in the year before
    candidates = Assignment.objects.filter(due_dates_provisional=True, pushed_on__gte=start)
    changed, last_pk = 0, 0
    while rows := list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "case_id")[:500]):
        last_pk = rows[-1][0]
        changed += sum(_assignment_recompute_one(assignment_id, case_id, year, candidates) for assignment_id, case_id in rows)
    return changed


@transaction.atomic(durable=True)
def _assignment_recompute_one(assignment_id: int, case_id: int, year: int, candidates) -> bool:
    """Recompute one assignment's due dates under the lock of its case, then its own (still provisional: checked again)."""
    case = lock_case(case_id)
    locked = lock_rows(candidates.filter(pk=assignment_id))
    if not locked:
        return False
    assignment = locked[0]
    cal = calendar.current_calendar()
    rules = case.rule_set
    held = assignment.suspended_working_days
    sign_for = cal.add_working_days(assignment.pushed_on, rules.sign_for_days + held)
    feedback = cal.add_working_days(assignment.pushed_on, rules.feedback_days + held)
    provisional = sign_for.provisional or feedback.provisional
    fields = {"sign_for_due": sign_for.date, "feedback_due": feedback.date}
    if assignment.lift_opened_on:
        lift = cal.add_working_days(assignment.lift_opened_on, rules.lift_confirm_days)
        fields["lift_due"] = lift.date
        provisional = provisional or lift.provisional
    fields["due_dates_provisional"] = provisional
    if all(getattr(assignment, f) == v for f, v in fields.items()):
        return False
    Assignment.objects.filter(pk=assignment.pk).update(**fields)
    events.assignment_due_dates_recomputed(assignment, extra={"year": year, **fields})
    return True
