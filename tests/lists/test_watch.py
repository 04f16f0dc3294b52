"""The watch list (重点关注): several domains flag a subject; a severe dishonesty during the watch
period of any live watch entry leads to a black-list proposal (RULES.md, issue 17 item 3)."""
import datetime

import pytest

from credit_platform.models import AuditEvent, Notification
from lists import access, services
from lists.models import EntryState, ListEntry
from tests.lists.conftest import days_ago

WATCHES = [("tax", "tax", "税罚〔2026〕1号"), ("ecology", "environment", "环罚〔2026〕2号"), ("hrss", "labour", "人社罚〔2026〕3号")]


def publish_watch(world, actor, domain, number, severity="general", decided_on=None):
    return world.published(actor=actor, list_type="watch", severity=severity, domain=domain, decision_number=number, decided_on=decided_on)


def test_watch_entries_in_three_domains_flag_the_subject_and_tell_the_leadership_office(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for actor, domain, number in WATCHES[:2]:
            publish_watch(world, actor, domain, number)
    company = world.company
    company.refresh_from_db()
    assert not company.is_watch_flagged
    # A second entry in a domain already counted does not count twice.
    with django_capture_on_commit_callbacks(execute=True):
        publish_watch(world, "tax", "tax", "税罚〔2026〕9号")
    company.refresh_from_db()
    assert not company.is_watch_flagged
    with django_capture_on_commit_callbacks(execute=True):
        publish_watch(world, *WATCHES[2])
    company.refresh_from_db()
    assert company.is_watch_flagged
    told = Notification.objects.filter(verb="subject_watch_flagged")
    assert list(told.values_list("department__code", flat=True)) == ["leadership_office"]
    assert AuditEvent.objects.filter(stream=f"credit_platform.subject:{company.pk}", action="subject_watch_flagged").count() == 1
    # No black-list proposal: none of these was severe.
    assert not ListEntry.objects.filter(list_type="black").exists()


def test_removing_a_watch_entry_lowers_the_flag(world):
    entries = [publish_watch(world, *row) for row in WATCHES]
    company = world.company
    company.refresh_from_db()
    assert company.is_watch_flagged
    services.entry_remove(entry=entries[0], actor=world.user("tax"), reason="repaired")
    company.refresh_from_db()
    assert not company.is_watch_flagged


def test_a_severe_entry_of_a_flagged_subject_proposes_a_black_list_entry(world, django_capture_on_commit_callbacks):
    for row in WATCHES:
        publish_watch(world, *row)
    with django_capture_on_commit_callbacks(execute=True):
        severe = publish_watch(world, "emergency", "work_safety", "应急罚〔2026〕4号", severity="severe")
    black = ListEntry.objects.get(list_type="black")
    assert black.state == EntryState.PROPOSED
    assert (black.subject, black.domain, black.basis, black.decided_on) == (severe.subject, severe.domain, severe.basis, severe.decided_on)
    assert black.decision_number == severe.decision_number
    assert black.severity == "severe"
    assert black.identifying_department.code == "emergency"
    assert access.can_manage_entry(world.user("emergency"), black)
    assert Notification.objects.filter(verb="entry_black_proposed", department__code="emergency").count() == 1
    assert AuditEvent.objects.get(stream=f"lists.listentry:{black.pk}", action="entry_proposed").extra["from_watch_entry"] == severe.pk


def test_the_black_proposal_gets_a_suffixed_number_when_a_withdrawn_one_holds_the_decision(world):
    for row in WATCHES:
        publish_watch(world, *row)
    number = "应急罚〔2026〕5号"
    earlier = world.notified(actor="emergency", list_type="black", domain="work_safety", decision_number=number)
    services.entry_withdraw(entry=earlier, actor=world.user("emergency"), reason="申辩成立")
    publish_watch(world, "emergency", "work_safety", number, severity="severe")
    proposal = ListEntry.objects.get(list_type="black", state=EntryState.PROPOSED)
    assert proposal.decision_number == f"{number}-black"


def test_a_severe_entry_of_a_subject_on_no_other_watch_entry_proposes_nothing(world):
    # Its own watch entry is not a watch period "during" which it happened.
    publish_watch(world, "emergency", "work_safety", "应急罚〔2026〕6号", severity="severe")
    assert not ListEntry.objects.filter(list_type="black").exists()


def test_a_severe_dishonesty_during_one_watch_period_proposes_a_black_entry(world, django_capture_on_commit_callbacks):
    """Not flagged (one domain only): the rule as written still applies."""
    watch = publish_watch(world, "tax", "tax", "税罚〔2026〕1号", decided_on=days_ago(60))
    with django_capture_on_commit_callbacks(execute=True):
        severe = publish_watch(world, "emergency", "work_safety", "应急罚〔2026〕7号", severity="severe", decided_on=days_ago(40))
    world.company.refresh_from_db()
    assert not world.company.is_watch_flagged
    black = ListEntry.objects.get(list_type="black")
    assert (black.state, black.severity, black.domain, black.decision_number) == (EntryState.PROPOSED, "severe", "work_safety", severe.decision_number)
    assert black.identifying_department.code == "emergency"
    proposed = AuditEvent.objects.get(stream=f"lists.listentry:{black.pk}", action="entry_proposed").extra
    assert proposed["watch_rule"]["watch_entries"] == [watch.pk] and proposed["from_watch_entry"] == severe.pk
    told = Notification.objects.filter(verb="entry_black_proposed")
    assert sorted(told.values_list("department__code", flat=True)) == ["emergency", "tax"]
    assert watch.decision_number in told.first().body


@pytest.mark.parametrize("case", ["general", "before_the_watch", "after_the_watch", "watch_removed", "same_decision", "watch_not_published"])
def test_no_black_proposal_outside_the_rule(world, case):
    watch_decided = days_ago(60)
    if case == "watch_not_published":
        world.notified(actor="tax", list_type="watch", severity="general", domain="tax", decision_number="税罚〔2026〕1号", decided_on=watch_decided)
    else:
        watch = publish_watch(world, "tax", "tax", "税罚〔2026〕1号", decided_on=watch_decided)
    if case == "watch_removed":
        services.entry_remove(entry=watch, actor=world.user("tax"), reason="revoked")
    if case == "after_the_watch":
        ListEntry.objects.filter(pk=watch.pk).update(publication_ends_on=days_ago(50))
    severe_decided = {"before_the_watch": watch_decided - datetime.timedelta(days=1)}.get(case, days_ago(40))
    number = "税罚〔2026〕1号" if case == "same_decision" else "应急罚〔2026〕8号"
    publish_watch(world, "emergency", "work_safety", number, severity="general" if case == "general" else "severe", decided_on=severe_decided)
    assert not ListEntry.objects.filter(list_type="black").exists()
    assert not Notification.objects.filter(verb="entry_black_proposed").exists()


def test_a_severe_black_entry_during_a_watch_period_is_itself_the_black_list(world):
    publish_watch(world, "tax", "tax", "税罚〔2026〕1号", decided_on=days_ago(60))
    black = world.published()  # severe, by the court
    assert list(ListEntry.objects.filter(list_type="black").values_list("pk", flat=True)) == [black.pk]


def test_the_records_app_applies_the_rule_to_a_severe_dishonesty_record(world, django_capture_on_commit_callbacks):
    watch = publish_watch(world, "tax", "tax", "税罚〔2026〕1号", decided_on=days_ago(60))
    common = dict(subject=world.company, decided_on=days_ago(10), domain="environment", basis="《中华人民共和国环境保护法》第五十九条",
                  decision_number="环罚〔2026〕9号", department=world.department("ecology"), source_description="行政处罚 · 严重 · 环罚〔2026〕9号",
                  actor=world.user("ecology"), source={"record": 1})
    assert services.watch_rule_apply(severity="general", **common) is None
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.watch_rule_apply(severity="severe", **common)
    assert (proposal.list_type, proposal.state, proposal.identifying_department.code) == ("black", EntryState.PROPOSED, "ecology")
    assert AuditEvent.objects.get(stream=f"lists.listentry:{proposal.pk}", action="entry_proposed").extra["record"] == 1
    assert sorted(Notification.objects.filter(verb="entry_black_proposed").values_list("department__code", flat=True)) == ["ecology", "tax"]
    # Applied again (a redelivered call): the decision is already proposed for the black list.
    assert services.watch_rule_apply(severity="severe", **common) is None
    assert ListEntry.objects.filter(list_type="black").count() == 1
    assert watch.pk in AuditEvent.objects.get(stream=f"lists.listentry:{proposal.pk}", action="entry_proposed").extra["watch_rule"]["watch_entries"]
