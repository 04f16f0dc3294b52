"""The scorecard counts punctuality in working days, and time held by an objection does not count."""
import datetime

from sanctions import services
from sanctions.models import Assignment
from supervision import selectors
from tests.dashboard.conftest import on_day

FRIDAY = datetime.date(2026, 11, 13)
MONDAY = datetime.date(2026, 11, 16)
TUESDAY = datetime.date(2026, 11, 17)


def _assignment(case, code):
    return Assignment.objects.get(case=case, department__code=code, target=case.subject)


def _row(world, code, day, **filters):
    scope = selectors.scope_for(user=world.user("leader"), filters=selectors.Filters(**filters), today=day)
    return next(r for r in selectors.scorecard(scope)["rows"] if r["code"] == code)


def _feed_back(world, assignment):
    items = [services.FeedbackItem(measure=m, outcome="applied") for m in assignment.measures.all()]
    services.assignment_feedback(assignment=assignment, actor=world.user(assignment.department.code), items=items)


def test_signing_for_on_the_next_working_day_after_a_weekend_push_is_on_time(world):
    # given a push on Friday: sign for within 1 working day means by Monday
    with on_day(FRIDAY):
        case = world.pushed_case()
    # when finance signs for on Monday and trading on Tuesday
    with on_day(MONDAY):
        services.assignment_acknowledge(assignment=_assignment(case, "finance"), actor=world.user("finance"))
    with on_day(TUESDAY):
        services.assignment_acknowledge(assignment=_assignment(case, "trading"), actor=world.user("trading"))

    # then finance is on time after one working day, trading late after two
    finance = _row(world, "finance", TUESDAY, date_from=FRIDAY, date_to=FRIDAY)
    assert (finance["signed_for_on_time"], finance["signed_for_late"], finance["avg_working_days_to_sign_for"]) == (1, 0, 1.0)
    trading = _row(world, "trading", TUESDAY, date_from=FRIDAY, date_to=FRIDAY)
    assert (trading["signed_for_on_time"], trading["signed_for_late"], trading["avg_working_days_to_sign_for"]) == (0, 1, 2.0)


def test_a_push_is_overdue_only_after_its_working_day_due_date(world):
    with on_day(FRIDAY):
        case = world.pushed_case()

    # Due on Monday: not overdue over the weekend nor on Monday itself, overdue on Tuesday.
    assert _assignment(case, "finance").sign_for_due == MONDAY
    for day, overdue in [(datetime.date(2026, 11, 15), 0), (MONDAY, 0), (TUESDAY, 1)]:
        assert _row(world, "finance", day)["overdue_now"] == overdue, day


def test_time_suspended_by_an_objection_does_not_count_against_the_department(world):
    monday = datetime.date(2026, 11, 2)
    with on_day(monday):
        case = world.pushed_case()
        services.assignment_acknowledge(assignment=_assignment(case, "finance"), actor=world.user("finance"))
    # An objection holds the case from Tuesday to the next Tuesday: 5 working days.
    with on_day(datetime.date(2026, 11, 3)):
        services.case_suspend(case=case, actor=world.user("admin"), reason="objection being verified")
    with on_day(datetime.date(2026, 11, 10)):
        services.case_resume(case=case, actor=world.user("admin"), reason="objection dismissed")
    # Feedback on Thursday the 12th: 8 working days after the push, 3 of them not held (due in 5).
    with on_day(datetime.date(2026, 11, 12)):
        _feed_back(world, _assignment(case, "finance"))

    finance = _assignment(case, "finance")
    assert (finance.suspended_working_days, finance.feedback_working_days, finance.fed_back_on_time) == (5, 3, True)
    row = _row(world, "finance", datetime.date(2026, 11, 12), date_from=monday, date_to=monday)
    assert (row["fed_back_on_time"], row["fed_back_late"], row["avg_working_days_to_feed_back"]) == (1, 0, 3.0)
    # Nor is a held push overdue: trading never signed for, but its due date moved with the hold.
    trading = _row(world, "trading", datetime.date(2026, 11, 10), date_from=monday, date_to=monday)
    assert trading["overdue_now"] == 0


def test_the_date_range_filters_pushes_by_push_date(world):
    with on_day(FRIDAY):
        world.pushed_case()

    assert _row(world, "finance", TUESDAY, date_from=MONDAY)["received"] == 0
    assert _row(world, "finance", TUESDAY, date_to=FRIDAY)["received"] == 1
