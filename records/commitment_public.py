"""信用承诺公示: the public commitments on the credit website (``/credit/commitments/`` and
``GET /api/v1/public/commitments/?q=``), searched as the 双公示 query is (``records.public``).

What the public sees (RULES.md "Credit commitments": public unless the type says otherwise): the
commitments marked ``public`` (by kind, ``PUBLIC_BY_KIND``: never a repair commitment), in force,
fulfilled or breached; persons masked as on the list search and never a minor's; a person's row
shows the matter, not what was promised (it may hold personal details); the business reference
and the clerks are never shown. The query is never in a URL in clear (POST, then signed ``t``).
"""
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from credit_platform import identifiers
from credit_platform.models import SubjectKind
from credit_platform.public_filing import throttled
from lists import labels
from lists.public import DEFAULT_PAGE_RATE, matching_subjects, publishable_subjects_q, query_from_token, render_search
from records.commitment_models import Commitment, CommitmentKind, CommitmentState

KIND_LABELS = {
    CommitmentKind.NOTICE_COMMITMENT: "告知承诺",
    CommitmentKind.REPAIR: "信用修复承诺",
    CommitmentKind.INDUSTRY: "行业自律承诺",
    CommitmentKind.VOLUNTARY: "主动型承诺",
}
STATE_LABELS = {
    CommitmentState.IN_FORCE: "履行中",
    CommitmentState.FULFILLED: "已履行",
    CommitmentState.BREACHED: "未履行（违诺）",
}


def public_commitments(*, q: str, today=None):
    """Public commitments whose subject matches ``q`` (exact identifier or part of the name); no minors.
    Bounded: one query for the page (subject and department joined), one for the count."""
    today = today or timezone.localdate()
    commitments = (
        Commitment.objects.filter(public=True)
        .filter(publishable_subjects_q(today))
        .select_related("subject", "department")
        .only("pk", "kind", "matter", "promised", "due_on", "state", "created_at", "breached_on", "subject__kind", "subject__name",
              "subject__identifier", "department__name")
        .order_by("-created_at", "-pk")
    )
    return matching_subjects(commitments, q)


def public_commitment_row(commitment: Commitment) -> dict:
    """The masked, public form of a commitment."""
    subject = commitment.subject
    person = subject.kind == SubjectKind.NATURAL_PERSON
    return {
        "name": identifiers.mask_person_name(subject.name) if person else subject.name,
        "identifier": identifiers.mask_identifier(subject.identifier),
        "subject_kind": labels.label(labels.KIND, subject.kind),
        "kind": commitment.kind,
        "kind_label": KIND_LABELS.get(commitment.kind, commitment.kind),
        "matter": commitment.matter,
        "promised": "" if person else commitment.promised,
        "department": commitment.department.name,
        "committed_on": timezone.localdate(commitment.created_at),
        "due_on": commitment.due_on,
        "state": commitment.state,
        "state_label": STATE_LABELS.get(commitment.state, commitment.state),
        "breached_on": commitment.breached_on,
    }


def page_throttled(request) -> bool:
    return throttled(request, "commitments-search", "CREDIT_PUBLIC_SEARCHES_PER_MINUTE", DEFAULT_PAGE_RATE)


@require_http_methods(["GET", "POST"])
def search(request):
    """``/credit/commitments/``: the form; the query POSTed (or signed in ``t`` on the pagination links)."""
    if request.method == "POST":
        raw, page_number = request.POST.get("q"), 1
    else:
        raw, page_number = (query_from_token(request.GET["t"]) if request.GET.get("t") else None), request.GET.get("page")
    return render_search(request, template="credit/commitments.html", raw=raw, results=public_commitments, row=public_commitment_row,
                         throttle=page_throttled, page_number=page_number)
