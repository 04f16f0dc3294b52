"""A list entry as the origin of a joint case (credit_platform.origins), registered by ListsConfig.ready().

Sanctions keeps a case's entry by id; lists builds the CaseOrigin a case copies (its subject and
severity), checks an id a caller gives, and names an entry for the case's page.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from credit_platform.domains import ListType, MeasureKind
from credit_platform.origins import LIST_ENTRY, CaseOrigin
from lists import access
from lists.models import EntryState, ListEntry

# The kind of joint case an entry of each list opens (or may rest on).
CASE_KIND_FOR_LIST = {ListType.BLACK: MeasureKind.PUNISHMENT, ListType.RED: MeasureKind.REWARD}


def entry_case_origin(entry: ListEntry) -> CaseOrigin:
    """What a case opened from ``entry`` keeps of it."""
    return CaseOrigin(kind=LIST_ENTRY, pk=entry.pk, subject_id=entry.subject_id, severity=entry.severity, ends_on=entry.publication_ends_on)


def entry_case_origin_resolve(pk, *, user, case_kind: str) -> CaseOrigin:
    """The entry ``pk`` as the basis of a case of ``case_kind`` opened by ``user``: one the user's
    department may see, on the list (published), of the list that answers the case's kind."""
    try:
        entry = access.entries_for_user(user).only("pk", "subject_id", "severity", "state", "list_type", "publication_ends_on").filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        entry = None
    if entry is None:
        raise ValidationError(_("No list entry with this id that your department may see."))
    if entry.state != EntryState.PUBLISHED:
        raise ValidationError(
            _("Only a published list entry can be a case's basis; this one is %(state)s.") % {"state": EntryState(entry.state).label}
        )
    if CASE_KIND_FOR_LIST.get(entry.list_type) != case_kind:
        raise ValidationError(_("A joint punishment rests on a black-list entry, a joint reward on a red-list entry."))
    return entry_case_origin(entry)


def entry_label(pk) -> str:
    """How a case's page names its entry ("" when there is none with this id)."""
    entry = ListEntry.objects.select_related("subject").filter(pk=pk).first()
    return str(entry) if entry is not None else ""
