"""Chunk events (imports): one audit event per chunk on the batch's stream naming each new row with its
content hash; verifiable, tamper-evident and shown in each row's history."""
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from credit_platform import audit, events
from credit_platform.audit_chunks import row_hash
from credit_platform.models import AuditEvent, Subject
from tests.credit_platform.test_audit import _attacker, _audited, staff_of  # noqa: F401 (a fixture)
from tests.factories import DepartmentFactory, UserFactory, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    """Three subjects registered by one chunk event on a batch's stream, then one more batch event."""
    actor = UserFactory(department=DepartmentFactory(credit_office=True))
    batch = _audited()
    audit.record(obj=batch, action="batch_started", actor=actor)
    # saved without an event, as an import's COPY does
    subjects = [Subject.objects.create(kind="legal_person", identifier=make_uscc(900 + n), name=f"导入企业{n}有限公司") for n in range(3)]
    (event,) = events.subject_created.bulk(subjects, actor=actor, extra_for=lambda s: {"kind": s.kind, "import_batch": batch.pk}, chunk_of=batch)
    audit.record(obj=batch, action="batch_finished", actor=actor)
    return batch, subjects, event


def _rewrite_extra(event_id: int, extra: dict, *, rehash: bool) -> None:
    event = AuditEvent.objects.get(pk=event_id)
    event.extra = extra
    new_hash = audit.compute_hash(event) if rehash else event.hash
    with _attacker() as cursor:
        cursor.execute("UPDATE credit_platform_auditevent SET extra = %s, hash = %s WHERE id = %s", [json.dumps(extra), new_hash, event_id])


def test_one_event_names_every_row_with_its_hash_and_the_trail_verifies(imported, capsys):
    batch, subjects, event = imported

    assert (event.stream, event.seq, event.action) == (audit.stream_for(batch), 2, "subject_created")
    assert event.extra["chunk_streams"] == [audit.stream_for(s) for s in subjects]
    details, hash_ = event.extra["chunk_rows"][1]
    assert details == {"kind": subjects[1].kind, "import_batch": batch.pk}
    assert hash_ == row_hash(stream=audit.stream_for(subjects[1]), action="subject_created", to_state="", details=details)
    assert not AuditEvent.objects.filter(stream__in=event.extra["chunk_streams"]).exists()  # no chain head per row
    assert audit.verify_all() is None
    call_command("verify_audit")
    call_command("verify_audit", stream=audit.stream_for(subjects[0]))  # walks the batch's stream that names it
    assert "intact" in capsys.readouterr().out


def test_each_row_history_shows_its_chunk_event_then_its_own_events(imported):
    batch, subjects, event = imported
    actor = UserFactory()
    later = audit.record(obj=subjects[0], action="subject_changed", actor=actor)

    assert list(audit.history_for(subjects[0])) == [event, later]
    assert list(audit.history_for(subjects[2])) == [event]
    assert later.seq == 1  # the object's own stream starts after the import
    with connection.cursor() as cursor:  # the history finds the chunk event through the partial GIN index
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "audit_chunk_streams_idx" in audit.history_for(subjects[2]).explain()
    assert audit.verify_all() is None


def test_an_edited_row_of_a_chunk_event_is_detected(imported):
    _batch, subjects, event = imported
    extra = dict(event.extra, chunk_rows=[list(r) for r in event.extra["chunk_rows"]])
    extra["chunk_rows"][1][0] = {"kind": "natural_person", "import_batch": 0}  # the row's audited content

    _rewrite_extra(event.pk, extra, rehash=False)

    broken = audit.verify_all()
    assert (broken.problem, broken.event_id) == (audit.Problem.HASH_MISMATCH, event.pk)
    with pytest.raises(CommandError, match="seq 2"):
        call_command("verify_audit", stream=audit.stream_for(subjects[1]))


def test_an_edited_row_in_a_rehashed_chunk_event_is_detected_by_its_row_hash(imported):
    _batch, _subjects, event = imported
    extra = dict(event.extra, chunk_rows=[list(r) for r in event.extra["chunk_rows"]])
    extra["chunk_rows"][0][0] = {"kind": "natural_person", "import_batch": 0}

    _rewrite_extra(event.pk, extra, rehash=True)

    broken = audit.verify_all()
    assert (broken.problem, broken.event_id) == (audit.Problem.CHUNK_ROW_MISMATCH, event.pk)


def test_a_row_dropped_from_a_rehashed_chunk_event_breaks_the_chain(imported):
    """Rewriting the list consistently (rows, their hashes, the event's hash) still breaks the next link."""
    batch, _subjects, event = imported
    extra = dict(event.extra, chunk_streams=event.extra["chunk_streams"][1:], chunk_rows=event.extra["chunk_rows"][1:])

    _rewrite_extra(event.pk, extra, rehash=True)

    broken = audit.verify_all()
    assert (broken.problem, broken.stream, broken.seq) == (audit.Problem.PREV_HASH_MISMATCH, audit.stream_for(batch), 3)


@pytest.mark.urls("tests.credit_platform.test_audit")
def test_an_imported_row_change_page_shows_it_was_imported_and_by_which_batch(client, staff_of, imported):
    batch, subjects, event = imported
    user = staff_of(credit_office=True)
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    client.force_login(user)

    page = client.get(f"/admin/credit_platform/subject/{subjects[1].pk}/change/").content.decode()

    assert 'id="audit-history"' in page
    assert f'title="subject_created">{events.subject_created.label} ({batch})</td>' in page
    # the link to the full trail (the stream searched exactly) lists the chunk event too, without its details
    response = client.get("/admin/credit_platform/auditevent/", {"q": audit.stream_for(subjects[1])})
    (listed,) = response.context["cl"].result_list
    assert listed.pk == event.pk and "extra" in listed.get_deferred_fields()
