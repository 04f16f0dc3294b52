"""The workbench (待办): each user's open tasks, counted by the apps that own them.

The core names no app. Each app registers, in its ``AppConfig.ready()``, the tasks it owns with
``register_task(code, label, provider, order)``; the admin's start page and ``GET /api/v1/workbench/``
ask ``tasks_for(user)``.

- ``code``: one of the stable ``TASK_CODES`` (DESIGN.md, "Contract details"); clients key on it.
- ``label``: what users see (a lazy translation).
- ``provider(user, today) -> TaskFigures | None``: the figures of the task for ``user`` (None when
  the task is not the user's: a department that never executes has nothing to sign for). Figures
  come from the app's access functions: a department sees its own work, the credit office and the
  leadership office the district's totals. A provider runs one or two indexed queries.
- ``order``: where the task stands among the others; tasks with overdue work come first.

``recent_done(user)`` is the other half of the start page (已办): the last events the user's
department recorded in the audit trail.
"""
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from credit_platform.models import AuditEvent
from credit_platform.permissions import can_see_everything, department_of, is_department_member

# Stable task codes (DESIGN.md "Contract details"): an app registers only these.
TASK_CODES = frozenset({
    "sign_for", "feed_back", "confirm_lift", "objections", "repairs", "entries_to_publish", "records_to_publish", "complaints",
    "cases_to_push",
})

RECENT_DONE_LIMIT = 10
RECENT_DONE_SCAN = 4  # events read per item shown, for the runs folded into one


@dataclass(frozen=True)
class TaskFigures:
    """What a provider answers: how many open, how many of them overdue, and the filtered lists."""

    count: int
    overdue: int
    url: str
    overdue_url: str = ""  # the list of the overdue ones only, when the admin has such a filter


@dataclass(frozen=True)
class Task:
    code: str
    label: object
    provider: Callable[..., TaskFigures | None]
    order: int


@dataclass(frozen=True)
class WorkbenchTask:
    """One line of a user's workbench."""

    code: str
    label: str
    count: int
    overdue: int
    url: str
    overdue_url: str
    order: int

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "count": self.count, "overdue": self.overdue, "url": self.url}


_tasks: dict[str, Task] = {}


def decided_inbox_figures(
    user, *, items, department_field: str, whose: str, open_states, overdue_q, changelist: str,
) -> TaskFigures | None:
    """The figures of an inbox a department decides (objections it verifies, repairs it reviews):
    ``items`` (the user's visible ones) in ``open_states``, narrowed to the user's department on
    ``department_field`` unless the user sees everything; only initiating departments decide (None
    for the others). One aggregate query; the link opens the admin list ``changelist`` with the
    admin's ``whose`` filter value."""
    items = items.filter(state__in=open_states)
    params = {"state__in": ",".join(open_states)}
    if not can_see_everything(user):
        department = department_of(user) if is_department_member(user) else None
        if department is None or not department.is_initiating:
            return None
        items = items.filter(**{department_field: department.pk})
        params = {"whose": whose, **params}
    figures = items.order_by().aggregate(count=Count("pk"), overdue=Count("pk", filter=overdue_q))
    url = reverse(changelist) + "?" + urlencode(params)
    return TaskFigures(count=figures["count"], overdue=figures["overdue"], url=url, overdue_url=url + "&overdue=yes")


def register_task(code: str, label, provider: Callable[..., TaskFigures | None], order: int) -> None:
    """Declare a task of the workbench (from an app's ``AppConfig.ready()``). Registering a code
    again replaces it; an unknown code is an error (the codes are a contract)."""
    if code not in TASK_CODES:
        raise ValueError(f"Unknown workbench task code {code!r}; the stable codes are {sorted(TASK_CODES)}")
    _tasks[code] = Task(code=code, label=label, provider=provider, order=order)


def registered_tasks() -> list[Task]:
    return sorted(_tasks.values(), key=lambda task: (task.order, task.code))


def tasks_for(user, *, today: datetime.date | None = None) -> list[WorkbenchTask]:
    """The user's tasks: those with overdue work first, then in their registered order."""
    if not is_department_member(user):
        return []
    today = today or timezone.localdate()
    lines = []
    for task in registered_tasks():
        figures = task.provider(user, today)
        if figures is None:
            continue
        lines.append(WorkbenchTask(
            code=task.code, label=str(task.label), count=figures.count, overdue=figures.overdue, url=figures.url,
            overdue_url=figures.overdue_url or figures.url, order=task.order,
        ))
    return sorted(lines, key=lambda line: (line.overdue == 0, line.order))


def recent_done(user, *, limit: int = RECENT_DONE_LIMIT) -> list["DoneItem"]:
    """The last things the user's department did (已办), newest first.

    One query on the (department, created_at) index, with actor and object type joined: the last
    ``limit * RECENT_DONE_SCAN`` events, a run of the same action by the same person (a push
    creating ten assignments) folded into one item."""
    department = department_of(user) if is_department_member(user) else None
    if department is None:
        return []
    events = (
        AuditEvent.objects.filter(department_id=department.pk)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-pk")[: limit * RECENT_DONE_SCAN]
    )
    items: list[DoneItem] = []
    for event in events:
        if items and items[-1].event.action == event.action and items[-1].event.actor_id == event.actor_id:
            items[-1].more += 1
            continue
        if len(items) == limit:
            break
        items.append(DoneItem(event=event))
    return items


@dataclass
class DoneItem:
    """One line of 已办: the newest event of a run, and how many more events of the same run."""

    event: AuditEvent
    more: int = 0
