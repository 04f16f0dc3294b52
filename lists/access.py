"""Who may see and do what with list entries. The one place that decides.

Object permissions are guardian rows on the direct foreign-key table ``ListEntryGroupObjectPermission``:
``manage_listentry`` on an entry for its identifying department's group (one row per entry).
- the credit office sees and manages every entry; the leadership office reads every entry;
- the identifying department sees and manages its own entries in every state;
- every other department sees the entries on the list: published, and suspended (under verification).
The admin, the API, the services and the transitions' ``permission=`` callables ask these functions.
"""
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404

from credit_platform.permissions import can_see_everything, department_of, is_credit_office, is_department_member, permission_id
from credit_platform.permissions import department_group_id as _group_id
from lists.models import EntryState, ListEntry, ListEntryGroupObjectPermission, may_manage_entry

# States every department may read: the entry is on the list (suspended = marked under verification).
ON_THE_LIST = [EntryState.PUBLISHED, EntryState.SUSPENDED]


def _manage_exists(group_id) -> Exists:
    # The (group, permission, content_object) unique index of the permission table answers it.
    return Exists(
        ListEntryGroupObjectPermission.objects.filter(
            content_object=OuterRef("pk"), group_id=group_id, permission_id=permission_id(ListEntry, "manage_listentry")
        )
    )


def entries_for_user(user) -> QuerySet[ListEntry]:
    """Entries the user's department may see: every one for supervisors, its own, and those on the list."""
    entries = ListEntry.objects.all()
    if can_see_everything(user):
        return entries
    group_id = _group_id(user)
    if group_id is None:
        return entries.none()
    return entries.filter(Q(state__in=ON_THE_LIST) | Q(_manage_exists(group_id)))


def with_caller_manages(queryset: QuerySet[ListEntry], user) -> QuerySet[ListEntry]:
    """Annotate ``caller_manages``: whether ``user`` may run the entry's transitions (one subquery, no extra query)."""
    if is_credit_office(user):
        return queryset.annotate(caller_manages=Value(True, output_field=BooleanField()))
    group_id = _group_id(user)
    if group_id is None:
        return queryset.annotate(caller_manages=Value(False, output_field=BooleanField()))
    return queryset.annotate(caller_manages=_manage_exists(group_id))


def entry_get_for_user(*, user, entry_id, queryset=None) -> ListEntry:
    """The entry, or Http404 both when it does not exist and when the user may not see it."""
    try:
        return (queryset if queryset is not None else entries_for_user(user)).get(pk=entry_id)
    except (ListEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such list entry.") from None


def can_propose(user) -> bool:
    """Identify a subject (propose an entry): a department with the initiating role, or the credit office."""
    if is_credit_office(user):
        return True
    if not is_department_member(user):
        return False
    department = department_of(user)
    return department is not None and department.is_initiating


def can_manage_entry(user, entry: ListEntry) -> bool:
    """Notify, record the statement, publish, withdraw, remove: the identifying department and the credit office."""
    return may_manage_entry(entry, user)


def subjects_with_work(department_id: int) -> QuerySet:
    """The subjects a department has work about here (credit_platform.selectors' need-to-know scope):
    those of the list entries it identified."""
    return ListEntry.objects.filter(identifying_department_id=department_id).values_list("subject_id", flat=True)
