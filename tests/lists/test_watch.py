"""The watch list (重点关注): several domains flag a subject; severe dishonesty then leads to a black-list proposal."""
from credit_platform.models import AuditEvent, Notification
from lists import services
from lists.models import EntryState, ListEntry

WATCHES = [("tax", "tax", "税罚〔2026〕1号"), ("ecology", "environment", "环罚〔2026〕2号"), ("hrss", "labour", "人社罚〔2026〕3号")]


def publish_watch(world, actor, domain, number, severity="general"):
    return world.published(actor=actor, list_type="watch", severity=severity, domain=domain, decision_number=number)


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
    from lists import access

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


def test_a_severe_entry_of_an_unflagged_subject_proposes_nothing(world):
    publish_watch(world, "emergency", "work_safety", "应急罚〔2026〕6号", severity="severe")
    assert not ListEntry.objects.filter(list_type="black").exists()
