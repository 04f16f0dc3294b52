"""The public 双公示 query (信用网站 ``/credit/records/`` and ``GET /api/v1/public/records/?q=``).

What the public sees (RULES.md "Personal information", "Licensing and penalty decisions"):
- published licensing and penalty records of public types whose publication has not ended; never a
  draft, suspended (objection being verified) or removed record, nor a non-public type's;
- persons masked as on the list search (family name; first 6 and last 4 characters of the ID at
  most); never a record of a natural person under 18 on the day of the query; a person's record
  shows the decision, not its content (the type's fields may hold details no public page shows);
- the query is never in a URL in clear: the page takes it by POST, and its pagination links (and
  the API's next/previous links) carry it signed (``t``).
``public_records`` and ``public_row`` are shared by the page and the API.
"""
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from credit_platform import identifiers
from credit_platform.models import SubjectKind
from credit_platform.public_filing import throttled
from lists import labels
from lists.public import (
    DEFAULT_PAGE_RATE,
    QueryError,
    clean_query,
    matching_subjects,
    publishable_subjects_q,
    query_from_token,
    query_token,
    render_search,
)
from records.models import CreditRecord, RecordKind, RecordState

PUBLIC_KINDS = tuple(RecordKind.published_by_deadline())
KIND_LABELS = {RecordKind.LICENSING: "行政许可", RecordKind.PENALTY: "行政处罚"}
SEVERITY_LABELS = {"minor": "轻微", "general": "一般", "severe": "严重"}

__all__ = ["PUBLIC_KINDS", "QueryError", "clean_query", "on_public_site", "public_records", "record_matching_publicly", "public_row", "query_from_token", "query_token", "search"]


def on_public_site(records: QuerySet[CreditRecord], today=None) -> QuerySet[CreditRecord]:
    """Those of ``records`` the public 双公示 query shows: published (not suspended, not removed)
    licensing and penalty records of public types whose publication has not ended, never a minor's."""
    today = today or timezone.localdate()
    return (
        records.filter(state=RecordState.PUBLISHED, record_type__public=True, record_type__kind__in=PUBLIC_KINDS)
        .filter(Q(publication_ends_on__isnull=True) | Q(publication_ends_on__gte=today))
        .filter(publishable_subjects_q(today))
    )


def record_matching_publicly(*, identifier: str, name: str, decision_number: str) -> CreditRecord | None:
    """The record the public query shows (``on_public_site``) with this decision number, of the
    subject with this identifier *and* exactly this name; None whatever does not match. For the
    public objection and repair filings (``target=record``), which answer every mismatch alike."""
    records = CreditRecord.objects.filter(
        subject__identifier=identifiers.normalise(identifier),
        subject__name=(name or "").strip(),
        decision_number=(decision_number or "").strip(),
    )
    return on_public_site(records).select_related("subject", "record_type", "department", "rule_set").order_by("pk").first()


def public_records(*, q: str, today=None) -> QuerySet[CreditRecord]:
    """Records the public may see that match ``q``: the exact identifier (after normalising), or part of the name.

    Bounded: one query for the page (subject, type and department joined), one for the count.
    Uses the (state, -decided_on) index and the subject's unique identifier index.
    """
    records = (
        on_public_site(CreditRecord.objects.all(), today=today)
        .select_related("subject", "record_type", "department")
        .only(
            "pk", "decision_number", "decided_on", "severity", "basis", "content", "valid_until", "publication_ends_on", "published_on",
            "source_region", "subject__kind", "subject__name", "subject__identifier", "record_type__name", "record_type__kind", "record_type__fields",
            "department__name",
        )
        .order_by("-decided_on", "-pk")
    )
    return matching_subjects(records, q)


def public_row(record: CreditRecord) -> dict:
    """The masked, public form of a record: nothing else of the record or its subject leaves the platform."""
    subject, record_type = record.subject, record.record_type
    person = subject.kind == SubjectKind.NATURAL_PERSON
    content = [] if person else [
        {"label": field["label"], "value": str(record.content[field["name"]])}
        for field in record_type.fields or [] if record.content.get(field["name"]) not in (None, "")
    ]
    return {
        "name": identifiers.mask_person_name(subject.name) if person else subject.name,
        "identifier": identifiers.mask_identifier(subject.identifier),
        "subject_kind": labels.label(labels.KIND, subject.kind),
        "kind": record_type.kind,
        "kind_label": KIND_LABELS.get(record_type.kind, record_type.kind),
        "record_type": record_type.name,
        "decision_number": record.decision_number,
        "decided_on": record.decided_on,
        "severity": record.severity,
        "severity_label": SEVERITY_LABELS.get(record.severity, ""),
        "basis": record.basis,
        "content": content,
        "department": record.department.name,
        "valid_until": record.valid_until,
        "publication_ends_on": record.publication_ends_on,
        "source_region": record.source_region,  # decided in another region (exchange): shown on the page
    }


def page_throttled(request) -> bool:
    """The page's limit per address and minute, in the shared cache (as the list search's)."""
    return throttled(request, "records-search", "CREDIT_PUBLIC_SEARCHES_PER_MINUTE", DEFAULT_PAGE_RATE)


@require_http_methods(["GET", "POST"])
def search(request):
    """``/credit/records/``: the form; the query POSTed (or signed in ``t`` on the pagination links)."""
    if request.method == "POST":
        raw, page_number = request.POST.get("q"), 1
    else:
        raw, page_number = (query_from_token(request.GET["t"]) if request.GET.get("t") else None), request.GET.get("page")
    return render_search(request, template="credit/records.html", raw=raw, results=public_records, row=public_row,
                         throttle=page_throttled, page_number=page_number)
