"""The audit events of the platform core (departments, subjects, rule sets, the calendar, API tokens,
the record of a person): each named once, its code (stored in the audit chain: never change it) and
its label side by side. Services call them inside their transaction:
``events.subject_created(subject, actor, extra=...)``."""
from django.utils.translation import gettext_lazy as _

from credit_platform.audit import Event, record

api_token_issued = Event("api_token_issued", _("API token issued"))
api_token_revoked = Event("api_token_revoked", _("API token revoked"))
person_record_viewed = Event("person_record_viewed", _("person's record viewed"))
department_created = Event("department_created", _("department created"))
department_changed = Event("department_changed", _("department changed"))
subject_created = Event("subject_created", _("subject registered"))
subject_changed = Event("subject_changed", _("subject changed"))
responsible_person_linked = Event("responsible_person_linked", _("responsible person linked"))
rule_set_created = Event("rule_set_created", _("rule set created"))
rule_set_changed = Event("rule_set_changed", _("rule set changed"))
calendar_override_set = Event("calendar_override_set", _("calendar day set"))
calendar_override_deleted = Event("calendar_override_deleted", _("calendar day removed"))
calendar_year_published = Event("calendar_year_published", _("official calendar of the year entered"))


def object_saved(obj, actor=None, *, created: bool, **fields):
    """A reference record edited by hand in the admin: ``<model>_created`` or ``<model>_changed``.

    One generic event for every catalogue model (subjects here; measures and memoranda in sanctions):
    the model's own app labels its two codes (``register_action_label``)."""
    return record(obj=obj, action=f"{obj._meta.model_name}_{'created' if created else 'changed'}", actor=actor, **fields)


def object_links_changed(obj, actor=None, **fields):
    """A reference record's many-to-many links changed in the admin: ``<model>_links_changed``."""
    return record(obj=obj, action=f"{obj._meta.model_name}_links_changed", actor=actor, **fields)
