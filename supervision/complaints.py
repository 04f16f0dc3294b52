"""Complaints (投诉举报) on the supervision dashboard: open and overdue complaints per department and
the overdue ones urged (督办) like pushes — ``/dashboard/complaints/`` and its urge form.

Kept apart from the other pages: the figures come from ``complaints.selectors`` for the caller's
scope (the credit and leadership offices every department, or the ``department`` filter; a
department its own); an urge is ``complaints.services.complaint_urge`` once per ticked item (404 for
an item the caller cannot see, refused when not overdue or already urged today). Unrouted complaints
are the credit office's (it routes them).
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from complaints import access as complaint_access
from complaints import services as complaint_services
from complaints.models import OPEN_STATES, Complaint, ComplaintState
from complaints.selectors import complaint_overdue_q
from supervision.views import LIST_PAGE_SIZE, DashboardView


def complaints_in_scope(scope):
    """Open complaints the scope covers: all (or the filtered department's) for the offices, else the caller's department's."""
    complaints = Complaint.objects.filter(state__in=OPEN_STATES)
    if not scope.sees_all:
        return complaints.filter(department=scope.department)
    if scope.filters.department:
        return complaints.filter(department__code=scope.filters.department)
    return complaints


def complaint_figures(scope) -> dict:
    """Per department (unrouted ones as their own row): open, overdue, urged; and the totals. One query."""
    overdue = complaint_overdue_q(scope.today)
    rows = (
        complaints_in_scope(scope).order_by().values("department__name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=overdue), urged=Count("pk", filter=Q(urge_count__gt=0)))
        .order_by("-overdue", "department__name")
    )
    rows = [{"department": row["department__name"] or _("Not yet routed"), **{k: row[k] for k in ("open", "overdue", "urged")}}
            for row in rows]
    return {"rows": rows, "open": sum(r["open"] for r in rows), "overdue": sum(r["overdue"] for r in rows)}


class ComplaintsView(DashboardView):
    template_name = "dashboard/complaints.html"
    title = gettext_lazy("Complaints and reports")

    def get_context(self):
        overdue = (
            complaints_in_scope(self.scope).filter(complaint_overdue_q(self.scope.today))
            .select_related("department").order_by("due_on", "pk")[:LIST_PAGE_SIZE]
        )
        return {
            "figures": complaint_figures(self.scope),
            "overdue_rows": [{"c": c, "url": complaint_services.complaint_url(c), "state": ComplaintState(c.state).label} for c in overdue],
            "here": self.request.get_full_path(),
        }


class ComplaintUrgeView(View):
    """POST item (one or several ticked), note, next: urge each overdue complaint through the service."""

    http_method_names = ["post"]

    def post(self, request):
        if not complaint_access.can_urge_complaint(request.user):
            raise PermissionDenied(_("Only the leadership office and the credit office can urge."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            target = reverse("dashboard:complaints")
        items = list(dict.fromkeys(request.POST.getlist("item")))[:LIST_PAGE_SIZE]
        if not items:
            messages.error(request, _("Tick the items to urge first."))
            return HttpResponseRedirect(target)
        urged, refused = 0, []
        for item in items:
            try:
                complaint = complaint_access.complaint_get_for_user(user=request.user, complaint_id=item)
                complaint_services.complaint_urge(complaint=complaint, actor=request.user, note=request.POST.get("note", ""))
            except Http404:
                refused.append(_("No such complaint."))
            except ValidationError as exc:
                refused.extend(exc.messages)
            else:
                urged += 1
        if urged:
            messages.success(request, _("Urged %(count)d complaints.") % {"count": urged})
        for message in dict.fromkeys(refused):
            messages.error(request, message)
        return HttpResponseRedirect(target)
