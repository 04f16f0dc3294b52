"""In-app notifications to departments (and optionally one of their users).

Services notify after their transaction commits (``notify_on_commit``), so a rolled-back change
never leaves a message behind. A department with a ``webhook_url`` also gets each message as a
signed webhook: its outbox row is written in the caller's transaction (``credit_platform.webhooks``). Everything a user may see goes through ``notifications_for_user``.

What a notification is about is its kind (``verb``; also the ``X-Credit-Event`` of its webhook).
Each app declares its kinds, with the words users see, in its AppConfig.ready()
(``register_notification_kinds``); ``notify`` and its siblings refuse a kind nobody declared. The
kinds are not database choices, so a new kind needs no migration.
"""
import logging
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from credit_platform import webhooks
from credit_platform.models import Department, Notification, User

logger = logging.getLogger(__name__)

_kinds: dict[str, object] = {}


def register_notification_kinds(kinds: Mapping[str, object]) -> None:
    """Declare notification kinds: ``{"assignment_pushed": _("measures pushed to the department"), ...}``
    (the label is what users see; a lazy translation). Called by each app in its AppConfig.ready().
    Declaring a kind again with the same label is harmless; two apps claiming one kind is an error."""
    for kind, label in kinds.items():
        if kind in _kinds and str(_kinds[kind]) != str(label):
            raise ValueError(f"Notification kind {kind!r} is declared twice with different labels")
        if not kind or len(kind) > Notification._meta.get_field("verb").max_length:
            raise ValueError(f"Bad notification kind {kind!r}")
        _kinds[kind] = label


def notification_kinds() -> dict[str, object]:
    """Every declared kind and its label."""
    return dict(_kinds)


def notification_kind_label(kind: str):
    """The words for ``kind`` (the kind itself when nobody declares it any more)."""
    return _kinds.get(kind, kind)


def _check_kind(kind: str) -> None:
    if kind not in _kinds:
        raise ValueError(f"Unknown notification kind {kind!r}: declare it with register_notification_kinds")


def notify(*, department: Department, verb: str, title: str, body: str = "", url: str = "", user: User | None = None) -> Notification:
    """Create one notification now (in the caller's transaction, if any)."""
    _check_kind(verb)
    notification = Notification(department=department, user=user, verb=verb, title=title[:300], body=body, url=url)
    # The foreign keys are the caller's objects; skip re-fetching them.
    notification.full_clean(exclude=["department", "user"], validate_unique=False, validate_constraints=False)
    notification.save()
    return notification


def notify_on_commit(*, department: Department, verb: str, title: str, body: str = "", url: str = "", user: User | None = None) -> None:
    """Create the notification once the current transaction commits; nothing if it rolls back."""
    _check_kind(verb)
    kwargs = {"department": department, "verb": verb, "title": title, "body": body, "url": url, "user": user}
    # The outgoing webhook's outbox row belongs to the caller's transaction (rolled back with it).
    webhooks.enqueue([kwargs])
    # robust: the change has committed; a failed notification is logged, it must not fail the request.
    transaction.on_commit(lambda: notify(**kwargs), robust=True)


def notify_many_on_commit(items: Iterable[dict]) -> None:
    """Create many notifications (``notify`` keyword dicts) in one INSERT once the transaction commits."""
    items = list(items)
    for item in items:
        _check_kind(item["verb"])
    notifications = [
        Notification(
            # Callers holding only an id (bulk paths) pass department_id instead of department.
            **({"department": item["department"]} if "department" in item else {"department_id": item["department_id"]}),
            user=item.get("user"),
            verb=item["verb"],
            title=item["title"][:300],
            body=item.get("body", ""),
            url=item.get("url", ""),
        )
        for item in items
    ]
    if not notifications:
        return
    transaction.on_commit(lambda: Notification.objects.bulk_create(notifications, batch_size=1000), robust=True)
    # The outgoing webhooks' outbox rows belong to the caller's transaction (rolled back with it).
    webhooks.enqueue(
        {"department_id": n.department_id, "verb": n.verb, "title": n.title, "body": n.body, "url": n.url} for n in notifications
    )


def notify_daily_counts(*, counts, verb: str, title, url: str, today) -> int:
    """A daily digest: tell each department of ``counts`` (rows ``(department_id, n)``) that it has
    ``n`` items, with ``title(n)`` and a link to them, unless it was told (same ``verb``) today
    already. Returns how many departments were told (after commit)."""
    _check_kind(verb)
    already = set(Notification.objects.filter(verb=verb, created_at__date=today).values_list("department_id", flat=True))
    items = [
        {"department_id": department_id, "verb": verb, "title": title(n), "url": url}
        for department_id, n in counts
        if department_id not in already
    ]
    with transaction.atomic():
        notify_many_on_commit(items)
    return len(items)


def notifications_for_user(*, user) -> QuerySet[Notification]:
    """The notifications a user may see: those of their department, and those addressed to them."""
    if not (user and user.is_authenticated):
        return Notification.objects.none()
    visible = Q(user=user)
    if user.department_id is not None:
        visible |= Q(department_id=user.department_id)
    return Notification.objects.filter(visible)


def unread_count_for(user) -> int:
    """How many unread notifications the user may see (one COUNT query)."""
    if not (user and user.is_authenticated):
        return 0
    return notifications_for_user(user=user).filter(read_at__isnull=True).count()


def notification_mark_read(*, notification_ids: Iterable[int], user) -> int:
    """Mark the given notifications read, only among those the user may see; return how many changed."""
    ids = list(notification_ids)
    if not ids:
        return 0
    unread = notifications_for_user(user=user).filter(pk__in=ids, read_at__isnull=True)
    return unread.update(read_at=timezone.now())
