"""The supervision dashboard's pages, inside the admin's look (``admin/base_site.html``).

Wrapped in ``admin.site.admin_view`` (login and staff required; anonymous users go to the admin
login). Every figure comes from ``selectors`` for the caller's scope and links to its drill-down
list; ``?export=xlsx`` on any page downloads the same figures as a workbook.
"""
from dataclasses import replace

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from credit_platform.permissions import can_see_everything, is_department_member
from objections.selectors import objections_overdue
from repair.selectors import repairs_overdue
from sanctions.selectors import with_overdue
from supervision import export, labels, links, selectors, services, tables
from supervision.forms import FilterForm
from supervision.models import SupervisedKind

LIST_PAGE_SIZE = 200

NAV = [
    ("dashboard:overview", gettext_lazy("Overview")),
    ("dashboard:scorecard", gettext_lazy("Executing departments")),
    ("dashboard:initiators", gettext_lazy("Initiating departments")),
    ("dashboard:objections_repairs", gettext_lazy("Objections and repairs")),
    ("dashboard:complaints", gettext_lazy("Complaints and reports")),
    ("dashboard:publicity", gettext_lazy("Licensing and penalty publicity")),
    ("dashboard:checks", gettext_lazy("Credit checks")),
    ("dashboard:escalations", gettext_lazy("Escalations")),
    ("dashboard:reports", gettext_lazy("Monthly reports")),
]


def _cell(value, url=None):
    return {"value": value, "url": url}


class DashboardView(View):
    """A dashboard page: the filters, the caller's scope, the admin's context, and the xlsx export."""

    template_name = ""
    title = ""
    export_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not is_department_member(request.user):
            raise PermissionDenied(_("Only a user of a department may see the dashboard."))
        sees_all = can_see_everything(request.user)
        self.form = FilterForm(request.GET or None, user=request.user, sees_all=sees_all)
        self.scope = selectors.scope_for(user=request.user, filters=self.form.filters())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_name:
            sheets = self.sheets()
            return export.xlsx_response(
                export.workbook_bytes(self.scope, sheets, title=str(self.title)), export.filename(self.export_name, self.scope)
            )
        context = {
            **admin.site.each_context(request),
            "title": self.title,
            "form": self.form,
            "scope": self.scope,
            "filter_department": self.filter_department_name(),
            "nav": [(reverse(name), label, request.resolver_match.view_name == name) for name, label in NAV],
            "filter_query": self.scope.filters.query(),
            "export_url": f"?{self.scope.filters.query(export='xlsx', **self.extra_params())}" if self.export_name else "",
            "can_urge": services.can_urge(request.user),
            # The list's own parameters (kind, figure, sort) survive a change of filters.
            "preserved": [(k, v) for k, v in self.extra_params().items() if v],
            **self.get_context(),
        }
        return render(request, self.template_name, context)

    def extra_params(self) -> dict:
        return {}

    def filter_department_name(self) -> str:
        """The name of the department the filter chose (the query string holds its code)."""
        return export.department_name(self.scope.filters.department)

    def get_context(self) -> dict:
        return {}

    def sheets(self) -> list:
        """The workbook of ``?export=xlsx``: every view with an ``export_name`` gives its sheets."""
        return []

    def link(self, kind: str, *, department: str = "", **params) -> str:
        filters = self.scope.filters
        if department:
            filters = replace(filters, department=department)
        return selectors.drilldown_url(kind, filters, **params)


def _chart(kind: str, categories, series, **options) -> dict:
    """The data of one chart for static/credit/dashboard.js (handed over with json_script)."""
    return {"type": kind, "categories": [str(c) for c in categories], "series": [{**s, "name": str(s["name"])} for s in series], **options}


class OverviewView(DashboardView):
    template_name = "dashboard/overview.html"
    title = gettext_lazy("Supervision dashboard")
    export_name = "overview"

    def sheets(self):
        return export.overview_sheets(self.scope)

    def get_context(self):
        data = selectors.overview(self.scope)
        cases = data["cases"]
        by_state = [(labels.CASE_STATES[s], n, self.link("cases", state=s)) for s, n in cases["by_state"].items()]
        by_kind = [(labels.CASE_KINDS[k], n, self.link("cases", case_kind=k)) for k, n in cases["by_kind"].items()]
        by_domain = [(labels.DOMAINS.get(d, d), n, self.link("cases", domain=d)) for d, n in cases["by_domain"].items() if n]
        months = [
            {"month": m["month"], "cells": [_cell(m[e], self.link("cases", event=e, month=m["month"])) for e in labels.MONTH_EVENTS]}
            for m in data["months"]
        ]
        totals = data["assignments"]
        assignment_cards = [
            (labels.SCORECARD[name], totals[name], self.link("assignments", figure=name))
            for name in ["received", "overdue_now", "signed_for_late", "fed_back_late", "lifts_unconfirmed", "returned"]
        ]
        assignment_cards.append((labels.SCORECARD["times_urged"], totals["times_urged"], self.link("urges")))
        assignment_cards.append((labels.SCORECARD["applied"], totals["applied"], self.link("feedback", figure="applied")))
        assignment_cards.append((labels.SCORECARD["hits"], totals["hits"], self.link("feedback", figure="hits")))
        o_totals = data["objections_repairs"]["objections"]["totals"]
        r_totals = data["objections_repairs"]["repairs"]["totals"]
        in_flight = [
            (_("Objections in progress"), o_totals.get("open", 0), self.link("objections", figure="open")),
            (_("Objections overdue"), o_totals.get("overdue", 0), self.link("objections", figure="overdue")),
            (_("Credit repairs in progress"), r_totals.get("open", 0), self.link("repairs", figure="open")),
            (_("Credit repairs overdue"), r_totals.get("overdue", 0), self.link("repairs", figure="overdue")),
        ]
        trend = selectors.overdue_trend(self.scope)
        return {
            "total_cases": (cases["total"], self.link("cases")),
            "by_state": by_state, "by_kind": by_kind, "by_domain": by_domain,
            "month_labels": list(labels.MONTH_EVENTS.values()),
            "months": months,
            "assignment_cards": assignment_cards,
            "in_flight": in_flight,
            "trend": trend,
            "charts": {
                "chart-state": _chart("bar", [r[0] for r in by_state], [{"name": _("Cases"), "data": [r[1] for r in by_state]}]),
                "chart-kind": _chart("pie", [r[0] for r in by_kind], [{"name": _("Cases"), "data": [r[1] for r in by_kind]}]),
                "chart-domain": _chart("bar", [r[0] for r in by_domain], [{"name": _("Cases"), "data": [r[1] for r in by_domain]}], horizontal=True),
                "chart-month": _chart(
                    "line", [m["month"] for m in data["months"]],
                    [{"name": label, "data": [m[e] for m in data["months"]]} for e, label in labels.MONTH_EVENTS.items()],
                ),
                "chart-trend": _chart("line", [t["day"] for t in trend], [
                    {"name": labels.SCORECARD["overdue_now"], "data": [t["overdue_now"] for t in trend]},
                    {"name": labels.SCORECARD["lifts_unconfirmed"], "data": [t["lifts_unconfirmed"] for t in trend]},
                ]),
            },
        }


class ScorecardView(DashboardView):
    template_name = "dashboard/scorecard.html"
    title = gettext_lazy("Executing departments: punctuality scorecard")
    export_name = "scorecard"

    # The list behind each column: (kind, figure); None for the department's name.
    LINKS = {
        "received": ("assignments", "received"),
        "signed_for_on_time": ("assignments", "signed_for_on_time"),
        "signed_for_late": ("assignments", "signed_for_late"),
        "fed_back_on_time": ("assignments", "fed_back_on_time"),
        "fed_back_late": ("assignments", "fed_back_late"),
        "overdue_now": ("assignments", "overdue_now"),
        "avg_working_days_to_sign_for": ("assignments", "signed_for"),
        "avg_working_days_to_feed_back": ("assignments", "fed_back"),
        "lifts_late": ("assignments", "lifts_late"),
        "lifts_unconfirmed": ("assignments", "lifts_unconfirmed"),
        "returned": ("assignments", "returned"),
        "times_urged": ("urges", ""),
        "applied": ("feedback", "applied"),
        "hits": ("feedback", "hits"),
    }

    def extra_params(self):
        return {"o": self.request.GET.get("o", "")}

    def sheets(self):
        return export.scorecard_sheets(self.scope, order=self.request.GET.get("o", ""))

    def _cells(self, row, department=""):
        cells = []
        for column in selectors.SCORECARD_COLUMNS:
            kind, figure = self.LINKS[column]
            params = {"figure": figure} if figure else {}
            cells.append(_cell(row.get(column), self.link(kind, department=department, **params)))
        return cells

    def get_context(self):
        card = selectors.scorecard(self.scope, order=self.request.GET.get("o", ""))
        order = card["order"]
        headers = []
        for column in ["code", *selectors.SCORECARD_COLUMNS]:
            descending = order == column
            target = f"-{column}" if not descending else column
            headers.append({
                "label": labels.SCORECARD["name" if column == "code" else column],
                "url": "?" + self.scope.filters.query(o=target),
                "sorted": "desc" if order == f"-{column}" else ("asc" if order == column else ""),
            })
        rows = [{"code": r["code"], "name": r["name"], "cells": self._cells(r, r["code"])} for r in card["rows"]]
        totals = self._cells(card["totals"])
        chart_rows = card["rows"]
        return {
            "headers": headers,
            "rows": rows,
            "totals": totals,
            "charts": {
                "chart-scorecard": _chart(
                    "stacked", [r["name"] for r in chart_rows],
                    [
                        {"name": labels.SCORECARD[k], "data": [r[k] for r in chart_rows], "stack": stack}
                        for k, stack in [("signed_for_on_time", "sign"), ("signed_for_late", "sign"),
                                         ("fed_back_on_time", "feedback"), ("fed_back_late", "feedback"), ("overdue_now", "overdue")]
                    ],
                    horizontal=True,
                ),
            },
        }


class InitiatorsView(DashboardView):
    template_name = "dashboard/initiators.html"
    title = gettext_lazy("Initiating departments")
    export_name = "initiators"

    def extra_params(self):
        return {"o": self.request.GET.get("o", "")}

    def sheets(self):
        return export.initiators_sheets(self.scope, order=self.request.GET.get("o", ""))

    def _cells(self, row, department=""):
        cells = [_cell(row[c], self.link("cases", department=department, figure=c)) for c in selectors.INITIATOR_CASE_COUNTS]
        cells += [_cell(row[c], self.link("initiator_assignments", department=department, figure=c)) for c in selectors.INITIATOR_ASSIGNMENT_COUNTS]
        return cells

    def get_context(self):
        table = selectors.initiators(self.scope, order=self.request.GET.get("o", ""))
        order = table["order"]
        headers = [
            {
                "label": labels.INITIATORS["name" if c == "code" else c],
                "url": "?" + self.scope.filters.query(o=c if order == f"-{c}" else f"-{c}"),
                "sorted": "desc" if order == f"-{c}" else ("asc" if order == c else ""),
            }
            for c in ["code", *selectors.INITIATOR_COLUMNS]
        ]
        return {
            "headers": headers,
            "rows": [{"code": r["code"], "name": r["name"], "cells": self._cells(r, r["code"])} for r in table["rows"]],
            "totals": self._cells(table["totals"]),
            "charts": {
                "chart-initiators": _chart(
                    "bar", [r["name"] for r in table["rows"]],
                    [{"name": labels.INITIATORS[c], "data": [r[c] for r in table["rows"]]} for c in ["opened", "pushed", "returned", "overdue_now"]],
                    horizontal=True,
                ),
            },
        }


class ObjectionsRepairsView(DashboardView):
    template_name = "dashboard/objections_repairs.html"
    title = gettext_lazy("Objections and credit repairs")
    export_name = "objections-repairs"

    def sheets(self):
        return export.objections_repairs_sheets(self.scope)

    def _table(self, table, kind, columns, column_labels):
        def cells(row, department=""):
            return [
                _cell(row.get(c, 0), self.link("urges", department=department, figure=kind[:-1]) if c == "times_urged"
                      else self.link(kind, department=department, figure=c))
                for c in columns
            ]

        return {
            "headers": [column_labels["name"], *[column_labels[c] for c in columns]],
            "rows": [{"code": r["code"], "name": r["name"], "cells": cells(r, r["code"])} for r in table["rows"]],
            "totals": cells(table["totals"]),
        }

    def get_context(self):
        data = selectors.objections_and_repairs(self.scope)
        o, r = data["objections"], data["repairs"]
        return {
            "objections": self._table(o, "objections", selectors.OBJECTION_COLUMNS, labels.OBJECTIONS),
            "repairs": self._table(r, "repairs", selectors.REPAIR_COLUMNS, labels.REPAIRS),
            "charts": {
                "chart-objections": _chart("stacked", [x["name"] for x in o["rows"]], [
                    {"name": labels.OBJECTIONS[c], "data": [x[c] for x in o["rows"]], "stack": "s"} for c in ["submitted", "verifying"]
                ] + [{"name": labels.OBJECTIONS["overdue"], "data": [x["overdue"] for x in o["rows"]], "stack": "o"}], horizontal=True),
                "chart-repairs": _chart("stacked", [x["name"] for x in r["rows"]], [
                    {"name": labels.REPAIRS[c], "data": [x[c] for x in r["rows"]], "stack": "s"} for c in ["submitted", "reviewing"]
                ] + [{"name": labels.REPAIRS["overdue"], "data": [x["overdue"] for x in r["rows"]], "stack": "o"}], horizontal=True),
            },
        }


class PublicityView(DashboardView):
    """双公示: licensing and penalty decisions published on time, late, or overdue now, per providing department."""

    template_name = "dashboard/publicity.html"
    title = gettext_lazy("Licensing and penalty publicity (双公示)")
    export_name = "publicity"

    def sheets(self):
        return export.publicity_sheets(self.scope)

    def get_context(self):
        data = selectors.publicity(self.scope)

        def cells(row, department=""):
            figures = [_cell(row[c], self.link("records", department=department, figure=c)) for c in selectors.PUBLICITY_COLUMNS]
            return [*figures, _cell(row["on_time_rate"])]

        rows = data["rows"]
        return {
            "table": {
                "headers": [labels.PUBLICITY[c] for c in ["name", *selectors.PUBLICITY_COLUMNS, "on_time_rate"]],
                "rows": [{"code": r["code"], "name": r["name"], "cells": cells(r, r["code"])} for r in rows],
                "totals": cells(data["totals"]),
            },
            "charts": {
                "chart-publicity": _chart("stacked", [r["name"] for r in rows], [
                    {"name": labels.PUBLICITY[c], "data": [r[c] for r in rows], "stack": "s"} for c in ["on_time", "late", "overdue"]
                ], horizontal=True),
            },
        }


LIST_TITLES = {
    "cases": gettext_lazy("Cases"),
    "assignments": gettext_lazy("Pushes (executing side)"),
    "initiator_assignments": gettext_lazy("Pushes of the initiated cases"),
    "objections": gettext_lazy("Objections"),
    "repairs": gettext_lazy("Credit repairs"),
    "feedback": gettext_lazy("Feedback records"),
    "urges": gettext_lazy("Urges"),
    "records": gettext_lazy("Licensing and penalty decisions"),
}
URGEABLE = {
    "assignments": SupervisedKind.ASSIGNMENT,
    "initiator_assignments": SupervisedKind.ASSIGNMENT,
    "objections": SupervisedKind.OBJECTION,
    "repairs": SupervisedKind.REPAIR,
}
DRILLDOWN_PARAMS = ["figure", "state", "case_kind", "domain", "month", "event"]


class KnownCountPaginator(Paginator):
    """A paginator told its count (from the tallies) instead of running COUNT(*) over a million rows."""

    def __init__(self, *args, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # Paginator.count is a cached_property


class DrilldownView(DashboardView):
    """The list behind a figure: the same scoped queryset and predicate the figure counted."""

    template_name = "dashboard/list.html"
    export_name = "list"

    def dispatch(self, request, *args, **kwargs):
        self.kind = request.GET.get("kind", "")
        self.params = {p: request.GET.get(p, "") for p in DRILLDOWN_PARAMS}
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return LIST_TITLES.get(self.kind, _("List"))

    def queryset(self):
        try:
            return selectors.drilldown(self.scope, kind=self.kind, **self.params)
        except selectors.UnknownFigure:
            raise Http404("No such list.") from None

    def extra_params(self):
        return {"kind": self.kind, **self.params}

    def sheets(self):
        return export.drilldown_sheets(self.scope, kind=self.kind, queryset=self.queryset())

    def _with_overdue(self, queryset):
        today = self.scope.today
        if self.kind in ("assignments", "initiator_assignments"):
            return with_overdue(queryset, today)
        if self.kind == "objections":
            return queryset.annotate(is_overdue=Exists(objections_overdue(today=today).filter(pk=OuterRef("pk"))))
        if self.kind == "repairs":
            return queryset.annotate(is_overdue=Exists(repairs_overdue(today=today).filter(pk=OuterRef("pk"))))
        return queryset

    def get_context(self):
        queryset = self._with_overdue(self.queryset())
        paginator = KnownCountPaginator(queryset, LIST_PAGE_SIZE, count=selectors.drilldown_count(self.scope, kind=self.kind, **self.params))
        page = paginator.get_page(self.request.GET.get("page"))
        columns = [column for column in tables.COLUMNS[self.kind] if column.on_page]  # the Excel file has them all
        urge_kind = URGEABLE.get(self.kind) if services.can_urge(self.request.user) else None
        rows = [
            {
                "pk": obj.pk,
                "url": links.row_admin_url(self.kind, obj),
                "values": [column.value(obj) for column in columns],
                "overdue": getattr(obj, "is_overdue", False),
            }
            for obj in page.object_list
        ]
        query = self.scope.filters.query(kind=self.kind, **self.params)
        return {
            "columns": [c.label for c in columns],
            "rows": rows,
            "page": page,
            "total": paginator.count,
            "urge_kind": urge_kind,
            "urgeable": any(row["overdue"] for row in rows),
            "page_query": query,
            "here": self.request.get_full_path(),
            "description": self._description(),
        }

    def _description(self) -> list[str]:
        """What the list holds, in words: the figure, state, kind, domain, month it was opened from."""
        p = self.params
        figure_labels = {
            "cases": {**labels.INITIATORS, "opened": _("Cases")},
            "assignments": {**labels.SCORECARD, "signed_for": _("Signed for"), "fed_back": _("Fed back"), "received": _("Pushes received")},
            "initiator_assignments": labels.INITIATORS,
            "objections": labels.OBJECTIONS,
            "repairs": labels.REPAIRS,
            "feedback": labels.SCORECARD,
            "urges": {"objection": _("Objections"), "repair": _("Credit repairs")},
            "records": labels.PUBLICITY,
        }.get(self.kind, {})
        parts = []
        if p["figure"]:
            parts.append(str(figure_labels.get(p["figure"], p["figure"])))
        if p["state"]:
            parts.append(str(labels.CASE_STATES.get(p["state"], p["state"])))
        if p["case_kind"]:
            parts.append(str(labels.CASE_KINDS.get(p["case_kind"], p["case_kind"])))
        if p["domain"]:
            parts.append(str(labels.DOMAINS.get(p["domain"], p["domain"])))
        if p["month"]:
            parts.append(f'{labels.MONTH_EVENTS.get(p["event"], p["event"])} {p["month"]}')
        if self.scope.filters.department:
            parts.append(self.filter_department_name())
        return parts


class EscalationsView(DashboardView):
    template_name = "dashboard/escalations.html"
    title = gettext_lazy("Escalations of long-overdue work")

    def get_context(self):
        queryset = selectors.escalations(self.scope)
        day = self.request.GET.get("day", "")
        if day:
            try:
                queryset = queryset.filter(day=day)
            except ValidationError:
                raise Http404("Bad day.") from None
        page = Paginator(queryset, LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        names = links.item_labels((e.kind, e.object_id) for e in page.object_list)
        return {
            "page": page,
            "rows": [
                {"e": e, "url": links.item_admin_url(e.kind, e.object_id), "label": names.get((e.kind, e.object_id), "—")}
                for e in page.object_list
            ],
            "day": day,
            "escalate_after": services.escalate_after(),
        }


class ReportsView(DashboardView):
    template_name = "dashboard/reports.html"
    title = gettext_lazy("Monthly supervision reports")

    def get_context(self):
        return {"reports": services.reports_for_user(self.request.user)[:60], "sees_all": self.scope.sees_all}


class ReportDownloadView(DashboardView):
    def get(self, request, pk):
        report = services.reports_for_user(request.user).filter(pk=pk).first()
        if report is None or not report.file:
            raise Http404("No such report.")
        return FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file_name, content_type=export.XLSX_CONTENT_TYPE)


class UrgeView(View):
    """POST kind, item (one or several: the list's ticked rows), note, next: urge each overdue item
    through the service, one call per item, then go back to the list with one message."""

    http_method_names = ["post"]

    def post(self, request):
        if not services.can_urge(request.user):
            raise PermissionDenied(_("Only the leadership office and the credit office can urge."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            target = reverse("dashboard:overview")
        items = list(dict.fromkeys(request.POST.getlist("item")))[:LIST_PAGE_SIZE]  # at most one page's rows
        if not items:
            messages.error(request, _("Tick the items to urge first."))
            return HttpResponseRedirect(target)
        departments, refused = [], []
        for item in items:
            try:
                urge = services.urge_send(actor=request.user, kind=request.POST.get("kind", ""), item_id=item, note=request.POST.get("note", ""))
            except ValidationError as exc:
                refused.extend(exc.messages)
            else:
                departments.append(urge.department.display_name)
        if len(items) == 1 and departments:
            messages.success(request, _("Urged %(department)s.") % {"department": departments[0]})
        elif departments:
            messages.success(request, _("Urged %(count)d items: %(departments)s.") % {
                "count": len(departments), "departments": "、".join(dict.fromkeys(departments))})
        for message in dict.fromkeys(refused):
            messages.error(request, message)
        return HttpResponseRedirect(target)
