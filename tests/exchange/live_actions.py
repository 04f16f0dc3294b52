"""Run inside one live instance (its DATABASE_URL and EXCHANGE_* in the environment) by the exchange's
live test: ``python tests/exchange/live_actions.py <action> [args]``; prints one JSON object.

- ``publish N``: the court publishes N black entries (judgement defaulters) for demo subjects.
- ``entry ITEM_ID``: the local entry received as that exchange item, its cases and their departments.
- ``own_case ENTRY_ID``: the departments of the case a local entry opened.
"""
import datetime
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from credit_platform.models import Subject, User  # noqa: E402
from lists import services as lists_services  # noqa: E402
from lists.models import ListEntry  # noqa: E402
from sanctions.models import JointCase  # noqa: E402

SUBJECTS = ["91620702MAQJWYL7XF", "91620702MA55TH2835", "91620702MAUCCP508N", "91620702MAL23DL45K", "91620702MAP3MR1488"]


def publish(count: str) -> dict:
    court = User.objects.get(username="court")
    today = timezone.localdate()
    ids = []
    for n in range(int(count)):
        subject = Subject.objects.get(identifier=SUBJECTS[n % len(SUBJECTS)])
        entry = lists_services.entry_propose(
            actor=court, subject=subject, list_type="black", severity="severe", domain="judicial",
            basis="《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条", decision_number=f"(2026)执{uuid.uuid4().hex[:10]}号",
            decided_on=today - datetime.timedelta(days=3), facts="有履行能力而拒不履行生效法律文书确定义务。",
            exit_conditions="全部履行义务后移出。", remedies="可向执行法院申请纠正。",
        )
        lists_services.entry_notify(entry=entry, actor=court, method="直接送达", notified_on=today)
        lists_services.entry_record_statement(entry=entry, actor=court, text="", waived=True)
        entry = lists_services.entry_publish(entry=entry, actor=court)
        ids.append(entry.pk)
    return {"entries": ids, "subject_ids": [ListEntry.objects.get(pk=i).subject_id for i in ids]}


def _case_departments(entry_id: int) -> list[dict]:
    cases = JointCase.objects.filter(list_entry_id=entry_id).select_related("initiating_department").order_by("pk")
    return [{
        "number": case.number, "state": case.state, "initiating_department": case.initiating_department.code,
        "measure_departments": sorted({m.department.code for m in case.measures.select_related("department")}),
    } for case in cases]


def entry(item_id: str) -> dict:
    found = ListEntry.objects.filter(exchange_item_id=item_id).select_related("identifying_department").first()
    if found is None:
        return {"found": False}
    return {"found": True, "id": found.pk, "state": found.state, "source_region": found.source_region,
            "identifying_department": found.identifying_department.code, "cases": _case_departments(found.pk)}


def own_case(entry_id: str) -> dict:
    return {"cases": _case_departments(int(entry_id))}


if __name__ == "__main__":
    action, *args = sys.argv[1:]
    print(json.dumps({"publish": publish, "entry": entry, "own_case": own_case}[action](*args)))
