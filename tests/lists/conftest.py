import datetime

import pytest
from django.utils import timezone

from credit_platform import demo
from lists import services
from lists.models import ListEntry
from tests.sanctions.conftest import DemoWorld

# The demo company's judgement (the court identifies judgement defaulters: memorandum judgement-defaulters).
DECISION = "（2026）甘0702执123号"
BASIS = "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条"
# The decision's content a black entry states (国办发〔2020〕49号).
CONTENT = {
    "facts": "被执行人有履行能力而拒不履行（2026）甘0702民初45号民事判决确定的给付义务。",
    "exit_conditions": "全部履行判决确定的义务后，可向本院申请删除失信信息。",
    "remedies": "对列入名单有异议的，可向本院提出书面纠正申请。",
}


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


class ListWorld(DemoWorld):
    """The demo district with short-hands for list entries at each step of the procedure."""

    def propose(self, *, actor="court", subject=None, list_type="black", severity=None, domain="judicial",
                decision_number=DECISION, decided_on=None, basis=BASIS, valid_until=None, **content) -> ListEntry:
        """Severity: severe by default for a dishonesty (black, watch), none for a red entry."""
        if severity is None:
            severity = "" if list_type == "red" else "severe"
        return services.entry_propose(
            actor=self.user(actor), subject=subject or self.company, list_type=list_type, severity=severity, domain=domain,
            basis=basis, decision_number=decision_number, decided_on=decided_on or days_ago(40), valid_until=valid_until,
            **{**CONTENT, **content},
        )

    def notified(self, *, notified_on=None, **kwargs) -> ListEntry:
        """Told 30 days ago by default: the five-working-day statement window has passed."""
        entry = self.propose(**kwargs)
        return services.entry_notify(
            entry=entry, actor=self.user(kwargs.get("actor", "court")), method="direct service", notified_on=notified_on or days_ago(30),
        )

    def published(self, **kwargs) -> ListEntry:
        entry = self.notified(**kwargs)
        return services.entry_publish(entry=entry, actor=self.user(kwargs.get("actor", "court")))


@pytest.fixture
def world(db):
    demo.seed()
    return ListWorld()


@pytest.fixture
def api(world):
    """``api("court")``: an API client acting as the demo user ``court``; ``api(None)``: anonymous."""
    from rest_framework.test import APIClient

    def make(username):
        client = APIClient()
        if username is not None:
            client.force_authenticate(world.user(username))
        return client

    return make
