"""The upper side's endpoints (DESIGN.md "Exchange"): the batch, the feed, the reconciliation.

Signed by the lower region's shared key, not by a user: no session, no token, no CSRF. A missing or
wrong signature, an unknown region or a stale timestamp is a 401; another region's data a 403; both
store nothing. Thin: the services decide.
"""
import json

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from exchange import services
from exchange.models import RegionLink
from exchange.services.upper import BatchRefused
from exchange.signing import REGION_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify


def _refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


def _link(request, message: bytes | str) -> RegionLink | None:
    """The registered region whose key signed this request, or None."""
    code = request.headers.get(REGION_HEADER, "")
    link = RegionLink.objects.select_related("region").filter(region__code=code, is_active=True).first() if code else None
    if link is None:
        return None
    ok = verify(key=link.key, timestamp=request.headers.get(TIMESTAMP_HEADER, ""), message=message,
                signature=request.headers.get(SIGNATURE_HEADER, ""))
    return link if ok else None


def _bad_signature() -> JsonResponse:
    return _refuse(401, _("The signature, the region or the timestamp does not verify."))


@csrf_exempt
@require_POST
def batches(request):
    link = _link(request, request.body)
    if link is None:
        return _bad_signature()
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _refuse(400, _("The body is not JSON."))
    try:
        answer = services.batch_receive(link=link, body=body)
    except BatchRefused as exc:
        return _refuse(exc.status, str(exc))
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


def _region_param(request, link: RegionLink):
    region = request.GET.get("region", "")
    return None if region != link.region.code else region


@csrf_exempt
@require_GET
def feed(request):
    link = _link(request, request.get_full_path())
    if link is None:
        return _bad_signature()
    region = _region_param(request, link)
    if region is None:
        return _refuse(403, _("A region reads its own feed only."))
    try:
        since = int(request.GET.get("since") or 0)
    except ValueError:
        return _refuse(400, _("since is the cursor the last page answered."))
    services.own_items_to_feed()
    return JsonResponse(services.feed_page(region=region, since=since), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@require_GET
def reconcile(request):
    link = _link(request, request.get_full_path())
    if link is None:
        return _bad_signature()
    region = _region_param(request, link)
    if region is None:
        return _refuse(403, _("A region reconciles its own items only."))
    return JsonResponse(services.region_summary(region))
