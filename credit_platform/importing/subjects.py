"""The subjects of an import's chunk: those registered, and the unknown ones created in bulk (each
audited ``subject_created`` in one chunk event on the batch's stream, ``audit.record_chunk``), with a warning where a file names a
registered subject otherwise than the register."""
from django.utils.translation import gettext as _

from credit_platform import events as core_events
from credit_platform.importing.bulk import bulk_insert
from credit_platform.importing.rows import WARNING, Issue
from credit_platform.models import Subject, SubjectKind


def chunk_subjects(rows, *, actor, department, batch_extra: dict, insert_events, values_of, chunk_of=None):
    """``(subjects by identifier, identifiers created now, [warnings])`` for ``rows`` (each with
    ``number``, ``identifier``, ``name``, ``kind``, ``birth_date``); ``values_of(row)`` gives the
    row's columns for the report."""
    warnings = []
    subjects = {
        s.identifier: s
        for s in Subject.objects.filter(identifier__in={r.identifier for r in rows}).only("pk", "identifier", "name", "kind")
    }
    new_subjects = {}
    for row in rows:
        subject = subjects.get(row.identifier) or new_subjects.get(row.identifier)
        if subject is None:
            new_subjects[row.identifier] = Subject(kind=row.kind, identifier=row.identifier, name=row.name, birth_date=row.birth_date)
            continue
        if subject.name != row.name:
            warnings.append(Issue(row.number, "name", _("The subject %(identifier)s is registered as “%(name)s”; the registered subject was used.")
                                  % {"identifier": row.identifier, "name": subject.name}, WARNING, values_of(row)))
        if subject.kind != row.kind:
            warnings.append(Issue(row.number, "kind", _("The subject is registered as %(kind)s; the registered kind was kept.")
                                  % {"kind": SubjectKind(subject.kind).label}, WARNING, values_of(row)))
    if new_subjects:
        bulk_insert(Subject, list(new_subjects.values()))
        core_events.subject_created.bulk(
            new_subjects.values(), actor=actor, department=department,
            extra_for=lambda s: {"kind": s.kind, **batch_extra}, insert=insert_events, chunk_of=chunk_of,
        )
        subjects.update(new_subjects)
    return subjects, set(new_subjects), warnings
