"""A breached credit commitment (records.Commitment) bars the subject's repair for the rule set's bar period."""
import datetime

import pytest

from credit_platform.exceptions import ApplicationError
from credit_platform.rules import add_months
from records import services as record_services
from repair import services
from tests.repair.test_repair_services import apply, months_ago


def test_a_breached_commitment_refuses_the_repair_application_with_the_reason(world):
    entry = world.published(severity="general", decided_on=months_ago(6))
    commitment = record_services.commitment_create(
        actor=world.user("court"), subject=entry.subject, kind="notice_commitment", matter="执行和解协议", promised="按月分期履行",
    )
    assert services.repair_eligibility(entry=entry).eligible  # a commitment in force bars nothing
    record_services.commitment_breach(commitment=commitment, actor=world.user("court"), reason="连续两期未履行")
    with pytest.raises(ApplicationError) as exc:
        apply(world, entry)
    assert "执行和解协议" in str(exc.value) and "连续两期未履行" in str(exc.value)
    rules_bar = services.rule_set_of(entry).repair_bar_months
    assert exc.value.extra["eligible_from"] == add_months(datetime.date.today(), rules_bar).isoformat()
    # Outside the bar period it no longer counts.
    later = add_months(datetime.date.today(), rules_bar) + datetime.timedelta(days=1)
    assert services.repair_eligibility(entry=entry, today=later).eligible
