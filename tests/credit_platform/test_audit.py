"""The audit trail: hash chains per stream, daily checkpoints, tamper detection, read-only admin."""
import contextlib
import datetime
import itertools
from unittest import mock

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import path, reverse
from django.utils import timezone

from credit_platform import audit
from credit_platform.admin.audit import AuditEventAdmin, CappedCountPaginator
from credit_platform.admin.mixins import AuditHistoryAdminMixin
from credit_platform.models import AuditCheckpoint, AuditEvent, Subject
from credit_platform.tasks import audit_checkpoint_task
from tests.factories import DepartmentFactory, SubjectFactory, UserFactory

pytestmark = pytest.mark.django_db

# --- A throwaway admin site whose Subject admin uses the mixin (see test_change_page_shows_history).


class SubjectHistoryAdmin(AuditHistoryAdminMixin, admin.ModelAdmin):
    pass


mixin_site = admin.AdminSite(name="admin")
mixin_site.register(Subject, SubjectHistoryAdmin)
mixin_site.register(AuditEvent, AuditEventAdmin)
urlpatterns = [path("admin/", mixin_site.urls)]


# --- Helpers


def _days_ago(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_default_timezone())


@contextlib.contextmanager
def _clock_at(moment: datetime.datetime):
    """Record events as if it were ``moment`` (one microsecond later at each call)."""
    ticks = (moment + datetime.timedelta(microseconds=n) for n in itertools.count())
    with mock.patch("django.utils.timezone.now", side_effect=lambda: next(ticks)):
        yield


@contextlib.contextmanager
def _attacker():
    """What a DBA can do: switch the append-only triggers off (inside the test's transaction)."""
    with connection.cursor() as cursor:
        # ALTER TABLE refuses to run while deferred foreign key checks of the test's inserts are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in ("credit_platform_auditevent", "credit_platform_auditcheckpoint"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        yield cursor
        for table in ("credit_platform_auditevent", "credit_platform_auditcheckpoint"):
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _event(obj, seq) -> AuditEvent:
    return AuditEvent.objects.get(stream=audit.stream_for(obj), seq=seq)


@pytest.fixture
def actor():
    return UserFactory(department=DepartmentFactory(credit_office=True))


def _audited():
    """An object whose creation records nothing by itself (departments audit their own creation)."""
    from django.contrib.auth.models import Group

    return Group.objects.create(name=f"audited-{Group.objects.count()}-{timezone.now().timestamp()}")


@pytest.fixture
def two_objects(actor):
    """Two departments as audited objects: A with 3 events, B with 2, recorded yesterday."""
    first, second = _audited(), _audited()
    with _clock_at(_days_ago(1)):
        audit.record(obj=first, action="created", actor=actor, to_state="draft")
        audit.record(obj=second, action="created", actor=actor, to_state="draft")
        audit.record(obj=first, action="submitted", actor=actor, from_state="draft", to_state="pending", reason="ready")
        audit.record(obj=second, action="submitted", actor=actor, from_state="draft", to_state="pending")
        audit.record(obj=first, action="approved", actor=actor, from_state="pending", to_state="active", reason="fine", extra={"n": 1})
    return first, second


# --- The chain


def test_sound_chain_verifies(two_objects):
    first, second = two_objects
    stats = audit.VerifyStats()

    assert audit.verify_all(stats=stats) is None

    # The two objects, plus the actor's department (it audits its own creation).
    assert (stats.streams, stats.events) == (3, 6)
    assert audit.verify_stream(audit.stream_for(first)) is None
    assert [e.seq for e in audit.history_for(first)] == [1, 2, 3]
    assert _event(first, 2).prev_hash == _event(first, 1).hash
    assert _event(first, 1).prev_hash == audit.GENESIS


def test_event_records_request_context_and_hash_covers_it(actor):
    department = _audited()
    with mock.patch("credit_platform.audit.current_request_context", return_value={"request_id": "req-1", "ip_address": "2001:0db8:0000::1"}):
        event = audit.record(obj=department, action="created", actor=actor)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.request_id, stored.ip_address, stored.department_id) == ("req-1", "2001:db8::1", actor.department_id)
    assert audit.compute_hash(stored) == stored.hash


def test_edited_row_is_reported_with_its_stream_and_seq(two_objects):
    first, _second = two_objects
    edited = _event(first, 2)

    with _attacker() as cursor:
        cursor.execute("UPDATE credit_platform_auditevent SET reason = 'not ready' WHERE id = %s", [edited.pk])
    broken = audit.verify_all()

    assert broken == audit.Break(problem=audit.Problem.HASH_MISMATCH, stream=audit.stream_for(first), seq=2, event_id=edited.pk)
    assert audit.verify_stream(audit.stream_for(first)) == broken
    assert "seq 2" in str(broken)


def test_row_rehashed_after_edit_breaks_the_link_to_the_next_row(two_objects):
    first, _second = two_objects
    edited = _event(first, 2)
    edited.reason = "not ready"
    new_hash = audit.compute_hash(edited)

    with _attacker() as cursor:
        cursor.execute("UPDATE credit_platform_auditevent SET reason = %s, hash = %s WHERE id = %s", ["not ready", new_hash, edited.pk])
    broken = audit.verify_all()

    assert (broken.problem, broken.stream, broken.seq) == (audit.Problem.PREV_HASH_MISMATCH, audit.stream_for(first), 3)


def test_deleted_middle_row_is_reported_as_a_gap(two_objects):
    first, _second = two_objects
    after_gap = _event(first, 3)

    with _attacker() as cursor:
        cursor.execute("DELETE FROM credit_platform_auditevent WHERE id = %s", [_event(first, 2).pk])
    broken = audit.verify_all()

    assert (broken.problem, broken.stream, broken.seq, broken.event_id) == (
        audit.Problem.SEQ_GAP,
        audit.stream_for(first),
        2,
        after_gap.pk,
    )


def test_deleted_last_row_is_reported_through_the_checkpoint(two_objects):
    first, _second = two_objects
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    audit.checkpoint_day(yesterday)
    assert audit.verify_all() is None

    with _attacker() as cursor:
        cursor.execute("DELETE FROM credit_platform_auditevent WHERE id = %s", [_event(first, 3).pk])
    # The chain that is left is sound on its own; only the checkpoint knows seq 3 existed.
    assert audit._walk(AuditEvent.objects.order_by("stream", "seq"), audit.VerifyStats()) is None
    broken = audit.verify_all()

    assert (broken.problem, broken.stream, broken.seq, broken.day) == (audit.Problem.HEAD_MISSING, audit.stream_for(first), 3, yesterday)
    assert audit.verify_stream(audit.stream_for(first)).problem == audit.Problem.HEAD_MISSING


def test_rewritten_tail_is_reported_through_the_checkpoint(two_objects):
    first, _second = two_objects
    audit.checkpoint_day(timezone.localdate() - datetime.timedelta(days=1))
    last = _event(first, 3)
    last.reason = "rewritten"
    rehashed = audit.compute_hash(last)

    with _attacker() as cursor:
        cursor.execute("UPDATE credit_platform_auditevent SET reason = %s, hash = %s WHERE id = %s", ["rewritten", rehashed, last.pk])
    broken = audit.verify_all()

    assert (broken.problem, broken.seq, broken.event_id) == (audit.Problem.HEAD_MISSING, 3, last.pk)


def test_orm_refuses_update_and_delete(two_objects):
    first, _second = two_objects
    event = _event(first, 1)
    checkpoint = audit.checkpoint_day(timezone.localdate() - datetime.timedelta(days=1))

    event.reason = "changed"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionDenied):
        checkpoint.save()
    with pytest.raises(PermissionDenied):
        checkpoint.delete()
    assert audit.verify_all() is None


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE credit_platform_auditevent SET reason = 'x'",
        "DELETE FROM credit_platform_auditevent",
        "UPDATE credit_platform_auditcheckpoint SET prev_hash = 'x'",
        "DELETE FROM credit_platform_auditcheckpoint",
    ],
)
def test_database_refuses_update_and_delete(two_objects, sql):
    audit.checkpoint_day(timezone.localdate() - datetime.timedelta(days=1))

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert AuditEvent.objects.count() == 6  # five, and the actor's department created
    assert audit.verify_all() is None


def test_database_allows_truncate(two_objects):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in _attacker
            cursor.execute("TRUNCATE credit_platform_auditevent")
        assert AuditEvent.objects.count() == 0
        raise Rollback


# --- Checkpoints


def test_checkpoint_seals_the_heads_of_the_day_and_is_idempotent(two_objects, actor):
    first, second = two_objects
    third = _audited()
    with _clock_at(_days_ago(2)):
        audit.record(obj=third, action="created", actor=actor)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    checkpoint = audit.checkpoint_day(yesterday)

    assert checkpoint.heads == {
        audit.stream_for(first): [3, _event(first, 3).hash],
        audit.stream_for(second): [2, _event(second, 2).hash],
    }
    assert checkpoint.prev_hash == audit.GENESIS
    assert checkpoint.hash == audit.checkpoint_hash(day=yesterday, heads=checkpoint.heads, prev_hash=audit.GENESIS)
    assert audit.checkpoint_day(yesterday).pk == checkpoint.pk
    assert AuditCheckpoint.objects.count() == 1


def test_days_are_sealed_in_order_and_chained(two_objects):
    today = timezone.localdate()

    with pytest.raises(ValidationError):
        audit.checkpoint_day(today)
    older = audit.checkpoint_day(today - datetime.timedelta(days=3))
    newer = audit.checkpoint_day(today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        audit.checkpoint_day(today - datetime.timedelta(days=2))

    assert older.heads == {}
    assert newer.prev_hash == older.hash
    assert audit.verify_all() is None


def test_task_seals_every_pending_day_up_to_yesterday(two_objects, actor):
    with _clock_at(_days_ago(3)):
        audit.record(obj=_audited(), action="created", actor=actor)
    today = timezone.localdate()

    hashes = audit_checkpoint_task.delay().get()

    days = list(AuditCheckpoint.objects.order_by("day").values_list("day", flat=True))
    assert days == [today - datetime.timedelta(days=n) for n in (3, 2, 1)]
    assert hashes == list(AuditCheckpoint.objects.order_by("day").values_list("hash", flat=True))
    assert audit_checkpoint_task.delay().get() == []
    assert audit_checkpoint_task.delay(day_iso=days[-1].isoformat()).get() == [hashes[-1]]
    assert audit.verify_all() is None


def test_tampered_checkpoint_is_reported(two_objects):
    today = timezone.localdate()
    first = audit.checkpoint_day(today - datetime.timedelta(days=3))
    audit.checkpoint_day(today - datetime.timedelta(days=2))
    audit.checkpoint_day(today - datetime.timedelta(days=1))

    with _attacker() as cursor:
        cursor.execute("UPDATE credit_platform_auditcheckpoint SET heads = '{}' WHERE day = %s", [today - datetime.timedelta(days=1)])
    assert audit.verify_all() == audit.Break(problem=audit.Problem.CHECKPOINT_HASH_MISMATCH, day=today - datetime.timedelta(days=1))

    with _attacker() as cursor:
        cursor.execute("DELETE FROM credit_platform_auditcheckpoint WHERE id = %s", [first.pk])
    assert audit.verify_all() == audit.Break(problem=audit.Problem.CHECKPOINT_CHAIN_BROKEN, day=today - datetime.timedelta(days=2))


# --- The command


def test_verify_audit_command_passes_on_a_sound_trail(two_objects, capsys):
    audit.checkpoint_day(timezone.localdate() - datetime.timedelta(days=1))

    call_command("verify_audit")

    out = capsys.readouterr().out
    assert "Checked 3 streams, 6 events, 1 checkpoints" in out
    assert "intact" in out


def test_verify_audit_command_fails_on_a_broken_trail(two_objects, capsys):
    first, _second = two_objects
    with _attacker() as cursor:
        cursor.execute("DELETE FROM credit_platform_auditevent WHERE id = %s", [_event(first, 2).pk])

    with pytest.raises(CommandError, match=f"stream {audit.stream_for(first)}, seq 2"):
        call_command("verify_audit")
    with pytest.raises(CommandError):
        call_command("verify_audit", stream=audit.stream_for(first))
    call_command("verify_audit", stream=audit.stream_for(_second))


# --- Admin


@pytest.fixture
def staff_of(dept_user):
    def make(**roles):
        department = DepartmentFactory(**roles)
        return dept_user(department=department, is_staff=True)

    return make


def test_audit_admin_is_for_the_credit_and_leadership_offices_only(client, staff_of, two_objects):
    url = reverse("admin:credit_platform_auditevent_changelist")
    event = _event(two_objects[0], 1)

    for user, status in [
        (staff_of(credit_office=True), 200),
        (staff_of(leadership=True), 200),
        (staff_of(roles=("initiating", "executing")), 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.get(reverse("admin:credit_platform_auditevent_change", args=[event.pk])).status_code == status
        assert client.get(reverse("admin:credit_platform_auditcheckpoint_changelist")).status_code == status


def test_audit_admin_is_read_only(client, staff_of, two_objects):
    event = _event(two_objects[0], 1)
    client.force_login(staff_of(credit_office=True))

    assert client.get(reverse("admin:credit_platform_auditevent_add")).status_code == 403
    assert client.get(reverse("admin:credit_platform_auditevent_delete", args=[event.pk])).status_code == 403
    response = client.post(reverse("admin:credit_platform_auditevent_change", args=[event.pk]), {"reason": "changed"})
    assert response.status_code == 403
    page = client.get(reverse("admin:credit_platform_auditevent_change", args=[event.pk])).content.decode()
    assert "Intact" in page
    assert "action-checkbox" not in client.get(reverse("admin:credit_platform_auditevent_changelist")).content.decode()
    assert AuditEvent.objects.get(pk=event.pk).reason == event.reason


def test_audit_admin_searches_a_stream_exactly_and_never_counts_the_table(client, staff_of, two_objects, django_assert_max_num_queries, monkeypatch):
    first, second = two_objects
    client.force_login(staff_of(credit_office=True))
    url = reverse("admin:credit_platform_auditevent_changelist")

    response = client.get(url, {"q": audit.stream_for(first)})

    assert [e.stream for e in response.context["cl"].result_list] == [audit.stream_for(first)] * 3
    response = client.get(url, {"q": str(second)})
    assert {e.stream for e in response.context["cl"].result_list} == {audit.stream_for(second)}
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.context["cl"].result_count == 2
    assert "More than 2 events match" in response.content.decode()


@pytest.mark.urls(__name__)
def test_change_page_shows_the_audit_history(client, staff_of):
    user = staff_of(credit_office=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    subject = SubjectFactory(actor=user)
    audit.record(obj=subject, action="flagged", actor=user, from_state="clear", to_state="flagged", reason="three domains")
    client.force_login(user)

    page = client.get(f"/admin/credit_platform/subject/{subject.pk}/change/").content.decode()

    assert 'id="audit-history"' in page
    assert "subject_created" in page
    assert "clear → flagged" in page
    assert "three domains" in page
    assert str(user.department) in page
    assert "/admin/credit_platform/auditevent/?q=credit_platform.subject%3A" in page
