"""Writes of the platform core: departments, users, subjects."""
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from credit_platform import events, identifiers
from credit_platform.audit import Event
from credit_platform.models import Department, ResponsiblePerson, Subject, SubjectKind, User
from credit_platform.permissions import department_of
from credit_platform.roles import sync_group_permissions


@transaction.atomic
def department_upsert(*, code: str, name: str, name_en: str = "", roles: list[str] = (), parent: Department | None = None, **fields) -> tuple[Department, bool]:
    """Create or update a department by its stable code, with a Group of its own."""
    values = {
        "name": name,
        "name_en": name_en,
        "parent": parent,
        "is_credit_office": "credit_office" in roles,
        "is_leadership_office": "leadership_office" in roles,
        "is_initiating": "initiating" in roles,
        "is_executing": "executing" in roles,
        **fields,
    }
    department = Department.objects.filter(code=code).first()
    if department is None:
        group, _created = Group.objects.get_or_create(name=f"dept:{code}")
        department = Department(code=code, group=group, **values)
        department.full_clean()
        department.save()
        sync_group_permissions(department)
        _audit_department(department, events.department_created, values)
        return department, True
    changed = [field for field, value in values.items() if getattr(department, field) != value]
    if changed:
        for field in changed:
            setattr(department, field, values[field])
        department.full_clean()
        department.save(update_fields=changed)
        _audit_department(department, events.department_changed, {field: values[field] for field in changed})
    sync_group_permissions(department)
    return department, False


def _audit_department(department: Department, event: Event, values: dict) -> None:
    # The webhook secret is never written to the audit trail, only that it changed.
    shown = {k: ("***" if k == "webhook_secret" else (v.code if isinstance(v, Department) else v)) for k, v in values.items()}
    event(department, extra={"values": shown})


@transaction.atomic
def user_set_department(*, user: User, department: Department | None) -> User:
    """Move a user into a department: one department, and membership of exactly its group."""
    old_groups = Group.objects.filter(department__isnull=False, user=user)
    user.groups.remove(*old_groups)
    user.department = department
    user.save(update_fields=["department"])
    if department is not None:
        user.groups.add(department.group)
    return user


def subject_validate(*, kind: str, identifier: str, name: str) -> tuple[str, str]:
    """Normalise and validate a subject's identifier and name; return them, or raise ValidationError by field."""
    identifier = identifiers.normalise(identifier)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Enter the subject's name.")]
    try:
        identifiers.validate_for_kind(identifier, kind, field="identifier")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if Subject.objects.filter(identifier=identifier).exists():
        raise ValidationError({"identifier": [_("A subject with this identifier already exists.")]}, code="duplicate")
    return identifier, name


@transaction.atomic
def subject_create(*, kind: str, identifier: str, name: str, actor: User | None = None) -> Subject:
    identifier, name = subject_validate(kind=kind, identifier=identifier, name=name)
    subject = Subject(kind=kind, identifier=identifier, name=name, registered_by=department_of(actor))
    subject.full_clean()
    subject.save()
    events.subject_created(subject, actor, extra={"kind": kind})
    return subject


@transaction.atomic
def subject_link_responsible_person(*, organisation: Subject, person: Subject, role: str, actor: User | None = None) -> ResponsiblePerson:
    if not organisation.is_organisation:
        raise ValidationError({"organisation": [_("Only an organisation has responsible persons.")]})
    if not person.is_person:
        raise ValidationError({"person": [_("A responsible person must be a natural person.")]})
    link, created = ResponsiblePerson.objects.get_or_create(organisation=organisation, person=person, role=role)
    if created:
        events.responsible_person_linked(organisation, actor, extra={"person": person.identifier, "role": role})
    return link


@transaction.atomic
def subject_register(
    *, kind: str, identifier: str, name: str, responsible_persons: list[dict] = (), actor: User | None = None
) -> Subject:
    """Create a subject and link its responsible persons (``{"identifier", "name", "role"}``),
    registering each person not yet known; an existing person is reused as registered."""
    subject = subject_create(kind=kind, identifier=identifier, name=name, actor=actor)
    for item in responsible_persons:
        person = Subject.objects.filter(identifier=identifiers.normalise(item["identifier"])).first()
        if person is None:
            person = subject_create(kind=SubjectKind.NATURAL_PERSON, identifier=item["identifier"], name=item["name"], actor=actor)
        subject_link_responsible_person(organisation=subject, person=person, role=item["role"], actor=actor)
    return subject


@transaction.atomic
def object_save(*, obj, actor, changed: list[str] = (), created: bool = False):
    """Save a catalogue or reference record edited by hand (measures, memoranda, subjects' names):
    the row and its audit event in one transaction, the changed fields' new values in the event."""
    obj.full_clean()
    obj.save()
    values = {name: getattr(obj, name, None) for name in changed if not isinstance(getattr(type(obj), name, None), property)}
    events.object_saved(
        obj, actor, created=created,
        extra={"changed": {k: v if isinstance(v, (str, int, float, bool, list, dict, type(None))) else str(v) for k, v in values.items()}},
    )
    return obj
