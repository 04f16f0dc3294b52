"""The morning deadline scan tells each department, once a day, how many of its pushes are overdue."""
import datetime

from django.db.models import Count

from credit_platform.models import Notification
from sanctions import services
from sanctions.models import Assignment
from sanctions.selectors import overdue_q
from tests.dashboard.conftest import on_day

FRIDAY = datetime.date(2026, 11, 13)


def test_each_department_with_overdue_pushes_is_told_once_a_day(world, django_capture_on_commit_callbacks):
    with on_day(FRIDAY):
        world.pushed_case()
    day = datetime.date(2026, 11, 20)
    overdue = dict(Assignment.objects.filter(overdue_q(day)).values_list("department__code").annotate(n=Count("pk")).order_by())

    with on_day(day, hour=8):
        with django_capture_on_commit_callbacks(execute=True):
            told = services.deadlines_notify_overdue()
        with django_capture_on_commit_callbacks(execute=True):
            again = services.deadlines_notify_overdue()

    assert overdue and told == len(overdue) and again == 0
    notices = {n.department.code: n for n in Notification.objects.filter(verb="assignments_overdue")}
    assert set(notices) == set(overdue)
    for code, n in overdue.items():
        assert notices[code].title.startswith(f"{n} ") and notices[code].url == "/admin/sanctions/assignment/?overdue=yes"
