import datetime
from datetime import date

import chinese_calendar
import holidays
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from credit_platform import calendar
from credit_platform.calendar import DueDate, add_working_days, is_working_day, working_days_between
from credit_platform.models import AuditEvent, CalendarOverride, OfficialCalendarYear, User


@pytest.fixture
def office_user(db):
    return User.objects.create_user(username="calendar-clerk", password="x")


@pytest.fixture
def recomputed(monkeypatch):
    """Registers a recompute function recording the years it is called for (registry restored after)."""
    monkeypatch.setattr(calendar, "_provisional_recomputes", [])
    years = []

    def recompute(year):
        years.append(year)
        return 0

    calendar.register_provisional_recompute(recompute)
    return years


@pytest.mark.django_db
def test_library_knows_the_2026_spring_festival_with_its_make_up_days():
    # The library itself: holidays 15–23 February, make-up working days on Saturdays 14 and 28.
    assert all(chinese_calendar.is_holiday(date(2026, 2, day)) for day in range(15, 24))
    assert chinese_calendar.is_workday(date(2026, 2, 14))
    assert chinese_calendar.is_workday(date(2026, 2, 28))
    assert chinese_calendar.is_workday(date(2026, 2, 24))

    assert is_working_day(date(2026, 2, 14))  # Saturday, make-up day
    assert is_working_day(date(2026, 2, 28))  # Saturday, make-up day
    assert not is_working_day(date(2026, 2, 16))  # Monday, Spring Festival
    assert not is_working_day(date(2026, 2, 23))  # Monday, last day of the holiday
    assert not is_working_day(date(2026, 3, 7))  # an ordinary Saturday


@pytest.mark.django_db
def test_add_working_days_across_the_2026_spring_festival():
    # Friday 13 → the make-up Saturday 14 is the next working day.
    assert add_working_days(date(2026, 2, 13), 1) == DueDate(date(2026, 2, 14), provisional=False)
    # From the make-up Saturday, the holiday is skipped whole.
    assert add_working_days(date(2026, 2, 14), 1) == DueDate(date(2026, 2, 24), provisional=False)
    # Thursday 12 + 5: Fri 13, Sat 14, Tue 24, Wed 25, Thu 26.
    assert add_working_days(date(2026, 2, 12), 5) == DueDate(date(2026, 2, 26), provisional=False)
    # Opened on a holiday: the first working day after it.
    assert add_working_days(date(2026, 2, 17), 1).date == date(2026, 2, 24)
    # Opened on an ordinary Saturday: Monday.
    assert add_working_days(date(2026, 3, 7), 1).date == date(2026, 3, 9)
    assert add_working_days(date(2026, 2, 17), 0) == DueDate(date(2026, 2, 17), provisional=False)


@pytest.mark.django_db
def test_add_working_days_accepts_aware_datetimes_as_local_dates():
    # 2026-02-13 17:30 UTC is already Saturday 14 in Beijing.
    opened = datetime.datetime(2026, 2, 13, 17, 30, tzinfo=datetime.timezone.utc)
    assert timezone.localdate(opened) == date(2026, 2, 14)
    assert add_working_days(opened, 1).date == date(2026, 2, 24)


@pytest.mark.django_db
def test_add_working_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 2, 13), -1)


@pytest.mark.django_db
def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2  # 14, 24
    assert working_days_between(date(2026, 2, 12), date(2026, 2, 28)) == 7  # 13, 14, 24–28
    assert working_days_between(date(2026, 2, 15), date(2026, 2, 23)) == 0
    assert working_days_between(date(2026, 2, 24), date(2026, 2, 24)) == 0
    assert working_days_between(date(2026, 2, 28), date(2026, 2, 12)) == -7
    for n in range(0, 12):
        due = add_working_days(date(2026, 2, 10), n)
        assert working_days_between(date(2026, 2, 10), due.date) == n


@pytest.mark.django_db
def test_database_override_beats_the_library(office_user, recomputed, django_capture_on_commit_callbacks):
    assert is_working_day(date(2026, 2, 24))

    with django_capture_on_commit_callbacks(execute=True):
        override = calendar.calendar_override_set(
            date=date(2026, 2, 24), is_working_day=False, note="local holiday", actor=office_user
        )

    assert not is_working_day(date(2026, 2, 24))
    assert add_working_days(date(2026, 2, 14), 1) == DueDate(date(2026, 2, 25), provisional=False)
    event = AuditEvent.objects.get(object_id=str(override.pk), action="calendar_override_set")
    assert (event.from_state, event.to_state, event.actor) == ("", "holiday", office_user)
    assert recomputed == [2026]


@pytest.mark.django_db
def test_setting_an_override_again_unchanged_writes_nothing(office_user, recomputed, django_capture_on_commit_callbacks):
    calendar.calendar_override_set(date=date(2026, 3, 7), is_working_day=True, note="drill", actor=office_user)
    assert is_working_day(date(2026, 3, 7))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        calendar.calendar_override_set(date=date(2026, 3, 7), is_working_day=True, note="drill", actor=office_user)

    assert callbacks == []
    assert AuditEvent.objects.filter(action="calendar_override_set").count() == 1


@pytest.mark.django_db
def test_deleting_an_override_restores_the_library_day(office_user):
    override = calendar.calendar_override_set(date=date(2026, 2, 24), is_working_day=False, actor=office_user)
    assert not is_working_day(date(2026, 2, 24))

    calendar.calendar_override_delete(override=override, actor=office_user)

    assert is_working_day(date(2026, 2, 24))
    assert not CalendarOverride.objects.exists()
    assert AuditEvent.objects.filter(action="calendar_override_deleted", from_state="holiday").count() == 1


@pytest.mark.django_db
def test_unknown_year_is_provisional_until_published(office_user, recomputed, django_capture_on_commit_callbacks):
    # given: the library does not know 2027; the holidays package guesses its Spring Festival
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 2, 4))
    guessed = holidays.China(years=2027)
    assert date(2027, 2, 5) in guessed and date(2027, 2, 10) in guessed and date(2027, 2, 11) not in guessed
    assert add_working_days(date(2027, 2, 4), 1) == DueDate(date(2027, 2, 11), provisional=True)
    assert calendar.current_calendar().is_year_provisional(2027)

    # when: the office enters the arrangement by hand (illustrative: 5–13 February off, Saturday 20 on)
    days = [(date(2027, 2, 5) + datetime.timedelta(days=i), False, "Spring Festival") for i in range(9)]
    days.append((date(2027, 2, 20), True, "make-up working day"))
    for day, working, note in days:
        calendar.calendar_override_set(date=day, is_working_day=working, note=note, actor=office_user)

    # then: the entered days count, but the rest of the year is still a guess
    assert add_working_days(date(2027, 2, 4), 1) == DueDate(date(2027, 2, 15), provisional=True)

    # when: the year is published
    with django_capture_on_commit_callbacks(execute=True):
        official = calendar.calendar_publish_year(year=2027, source="国办发明电〔2026〕X号", days=days, actor=office_user)

    # then: official, no longer provisional, the make-up Saturday counts, and one recompute ran
    assert add_working_days(date(2027, 2, 4), 1) == DueDate(date(2027, 2, 15), provisional=False)
    assert add_working_days(date(2027, 2, 19), 1) == DueDate(date(2027, 2, 20), provisional=False)
    assert add_working_days(date(2027, 2, 20), 1) == DueDate(date(2027, 2, 22), provisional=False)
    assert not calendar.current_calendar().is_year_provisional(2027)
    assert recomputed == [2027]
    event = AuditEvent.objects.get(object_id=str(official.pk), action="calendar_year_published")
    assert event.actor == office_user
    assert event.extra["holidays"] == 9 and event.extra["make_up_working_days"] == 1
    assert event.extra["overrides_changed"] == 0  # entered beforehand, identical


@pytest.mark.django_db
def test_publishing_writes_the_days_it_is_given(office_user):
    days = [(date(2027, 10, 1) + datetime.timedelta(days=i), False, "National Day") for i in range(7)]
    assert is_working_day(date(2027, 10, 6))  # a Wednesday the provisional calendar does not know as holiday

    calendar.calendar_publish_year(year=2027, source="", days=days, actor=office_user)

    assert CalendarOverride.objects.filter(date__year=2027, is_working_day=False).count() == 7
    assert not is_working_day(date(2027, 10, 6))
    assert is_working_day(date(2027, 10, 8))  # Friday
    assert not is_working_day(date(2027, 10, 9))  # Saturday: official weekday rule, no make-up day entered


@pytest.mark.django_db
def test_publishing_is_refused_without_holidays_or_twice(office_user, recomputed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            calendar.calendar_publish_year(year=2027, source="", days=[], actor=office_user)
    assert callbacks == [] and recomputed == []
    assert not OfficialCalendarYear.objects.exists()

    days = [(date(2027, 1, 1), False, "New Year")]
    calendar.calendar_publish_year(year=2027, source="", days=days, actor=office_user)
    with pytest.raises(ValidationError):
        calendar.calendar_publish_year(year=2027, source="", days=days, actor=office_user)
    with pytest.raises(ValidationError):
        calendar.calendar_publish_year(year=2028, source="", days=days, actor=office_user)  # a 2027 day
    assert OfficialCalendarYear.objects.count() == 1


@pytest.mark.django_db
def test_due_dates_make_one_query_per_call_and_none_on_a_snapshot(django_assert_num_queries, office_user):
    calendar.calendar_override_set(date=date(2026, 12, 31), is_working_day=False, actor=office_user)
    add_working_days(date(2026, 1, 5), 3)  # warm the snapshot

    with django_assert_num_queries(1):
        # 31 December overridden, 1 January 2027 a (provisional) holiday, then the weekend.
        assert add_working_days(date(2026, 12, 30), 1) == DueDate(date(2027, 1, 4), provisional=True)
    cal = calendar.current_calendar()
    with django_assert_num_queries(0):
        for offset in range(1000):
            cal.add_working_days(date(2026, 1, 1) + datetime.timedelta(days=offset % 365), 5)


# --- Admin -------------------------------------------------------------------------------------------


@pytest.fixture
def credit_clerk(dept_user):
    return dept_user(roles=["credit_office"], is_staff=True)


@pytest.mark.django_db
def test_admin_override_is_saved_through_the_service(client, credit_clerk):
    client.force_login(credit_clerk)

    response = client.post(
        reverse("admin:credit_platform_calendaroverride_add"),
        {"date": "2026-02-24", "is_working_day": "", "note": "local holiday"},
    )

    assert response.status_code == 302
    override = CalendarOverride.objects.get(date=date(2026, 2, 24))
    assert override.created_by == credit_clerk and not override.is_working_day
    assert AuditEvent.objects.filter(object_id=str(override.pk), action="calendar_override_set", actor=credit_clerk).exists()
    assert not is_working_day(date(2026, 2, 24))
    changelist = client.get(reverse("admin:credit_platform_calendaroverride_changelist"), {"kind": "holiday"})
    assert changelist.status_code == 200 and "local holiday" in changelist.content.decode()


@pytest.mark.django_db
def test_admin_publishes_a_year_from_the_overrides_entered(client, credit_clerk, recomputed, django_capture_on_commit_callbacks):
    calendar.calendar_override_set(date=date(2027, 2, 8), is_working_day=False, note="Spring Festival", actor=credit_clerk)
    client.force_login(credit_clerk)
    url = reverse("admin:credit_platform_officialcalendaryear_add")

    refused = client.post(url, {"year": "2028", "source": ""})  # nothing entered for 2028
    assert refused.status_code == 200 and not OfficialCalendarYear.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": "2027", "source": "国办发明电〔2026〕X号"})

    assert response.status_code == 302
    official = OfficialCalendarYear.objects.get(year=2027)
    assert AuditEvent.objects.filter(object_id=str(official.pk), action="calendar_year_published", actor=credit_clerk).exists()
    assert recomputed == [2027]
    assert not calendar.current_calendar().is_year_provisional(2027)
    page = client.get(reverse("admin:credit_platform_officialcalendaryear_change", args=[official.pk]))
    assert page.status_code == 200 and "holidays: 1; make-up working days: 0" in page.content.decode()


@pytest.mark.django_db
def test_admin_calendar_is_written_by_the_credit_office_only(client, dept_user):
    other = dept_user(roles=["initiating", "executing"], is_staff=True)
    client.force_login(other)

    assert client.get(reverse("admin:credit_platform_calendaroverride_add")).status_code == 403
    response = client.post(reverse("admin:credit_platform_calendaroverride_add"), {"date": "2026-02-24", "note": "x"})
    assert response.status_code == 403
    assert not CalendarOverride.objects.exists()
