"""The public credit website (/credit/): search the published red and black lists, masked.

What the public sees (RULES.md, personal information):
- entries of the red and black lists that are published, or suspended (shown "under verification");
  never the watch list, never proposed, notified, withdrawn or removed entries, nor an entry whose
  publication period has ended;
- never a person's full ID number (first 6 and last 4 characters at most), never a person's full name,
  and never an entry of a natural person under 18 on the day of the query; an organisation's unified
  social credit code is public in full (as on 信用中国);
- no address, contact, bank account or health data (the entry holds none; nothing else is read).

``public_entries`` and ``public_row`` are shared by the page and ``GET /api/v1/public/list-entries/``.
The query never appears in a URL in clear: the page's form is POSTed and answered by a redirect to
the signed query (``t``), which the pagination links carry too; the page puts it back in the search
box (escaped), where only the person who typed it sees it. Each result offers 提出异议 and 申请信用修复
through a signed token of the entry (``entry``: the entry's row number, never the subject's code);
the forms prefill what the public page already shows (a person's name and ID are still typed in).
"""
import re

from dateutil.relativedelta import relativedelta
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from credit_platform import identifiers
from credit_platform.public_filing import throttled
from credit_platform.domains import ListType
from credit_platform.models import SubjectKind
from lists import labels
from lists.models import EntryState, ListEntry

PUBLIC_LISTS = (ListType.RED, ListType.BLACK)
PUBLIC_STATES = (EntryState.PUBLISHED, EntryState.SUSPENDED)
ADULT_AGE = 18
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
PAGE_SIZE = 20
TOKEN_SALT = "lists.public.search"
ENTRY_TOKEN_SALT = "lists.public.entry"
IDENTIFIER_RE = re.compile(r"^[0-9A-Z]{18}$")
# Searches per minute and address on the HTML page (the API has DRF's "public" throttle).
DEFAULT_PAGE_RATE = 60


class QueryError(ValueError):
    """A query the search refuses (too short or too long); the message is for the public."""


def clean_query(q: str | None) -> str:
    q = (q or "").strip()
    if len(q) < MIN_QUERY_LENGTH:
        raise QueryError(f"请输入至少 {MIN_QUERY_LENGTH} 个字符的名称，或完整的统一社会信用代码、身份证号码。")
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryError(f"查询内容最多 {MAX_QUERY_LENGTH} 个字符。")
    return q


def query_token(q: str) -> str:
    """The query for pagination links, signed and encoded, so no page or answer carries it in clear."""
    return signing.dumps(q, salt=TOKEN_SALT, compress=True)


def query_from_token(token: str) -> str:
    try:
        return signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return ""


def public_entries(*, q: str, today=None) -> QuerySet[ListEntry]:
    """Entries the public may see that match ``q``: the exact identifier (after normalising), or part of the name.

    Bounded: one query for the page (subject and department joined), one for the count.
    Uses the (list_type, state, -decided_on) index and the subject's unique identifier index.
    """
    entries = public_entries_all(today=today)
    identifier = identifiers.normalise(q)
    if IDENTIFIER_RE.match(identifier):
        return entries.filter(subject__identifier=identifier)
    return entries.filter(subject__name__icontains=q)


def public_entries_all(*, today=None) -> QuerySet[ListEntry]:
    """Every entry the public may see today (the rules above), newest first."""
    today = today or timezone.localdate()
    born_by = today - relativedelta(years=ADULT_AGE)  # a person born after this day is a minor today
    return (
        ListEntry.objects.filter(list_type__in=PUBLIC_LISTS, state__in=PUBLIC_STATES, publication_ends_on__gte=today)
        .filter(Q(subject__kind__in=SubjectKind.organisations()) | Q(subject__kind=SubjectKind.NATURAL_PERSON, subject__birth_date__lte=born_by))
        .select_related("subject", "identifying_department")
        .only(
            "pk", "list_type", "domain", "basis", "decision_number", "decided_on", "publication_ends_on", "state",
            "subject__kind", "subject__name", "subject__identifier", "identifying_department__name",
        )
        .order_by("-decided_on", "-pk")
    )


def public_row(entry: ListEntry) -> dict:
    """The masked, public form of an entry: nothing else of the entry or its subject leaves the platform."""
    subject = entry.subject
    person = subject.kind == SubjectKind.NATURAL_PERSON
    suspended = entry.state == EntryState.SUSPENDED
    return {
        "name": identifiers.mask_person_name(subject.name) if person else subject.name,
        "identifier": identifiers.mask_identifier(subject.identifier) if person else subject.identifier,
        "subject_kind": labels.label(labels.KIND, subject.kind),
        "list_type": entry.list_type,
        "list_type_label": labels.label(labels.LIST_TYPE, entry.list_type),
        "domain": entry.domain,
        "domain_label": labels.label(labels.DOMAIN, entry.domain),
        "basis": entry.basis,
        "decision_number": entry.decision_number,
        "decided_on": entry.decided_on,
        "publication_ends_on": entry.publication_ends_on,
        "identifying_department": entry.identifying_department.name,
        "under_verification": suspended,
        "status_label": "异议核查中" if suspended else "公示中",
    }


def entry_token(entry: ListEntry) -> str:
    """What a result's 提出异议 / 申请信用修复 links carry: the entry, signed (not the subject's code)."""
    return signing.dumps(entry.pk, salt=ENTRY_TOKEN_SALT)


def public_entry_prefill(token: str) -> dict:
    """The fields a filing form may prefill from a result's token: what the public page shows of it.
    A person's name and ID number are masked there, so only the decision number is given for them.
    {} for a bad token or an entry no longer public."""
    try:
        pk = signing.loads(token or "", salt=ENTRY_TOKEN_SALT)
    except signing.BadSignature:
        return {}
    entry = public_entries_all().filter(pk=pk).first() if isinstance(pk, int) else None
    if entry is None:
        return {}
    prefill = {"decision_number": entry.decision_number, "domain": entry.domain}
    if entry.subject.kind != SubjectKind.NATURAL_PERSON:
        prefill |= {"identifier": entry.subject.identifier, "name": entry.subject.name}
    return prefill


def page_throttled(request) -> bool:
    """The search page's limit per address and minute, in the shared cache."""
    return throttled(request, "search", "CREDIT_PUBLIC_SEARCHES_PER_MINUTE", DEFAULT_PAGE_RATE)


@require_http_methods(["GET", "POST"])
def search(request):
    """``/credit/``: the search form, and the masked entries matching ``q`` (or the signed ``t``).
    The form POSTs ``q``: answered by a redirect to ``?t=`` (the query signed, not in clear)."""
    with translation.override("zh-hans"):
        context = {"q_given": False, "error": "", "rows": [], "page": None, "token": "", "q": ""}
        if request.method == "POST":
            raw = (request.POST.get("q") or "").strip()
            if raw and MIN_QUERY_LENGTH <= len(raw) <= MAX_QUERY_LENGTH:
                return redirect(f"{reverse('credit:search')}?t={query_token(raw)}")
            context["q"] = raw[:MAX_QUERY_LENGTH]
        else:
            raw = request.GET.get("q")
        if raw is None and request.GET.get("t"):
            raw = query_from_token(request.GET["t"])
        if raw is None or not raw.strip():
            return render(request, "credit/search.html", context)
        context["q_given"] = True
        context["q"] = raw.strip()[:MAX_QUERY_LENGTH]  # back in the box (the template escapes it)
        if page_throttled(request):
            context["error"] = "查询过于频繁，请稍后再试。"
            return render(request, "credit/search.html", context, status=429)
        try:
            q = clean_query(raw)
        except QueryError as exc:
            context["error"] = str(exc)
            return render(request, "credit/search.html", context, status=400)
        page = Paginator(public_entries(q=q), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [{**public_row(entry), "entry_token": entry_token(entry)} for entry in page.object_list]
        context.update(page=page, rows=rows, token=query_token(q))
        return render(request, "credit/search.html", context)


@require_GET
def progress(request):
    """``/credit/progress/``: 进度查询, one page for both receipts (objections YY…, repairs XF…)."""
    return render(request, "credit/progress.html")
