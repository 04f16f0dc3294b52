"""An accepted objection holds the entry: its repair date and publication end move by the working days held."""
import datetime

from credit_platform import calendar
from credit_platform.models import AuditEvent
from credit_platform.rules import entry_periods
from lists import services
from lists.models import EntryState
from objections import services as objection_services
from objections.models import Objection


def _later(monkeypatch, days: int) -> datetime.date:
    later = datetime.date.today() + datetime.timedelta(days=days)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: later)
    return later


def test_a_dismissed_objection_moves_both_periods_by_the_working_days_held(world, monkeypatch):
    entry = world.published()
    repair_before, end_before = entry.repair_possible_from, entry.publication_ends_on
    objection = objection_services.objection_file(
        subject=entry.subject, list_entry=entry, grounds="判决已履行", contact="0936-1234567", channel=Objection.Channel.PUBLIC,
    )
    objection_services.objection_accept(objection=objection, actor=world.user("court"))
    entry.refresh_from_db()
    assert entry.state == EntryState.SUSPENDED and entry.suspended_on == datetime.date.today()

    # given: verified over the next 9 calendar days
    later = _later(monkeypatch, 9)
    held = calendar.working_days_between(datetime.date.today(), later)
    assert held > 0
    # when
    objection_services.objection_dismiss(objection=objection, actor=world.user("court"), reason="记录准确")
    # then
    entry.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED and entry.suspended_on is None
    assert entry.held_working_days == held
    assert entry.repair_possible_from == calendar.add_working_days(repair_before, held).date
    assert entry.publication_ends_on == calendar.add_working_days(end_before, held).date
    event = AuditEvent.objects.get(stream=f"lists.listentry:{entry.pk}", action="entry_resumed")
    assert event.extra["held_working_days"] == held
    assert event.extra["publication_ends_on"] == [end_before.isoformat(), entry.publication_ends_on.isoformat()]
    assert event.extra["repair_possible_from"] == [repair_before.isoformat(), entry.repair_possible_from.isoformat()]


def test_a_hold_lifted_the_same_day_moves_nothing(world):
    entry = world.published()
    before = (entry.repair_possible_from, entry.publication_ends_on)
    services.entry_suspend(entry=entry, actor=world.user("court"), reason="异议核查中")
    entry = services.entry_resume(entry=entry, actor=world.user("court"), reason="异议不成立")
    assert (entry.repair_possible_from, entry.publication_ends_on) == before
    assert entry.held_working_days == 0


def test_holds_add_up_and_a_later_correction_keeps_them(world, monkeypatch):
    entry = world.published()
    services.entry_suspend(entry=entry, actor=world.user("court"), reason="异议核查中")
    later = _later(monkeypatch, 7)
    first = calendar.working_days_between(datetime.date.today(), later)
    services.entry_resume(entry=entry, actor=world.user("court"), reason="异议不成立")
    services.entry_suspend(entry=entry, actor=world.user("court"), reason="再次异议")
    _later(monkeypatch, 14)
    second = calendar.working_days_between(later, later + datetime.timedelta(days=7))
    entry = services.entry_resume(entry=entry, actor=world.user("court"), reason="异议不成立")
    assert entry.held_working_days == first + second

    # A correction of the severity recomputes the periods from the decision date, the holds still counted.
    entry = services.entry_correct(entry=entry, actor=world.user("court"), corrections={"severity": "general"}, reason="更正")
    repair, end = entry_periods(entry.rule_set, "general", entry.decided_on)
    held = first + second
    assert entry.repair_possible_from == calendar.add_working_days(repair, held).date
    assert entry.publication_ends_on == calendar.add_working_days(end, held).date
