"""The order in which sanctions locks its rows: the cases in id order, then their assignments in id order.

Every service that moves a case or an assignment takes its locks through these (or a prefix of
them: the case alone), and an app above locks what it holds first and then these (lists: the
entry, then ``case_lock_order`` of its cases), so two transactions never wait on each other in a
circle.
"""
from django.db.models import QuerySet

from credit_platform.workflow import lock_one, lock_rows
from sanctions.models import Assignment, JointCase


def _cases(**filters) -> QuerySet:
    # The subject, memorandum, rule set and department are read with the case, not locked.
    return JointCase.objects.filter(**filters).select_related("subject", "memorandum", "rule_set", "initiating_department")


def case_lock_order(cases: QuerySet) -> list[QuerySet]:
    """What to lock, in order, to move ``cases`` and their assignments: the cases, then the assignments."""
    return [cases, Assignment.objects.filter(case__in=cases.values("pk"))]


def lock_case(case_id) -> JointCase:
    """Lock one case (its assignments stay free until the service locks them, after the case)."""
    return lock_one(_cases(pk=case_id))


def lock_case_and_assignments(case_id) -> tuple[JointCase, list[Assignment]]:
    """Lock the case, then every assignment of it in id order."""
    cases, assignments = case_lock_order(_cases(pk=case_id))
    case = lock_one(cases)
    return case, lock_rows(assignments)


def lock_assignment(assignment_id) -> Assignment:
    """Lock one assignment (the caller has locked its case first)."""
    return lock_one(Assignment.objects.filter(pk=assignment_id).select_related("department", "target"))
