"""The information catalogue: record types, managed by the credit office."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from credit_platform.workflow import entry_point, lock_one, require
from records import access, events
from records.models import RecordType

# What a record type's create and update take; ``departments`` is a list of Department objects.
TYPE_FIELDS = ("code", "name", "kind", "public", "fields", "needs_consent", "domain", "is_active")


def _check(record_type: RecordType) -> None:
    try:
        record_type.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _describe(record_type: RecordType, departments) -> dict:
    return {
        **{name: getattr(record_type, name) for name in TYPE_FIELDS},
        "departments": sorted(department.code for department in departments),
    }


@transaction.atomic(savepoint=False)
def record_type_create_in_transaction(*, actor, departments=(), **values) -> RecordType:
    """Add an item to the catalogue (credit office only). A field naming a forbidden category is
    refused with the rule cited; one naming a consent category needs ``needs_consent``."""
    require(access.can_manage_catalogue(actor), _("Only the credit office manages the information catalogue."))
    unknown = sorted(set(values) - set(TYPE_FIELDS))
    if unknown:
        raise TypeError(f"record_type_create: unknown fields {unknown}")
    record_type = RecordType(**values)
    _check(record_type)
    if RecordType.objects.filter(code=record_type.code).exists():
        raise ValidationError({"code": [_("A record type with this code exists already.")]})
    try:
        with transaction.atomic():
            record_type.save()
    except IntegrityError:
        raise ValidationError({"code": [_("A record type with this code exists already.")]}) from None
    departments = list(departments)
    record_type.departments.set(departments)
    events.record_type_created(record_type, actor, extra=_describe(record_type, departments))
    return record_type


record_type_create = entry_point(record_type_create_in_transaction)


@transaction.atomic(savepoint=False)
def record_type_update_in_transaction(*, record_type: RecordType, actor, departments=None, **values) -> RecordType:
    """Change a catalogue item (credit office only): the same checks as on creation; the changes
    audited. The code never changes (the API, the imports and the records name it)."""
    require(access.can_manage_catalogue(actor), _("Only the credit office manages the information catalogue."))
    unknown = sorted(set(values) - set(TYPE_FIELDS))
    if unknown:
        raise TypeError(f"record_type_update: unknown fields {unknown}")
    stored = lock_one(RecordType.objects.filter(pk=record_type.pk))
    if "code" in values and values["code"] != stored.code:
        raise ValidationError({"code": [_("The code of a record type never changes.")]})
    old = _describe(stored, stored.departments.all())
    for name, value in values.items():
        setattr(stored, name, value)
    _check(stored)
    stored.save()
    if departments is not None:
        stored.departments.set(list(departments))
    new = _describe(stored, stored.departments.all())
    changes = {name: [old[name], new[name]] for name in new if old[name] != new[name]}
    if changes:
        events.record_type_changed(stored, actor, extra={"changes": changes})
    return stored


record_type_update = entry_point(record_type_update_in_transaction)
