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
import secrets

from dateutil.relativedelta import relativedelta
from django.core import signing
from django.core.cache import cache
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
# How long the pagination links of a search keep working (the query is held in the shared cache).
QUERY_TOKEN_SECONDS = 2 * 60 * 60
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
    """The query for the redirect and the pagination links: an opaque random key to the query kept in
    the shared cache for ``QUERY_TOKEN_SECONDS`` (a signed value would be base64 anyone can read back,
    and a citizen ID searched for would sit in every proxy's log). The same query gets a new key."""
    key = secrets.token_urlsafe(18)
    cache.set(f"{TOKEN_SALT}:{key}", q, QUERY_TOKEN_SECONDS)
    return key


def query_from_token(token: str) -> str:
    """The query behind ``token``, or "" when unknown or expired (the page then shows the empty form)."""
    if not token or len(token) > 64:
        return ""
    return cache.get(f"{TOKEN_SALT}:{token}") or ""


def on_public_site(entries: QuerySet[ListEntry], *, today=None) -> QuerySet[ListEntry]:
    """``entries`` narrowed to those the public site shows on ``today``: red or black, published or
    suspended, within their publication period, never a person under 18. The search and the public
    filings (``entry_matching_publicly``, the objections' case numbers) match only these."""
    today = today or timezone.localdate()
    return (
        entries.filter(list_type__in=PUBLIC_LISTS, state__in=PUBLIC_STATES)
        # On the list until the end of its publication period (a red entry: of its validity).
        .filter(Q(publication_ends_on__gte=today) | Q(list_type=ListType.RED, valid_until__gte=today))
        .filter(publishable_subjects_q(today))
    )


def entry_matching_publicly(*, identifier: str, name: str, decision_number: str) -> ListEntry | None:
    """The entry the public site shows (``on_public_site``) with this decision number, of the subject
    with this identifier *and* exactly this name; None whatever does not match. For the public
    filings, which answer every mismatch alike. One query (the subject's unique identifier index)."""
    entries = ListEntry.objects.filter(
        subject__identifier=identifiers.normalise(identifier),
        subject__name=(name or "").strip(),
        decision_number=(decision_number or "").strip(),
    )
    return on_public_site(entries).select_related("subject").order_by("pk").first()


def public_entries(*, q: str, today=None) -> QuerySet[ListEntry]:
    """Entries the public may see that match ``q``: the exact identifier (after normalising), or part of the name.

    Bounded: one query for the page (subject and department joined), one for the count.
    Uses the (list_type, state, -decided_on) index and the subject's unique identifier index.
    """
    entries = (
        on_public_site(ListEntry.objects.all(), today=today)
        .select_related("subject", "identifying_department")
        .only(
            "pk", "list_type", "domain", "basis", "decision_number", "decided_on", "publication_ends_on", "valid_until", "state",
            "source_region", "subject__kind", "subject__name", "subject__identifier", "identifying_department__name",
        )
        .order_by("-decided_on", "-pk")
    )
    return matching_subjects(entries, q)


def publishable_subjects_q(today) -> Q:
    """Rows whose subject may be published on ``today``: organisations, and adult persons (a person
    born after this day 18 years ago is a minor, never published)."""
    born_by = today - relativedelta(years=ADULT_AGE)
    return Q(subject__kind__in=SubjectKind.organisations()) | Q(subject__kind=SubjectKind.NATURAL_PERSON, subject__birth_date__lte=born_by)


def matching_subjects(queryset: QuerySet, q: str) -> QuerySet:
    """The rows of ``queryset`` whose subject has exactly the identifier ``q`` (normalised), or part of its name."""
    identifier = identifiers.normalise(q)
    if IDENTIFIER_RE.match(identifier):
        return queryset.filter(subject__identifier=identifier)
    return queryset.filter(subject__name__icontains=q)


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
        "publication_ends_on": entry.publication_ends_on,  # a dishonesty's publication period (none for a red entry)
        "valid_until": entry.valid_until,  # a red entry's validity (none for a dishonesty)
        "identifying_department": entry.identifying_department.name,
        "source_region": entry.source_region,  # decided in another region (exchange): shown on the page
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
    entry = on_public_site(ListEntry.objects.select_related("subject")).filter(pk=pk).first() if isinstance(pk, int) else None
    if entry is None:
        return {}
    prefill = {"decision_number": entry.decision_number, "domain": entry.domain}
    if entry.subject.kind != SubjectKind.NATURAL_PERSON:
        prefill |= {"identifier": entry.subject.identifier, "name": entry.subject.name}
    return prefill


def page_throttled(request) -> bool:
    """The search page's limit per address and minute, in the shared cache."""
    return throttled(request, "search", "CREDIT_PUBLIC_SEARCHES_PER_MINUTE", DEFAULT_PAGE_RATE)


def render_search(request, *, template: str, raw: str | None, results, row, throttle, page_number=None):
    """A public search page: the form alone without a query; else the rows of ``results(q)`` (each
    ``row(obj)``), paginated with the query signed (``token``), after the page's limit (``throttle``:
    429) and the query's own checks (400). Shared by the list search and the 双公示 query."""
    with translation.override("zh-hans"):
        context = {"q_given": False, "error": "", "rows": [], "page": None, "token": "", "q": ""}
        if raw is None or not raw.strip():
            return render(request, template, context)
        context["q_given"] = True
        context["q"] = raw.strip()[:MAX_QUERY_LENGTH]  # back in the box (the template escapes it)
        if throttle(request):
            context["error"] = "查询过于频繁，请稍后再试。"
            return render(request, template, context, status=429)
        try:
            q = clean_query(raw)
        except QueryError as exc:
            context["error"] = str(exc)
            return render(request, template, context, status=400)
        page = Paginator(results(q=q), PAGE_SIZE).get_page(page_number)
        context.update(page=page, rows=[row(obj) for obj in page.object_list], token=query_token(q))
        return render(request, template, context)


def _row_with_entry_token(entry: ListEntry) -> dict:
    return {**public_row(entry), "entry_token": entry_token(entry)}


@require_http_methods(["GET", "POST"])
def search(request):
    """``/credit/``: the search form, and the masked entries matching ``q`` (or the signed ``t``).
    The form POSTs ``q``: answered by a redirect to ``?t=`` (the query signed, not in clear)."""
    if request.method == "POST":
        raw = (request.POST.get("q") or "").strip()
        if raw and MIN_QUERY_LENGTH <= len(raw) <= MAX_QUERY_LENGTH:
            return redirect(f"{reverse('credit:search')}?t={query_token(raw)}")
    else:
        raw = request.GET.get("q")
        if raw is None and request.GET.get("t"):
            raw = query_from_token(request.GET["t"])
    return render_search(request, template="credit/search.html", raw=raw, results=public_entries, row=_row_with_entry_token,
                         throttle=page_throttled, page_number=request.GET.get("page"))


@require_GET
def progress(request):
    """``/credit/progress/``: 进度查询, one page for both receipts (objections YY…, repairs XF…)."""
    return render(request, "credit/progress.html")
