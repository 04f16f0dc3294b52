"""The notice to the subject (告知书) of a list entry: the decision's content (国办发〔2020〕49号: facts,
basis, the measures that follow, the conditions for leaving the list, the remedies) as a PDF the
identifying department hands to the subject. Always in Chinese: it is an official document.

Who may fetch it is ``lists.access`` (the entry's readers); the views log a person's look-up.
"""
import datetime
from dataclasses import dataclass

from django.utils import timezone, translation

from credit_platform import pdf
from credit_platform.domains import ListType
from lists.models import EntryState, ListEntry
from sanctions.models import CaseState, JointCase, Measure, Memorandum
from sanctions.services import measures_fitting

TEMPLATE = "lists/notice.html"


@dataclass(frozen=True)
class NoticeMeasures:
    memoranda: list[Memorandum]
    measures: list[Measure]


def notice_measures(entry: ListEntry) -> NoticeMeasures:
    """The measures that follow from the entry: those of its cases (discarded drafts aside), or, before
    any case, those of the active memoranda answering its list and domain that fit the subject."""
    cases = JointCase.objects.filter(list_entry_id=entry.pk).exclude(state=CaseState.DISCARDED)
    memoranda = list(Memorandum.objects.filter(cases__in=cases).distinct().order_by("code"))
    measures = list(Measure.objects.filter(cases__in=cases).distinct().select_related("department").order_by("code"))
    if measures:
        return NoticeMeasures(memoranda, measures)
    memoranda = list(Memorandum.objects.filter(list_type=entry.list_type, domain=entry.domain, is_active=True).order_by("code"))
    fitting = {}
    for memorandum in memoranda:
        for measure in measures_fitting(memorandum=memorandum, subject=entry.subject):
            fitting.setdefault(measure.pk, measure)
    return NoticeMeasures(memoranda, sorted(fitting.values(), key=lambda m: m.code))


def notice_context(entry: ListEntry, *, today: datetime.date | None = None) -> dict:
    follows = notice_measures(entry)
    return {
        "entry": entry,
        "subject": entry.subject,
        "department": entry.identifying_department,
        "reward": entry.list_type == ListType.RED,
        # Before publication the subject is still heard (陈述申辩): the notice says for how long.
        "heard": entry.state in (EntryState.PROPOSED, EntryState.NOTIFIED),
        "statement_days": entry.rule_set.statement_window_days,
        "memoranda": follows.memoranda,
        "measures": follows.measures,
        "today": today or timezone.localdate(),
    }


def entry_notice_pdf(entry: ListEntry) -> bytes:
    """The notice of ``entry`` as PDF bytes (in Chinese, whatever the caller's language)."""
    with translation.override("zh-hans"):
        return pdf.render_pdf(TEMPLATE, notice_context(entry))


def notice_filename(entry: ListEntry) -> str:
    return f"notice-{entry.pk}.pdf"
