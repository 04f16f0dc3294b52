"""Races on every transition (issue 12): ``WIDTH`` clients post the same transition of one object at
the same moment over the API, each on its own PostgreSQL connection. Exactly one succeeds, the others
answer 409 (or 400 where the state makes the input invalid), nobody gets a 5xx, and the object's
audit stream holds exactly one new event."""
import threading
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from credit_platform import demo
from credit_platform.audit import stream_for
from credit_platform.models import AuditEvent
from objections import services as objection_services
from objections.models import Objection
from repair import services as repair_services
from sanctions import services as case_services
from sanctions.models import Assignment
from tests.lists.conftest import ListWorld
from tests.probe.conftest import LONG, WIDTH, record
from tests.repair.test_repair_services import months_ago
from tests.repair.documents import documents

COURT = "court"
_numbers = iter(range(1, 10_000))


def _number() -> str:
    return f"（2025）甘0702执{7000 + next(_numbers)}号"


def burst(user, url: str, body: dict, width: int = WIDTH) -> list[int]:
    """``width`` logged-in clients post ``body`` to ``url`` released together; their status codes."""
    clients = []
    for _ in range(width):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(width)
    statuses: list[int] = []

    def work(client):
        try:
            barrier.wait(timeout=60)
            statuses.append(client.post(url, body, content_type="application/json").status_code)
        except Exception:  # noqa: BLE001 - counted as a server error
            statuses.append(599)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


# --- the objects, each in the state its transition starts from -------------------------------------


def _draft(w):
    return w.defaulter_case()


def _initiated(w):
    case = w.defaulter_case()
    return case_services.case_initiate(case=case, actor=w.user(COURT))


def _pushed(w):
    return w.pushed_case()


def _assignment(w, *, acknowledged=False):
    case = w.pushed_case()
    assignment = case.assignments.select_related("department").order_by("pk").first()
    if acknowledged:
        case_services.assignment_acknowledge(assignment=assignment, actor=w.user(assignment.department.code))
    return Assignment.objects.select_related("department").get(pk=assignment.pk)


def _lifting(w):
    case = w.pushed_case()
    case_services.case_revoke(case=case, actor=w.user(COURT), reason="probe")
    return case.assignments.select_related("department").order_by("pk").first()


def _notified(w):
    return w.notified(decision_number=_number())


def _published(w, **kwargs):
    return w.published(decision_number=_number(), **kwargs)


def _objection(w, *, verifying=False):
    entry = _published(w)
    objection = objection_services.objection_file(
        subject=entry.subject, list_entry=entry, grounds="判决已履行完毕", contact="0936-1234567", channel=Objection.Channel.PUBLIC,
    )
    if verifying:
        objection_services.objection_accept(objection=objection, actor=w.user(COURT))
    return objection


def _repair(w, *, accepted=False):
    entry = _published(w, severity="severe", decided_on=months_ago(13))
    application = repair_services.repair_apply(entry=entry, actor=w.user(COURT), evidence="已全部履行判决义务", commitment_signed=True,
                                               contact="13900000000", documents=documents())
    if accepted:
        repair_services.repair_accept(application=application, actor=w.user(COURT))
    return application


def _feedback_body(assignment):
    return {"items": [{"measure": m.pk, "outcome": "applied"} for m in assignment.measures.all()]}


# (name, make(world) -> object, url, body(object), who acts: "court" or the assignment's department)
TRANSITIONS = [
    ("case initiate", _draft, "/api/v1/cases/{pk}/initiate/", None, COURT),
    ("case push", _initiated, "/api/v1/cases/{pk}/push/", None, COURT),
    ("case revoke", _pushed, "/api/v1/cases/{pk}/revoke/", lambda o: {"reason": "probe"}, COURT),
    ("assignment acknowledge", _assignment, "/api/v1/assignments/{pk}/acknowledge/", None, "department"),
    ("assignment feedback", lambda w: _assignment(w, acknowledged=True), "/api/v1/assignments/{pk}/feedback/", _feedback_body, "department"),
    ("assignment return", _assignment, "/api/v1/assignments/{pk}/return/", lambda o: {"reason": "not competent"}, "department"),
    ("assignment confirm_lift", _lifting, "/api/v1/assignments/{pk}/confirm_lift/", None, "department"),
    ("entry publish", _notified, "/api/v1/list-entries/{pk}/publish/", None, COURT),
    ("entry withdraw", _notified, "/api/v1/list-entries/{pk}/withdraw/", lambda o: {"reason": "statement upheld"}, COURT),
    ("entry remove", _published, "/api/v1/list-entries/{pk}/remove/", lambda o: {"reason": "revoked"}, COURT),
    ("objection accept", _objection, "/api/v1/objections/{pk}/accept/", None, COURT),
    ("objection refuse", _objection, "/api/v1/objections/{pk}/refuse/", lambda o: {"reason": "no grounds"}, COURT),
    ("objection uphold", lambda w: _objection(w, verifying=True), "/api/v1/objections/{pk}/uphold/",
     lambda o: {"outcome": "revoke", "reason": "wrong record"}, COURT),
    ("objection dismiss", lambda w: _objection(w, verifying=True), "/api/v1/objections/{pk}/dismiss/", lambda o: {"reason": "record right"}, COURT),
    ("objection extend", lambda w: _objection(w, verifying=True), "/api/v1/objections/{pk}/extend/", lambda o: {"reason": "more time"}, COURT),
    ("repair accept", _repair, "/api/v1/repairs/{pk}/accept/", None, COURT),
    ("repair refuse", _repair, "/api/v1/repairs/{pk}/refuse/", lambda o: {"reason": "incomplete"}, COURT),
    ("repair approve", lambda w: _repair(w, accepted=True), "/api/v1/repairs/{pk}/approve/", None, COURT),
    ("repair reject", lambda w: _repair(w, accepted=True), "/api/v1/repairs/{pk}/reject/", lambda o: {"reason": "not met"}, COURT),
]


# make test races a few transitions (one per app); the longer run every one.
SLICE = {"assignment feedback", "objection dismiss", "repair approve"}
RUN = TRANSITIONS if LONG else [t for t in TRANSITIONS if t[0] in SLICE]


@pytest.fixture
def world(seeded_rule_sets):
    demo.seed()
    return ListWorld()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("name", "make", "url", "body", "who"), RUN, ids=[t[0] for t in RUN])
def test_one_call_of_a_transition_wins_the_race(world, name, make, url, body, who):
    obj = make(world)
    actor = world.user(obj.department.code if who == "department" else who)
    stream = stream_for(obj)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    statuses = burst(actor, url.format(pk=obj.pk), body(obj) if body else {})

    won = [s for s in statuses if 200 <= s < 300]
    lost = [s for s in statuses if s in (400, 409)]
    errors = [s for s in statuses if s >= 500]
    # Every effect on the object's stream once: the transition's event (and any it entails, e.g. a
    # published entry's case opened), none twice.
    new_events = Counter(AuditEvent.objects.filter(stream=stream, pk__gt=last).values_list("action", flat=True))
    record("races", transitions=1, calls=len(statuses), conflicting_calls=len(lost), server_errors=len(errors), won=len(won))
    assert (len(won), len(lost), errors) == (1, len(statuses) - 1, []), (name, sorted(statuses))
    assert new_events and set(new_events.values()) == {1}, (name, new_events)
