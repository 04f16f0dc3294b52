"""What a case's end reports to the upper platform: its exchange item (``credit_platform.exchange_outbox``).

Called by ``case_end_in_transaction`` with the case locked.
"""
from credit_platform import exchange_outbox
from credit_platform.models import ExchangeItemType, ExchangeOp
from sanctions.models import JointCase


def case_ended(case: JointCase) -> None:
    if not exchange_outbox.enabled():
        return
    text = exchange_outbox.as_text
    data = {
        "subject": exchange_outbox.subject_data(case.subject),
        "number": case.number,
        "kind": case.kind,
        "memorandum": case.memorandum.code,
        "state": case.state,
        "period_start": text(case.period_start),
        "period_end": text(case.period_end),
        "ended_at": text(case.ended_at),
        "end_reason": case.end_reason,
        "initiating_department": {"code": case.initiating_department.code, "name": case.initiating_department.name},
    }
    exchange_outbox.record(type=ExchangeItemType.CASE, local_id=case.pk, op=ExchangeOp.UPSERT, data=data, subject=case.subject)
