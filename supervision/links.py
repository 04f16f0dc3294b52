"""The admin change page of what supervision shows (the admin applies the same access functions):
one place that knows which admin page each kind of row opens, through the core's ``admin_url``."""
from credit_platform.admin.actions import admin_url
from objections.models import Objection
from repair.models import RepairApplication
from sanctions.models import Assignment
from supervision.models import SupervisedKind

# The change page (admin URL name) of each kind of supervised work.
CHANGE_PAGES = {
    SupervisedKind.ASSIGNMENT: "sanctions_assignment_change",
    SupervisedKind.OBJECTION: "objections_objection_change",
    SupervisedKind.REPAIR: "repair_repairapplication_change",
}
# The change page of each dashboard table's rows (``supervision.tables.COLUMNS``' kinds).
TABLE_PAGES = {
    "cases": "sanctions_jointcase_change",
    "assignments": CHANGE_PAGES[SupervisedKind.ASSIGNMENT],
    "initiator_assignments": CHANGE_PAGES[SupervisedKind.ASSIGNMENT],
    "objections": CHANGE_PAGES[SupervisedKind.OBJECTION],
    "repairs": CHANGE_PAGES[SupervisedKind.REPAIR],
    "records": "records_creditrecord_change",
}


def item_admin_url(kind: str, pk) -> str:
    """The change page of a supervised item (a push, an objection, a repair application)."""
    return admin_url(CHANGE_PAGES[kind], pk)


def row_admin_url(table: str, obj) -> str:
    """The change page a dashboard table's row opens: a feedback record opens its push, an urge what was urged."""
    if table == "feedback":
        return item_admin_url(SupervisedKind.ASSIGNMENT, obj.assignment_id)
    if table == "urges":
        if obj.assignment_id:
            return item_admin_url(SupervisedKind.ASSIGNMENT, obj.assignment_id)
        if obj.objection_id:
            return item_admin_url(SupervisedKind.OBJECTION, obj.objection_id)
        return item_admin_url(SupervisedKind.REPAIR, obj.repair_id)
    return admin_url(TABLE_PAGES[table], obj.pk)


def item_labels(items) -> dict:
    """``{(kind, pk): label}`` of supervised items as a person names them: a push by its case number,
    an objection or a repair by its receipt number. One query per kind present, whatever the count."""
    wanted = {}
    for kind, pk in items:
        wanted.setdefault(kind, set()).add(pk)
    labels = {}
    if wanted.get(SupervisedKind.ASSIGNMENT):
        rows = Assignment.objects.filter(pk__in=wanted[SupervisedKind.ASSIGNMENT]).values_list("pk", "case__number")
        labels |= {(SupervisedKind.ASSIGNMENT, pk): number for pk, number in rows}
    if wanted.get(SupervisedKind.OBJECTION):
        rows = Objection.objects.filter(pk__in=wanted[SupervisedKind.OBJECTION]).values_list("pk", "receipt_number")
        labels |= {(SupervisedKind.OBJECTION, pk): number for pk, number in rows}
    if wanted.get(SupervisedKind.REPAIR):
        rows = RepairApplication.objects.filter(pk__in=wanted[SupervisedKind.REPAIR]).values_list("pk", "receipt_number")
        labels |= {(SupervisedKind.REPAIR, pk): number for pk, number in rows}
    return labels
