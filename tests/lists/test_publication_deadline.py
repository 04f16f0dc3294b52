"""双公示: a decision is published within 7 working days of its date; the platform keeps the due
date, whether each entry was published by it, and lists those overdue."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lists import selectors, services
from lists.models import ListEntry
from tests.dashboard.conftest import on_day
from tests.factories import make_uscc

FRIDAY = datetime.date(2026, 11, 13)  # + 7 working days: Tuesday 24 November
DUE = datetime.date(2026, 11, 24)


def test_the_due_date_is_seven_working_days_after_the_decision(world):
    entry = world.propose(decided_on=FRIDAY)

    assert entry.publication_due == DUE


def test_the_due_date_skips_the_national_day_holidays(world):
    entry = world.propose(decided_on=datetime.date(2026, 9, 30), decision_number="（2026）甘0702执9号")

    # 1–7 October 2026 are holidays and Saturday 10 October is worked in exchange: 8, 9, 10, 12, 13, 14, 15.
    assert entry.publication_due == datetime.date(2026, 10, 15)


@pytest.mark.parametrize("published_on, on_time", [(DUE, True), (DUE + datetime.timedelta(days=1), False)])
def test_publishing_records_whether_it_was_on_time(world, published_on, on_time):
    with on_day(FRIDAY):
        entry = world.propose(decided_on=FRIDAY)
        entry = services.entry_notify(entry=entry, actor=world.user("court"), method="direct service", notified_on=FRIDAY)

    with on_day(published_on):
        entry = services.entry_publish(entry=ListEntry.objects.get(pk=entry.pk), actor=world.user("court"))

    entry.refresh_from_db()
    assert entry.published_on_time is on_time


def test_overdue_lists_only_unpublished_entries_past_their_date(world):
    today = timezone.localdate()
    overdue = world.propose(decided_on=datetime.date(2026, 10, 9))
    world.propose(decided_on=today, decision_number="（2026）甘0702执124号")  # not yet due
    published = world.published(decision_number="（2026）甘0702执125号")  # decided 40 days ago: published late

    listed = ListEntry.objects.filter(selectors.publication_q("overdue", today=today))

    assert list(listed.values_list("pk", flat=True)) == [overdue.pk]
    assert published.published_on_time is False
    assert list(ListEntry.objects.filter(selectors.publication_q("late")).values_list("pk", flat=True)) == [published.pk]


def test_the_admin_filters_entries_by_their_publication_deadline(world, client):
    overdue = world.propose(decided_on=datetime.date(2026, 10, 9))
    world.propose(decided_on=datetime.date(2026, 10, 9), actor="tax", domain="tax", decision_number="甘税稽罚〔2026〕1号")
    client.force_login(world.user("court"))

    response = client.get(reverse("admin:lists_listentry_changelist"), {"publication": "overdue"})

    assert response.status_code == 200
    assert [e.pk for e in response.context["cl"].result_list] == [overdue.pk]  # the tax bureau's is not the court's to see


def test_imported_entries_carry_the_due_date_and_punctuality(world, api):
    from tests.lists.test_import import csv_bytes, post, row

    recent, old = timezone.localdate(), datetime.date(2026, 10, 9)
    content = csv_bytes([
        row(make_uscc(71001, "620702"), "示范区及时有限公司", number="（2026）甘0702执301号", decided_on=recent),
        row(make_uscc(71002, "620702"), "示范区迟到有限公司", number="（2026）甘0702执302号", decided_on=old),
    ])

    response = post(api("court"), content)

    assert response.status_code in (200, 201), response.content
    entries = {e.decision_number: e for e in ListEntry.objects.filter(decision_number__startswith="（2026）甘0702执30")}
    on_time, late = entries["（2026）甘0702执301号"], entries["（2026）甘0702执302号"]
    assert on_time.publication_due > recent and on_time.published_on_time is True
    assert late.publication_due < recent and late.published_on_time is False


def test_the_identifying_department_is_told_of_overdue_publications_once_a_day(world, django_capture_on_commit_callbacks):
    from credit_platform.models import Notification

    world.propose(decided_on=datetime.date(2026, 10, 9))
    world.propose(decided_on=datetime.date(2026, 10, 12), decision_number="（2026）甘0702执126号")

    with django_capture_on_commit_callbacks(execute=True):
        told = services.entries_publication_overdue_notify()
    with django_capture_on_commit_callbacks(execute=True):
        again = services.entries_publication_overdue_notify()

    assert (told, again) == (1, 0)
    notification = Notification.objects.get(verb="entries_publication_overdue")
    assert notification.department.code == "court" and notification.title.startswith("2 ")
    assert notification.url == "/admin/lists/listentry/?publication=overdue"


def test_a_provisional_due_date_is_recomputed_when_the_calendar_changes(world):
    """As the pushes' due dates: a date computed through a year the official calendar did not know
    yet is recomputed (and audited) when that year's calendar changes; a firm date stays."""
    from credit_platform import calendar
    from credit_platform.models import AuditEvent

    provisional = world.propose(decided_on=FRIDAY)
    firm = world.propose(decided_on=FRIDAY, decision_number="（2026）甘0702执127号")
    # As if computed before the year was known: a guessed date, flagged provisional.
    ListEntry.objects.filter(pk=provisional.pk).update(publication_due=datetime.date(2026, 11, 23), publication_due_provisional=True)
    calendar.calendar_override_set(date=datetime.date(2026, 11, 18), is_working_day=False, note="停电", actor=world.user("credit_office"))

    changed = services.entries_recompute_publication_due(2026)
    again = services.entries_recompute_publication_due(2026)

    provisional.refresh_from_db()
    assert (changed, again) == (1, 0)
    assert (provisional.publication_due, provisional.publication_due_provisional) == (datetime.date(2026, 11, 25), False)
    assert ListEntry.objects.get(pk=firm.pk).publication_due == DUE
    assert AuditEvent.objects.filter(object_id=str(provisional.pk), action="entry_publication_due_recomputed").count() == 1
