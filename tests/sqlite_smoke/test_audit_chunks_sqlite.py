"""Chunk events (imports) on the embedded SQLite default: no JSON containment there, the history and
the verification still find and check them."""
import pytest
from django.contrib.auth.models import Group

from credit_platform import audit, events
from credit_platform.models import Subject

pytestmark = pytest.mark.django_db


def test_an_imported_subject_history_shows_its_chunk_event_on_sqlite():
    batch = Group.objects.create(name="import batch")
    subjects = [Subject.objects.create(kind="legal_person", identifier=f"91620702MAQJWYL7X{n}", name=f"企业{n}") for n in range(2)]
    subjects.append(Subject.objects.create(kind="legal_person", identifier="91620702MAQJWYL7Y0", name="企业10"))

    (event,) = events.subject_created.bulk(subjects[:2], extra_for=lambda s: {"kind": s.kind}, chunk_of=batch)

    assert list(audit.history_for(subjects[0])) == [event]
    assert list(audit.history_for(subjects[2])) == []  # not named by the chunk
    assert audit.verify_stream(audit.stream_for(subjects[1])) is None
    assert audit.verify_all() is None
