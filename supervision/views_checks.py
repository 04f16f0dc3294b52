"""应查必查 on the dashboard: ``/dashboard/checks/`` (checks, hits, hits fed back, green-channel answers
per department and month) and ``/dashboard/checks/list/`` (the checks behind a figure), each with its
xlsx export. The figures and the lists filter one scoped queryset with one named ``Q``
(``supervision.selectors.checks``), so each number is the length of the list it opens."""
from dataclasses import replace

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checks.models import CreditCheckLog
from credit_platform.identifiers import mask_identifier, mask_person_name
from credit_platform.selectors import is_person_identifier
from supervision import export, selectors
from supervision.export import Sheet
from supervision.views import LIST_PAGE_SIZE, DashboardView, _cell, _chart

CHECK_LABELS = {
    "name": gettext_lazy("Checking department"),
    "month": gettext_lazy("Month"),
    "checks": gettext_lazy("Checks"),
    "hits": gettext_lazy("Hits"),
    "fed_back": gettext_lazy("Hits fed back"),
    "green_channel": gettext_lazy("Green channel answers"),
    "feedback_rate": gettext_lazy("Hits fed back (%)"),
}


def checks_url(filters, **params) -> str:
    return f"{reverse('dashboard:checks_list')}?{filters.query(**params)}"


def _department_sheet_rows(rows, keys):
    return [[row.get(k) for k in keys] for row in rows]


def checks_sheets(scope) -> list[Sheet]:
    table = selectors.checks_table(scope)
    department_keys = ["name", *selectors.CHECK_COLUMNS, "feedback_rate"]
    month_keys = ["name", "month", *selectors.CHECK_COLUMNS, "feedback_rate"]
    totals = [_("Total"), *[table["totals"][k] for k in department_keys[1:]]]
    return [
        Sheet(_("Credit checks"), [CHECK_LABELS[k] for k in department_keys], [*_department_sheet_rows(table["departments"], department_keys), totals]),
        Sheet(_("Credit checks by month"), [CHECK_LABELS[k] for k in month_keys], _department_sheet_rows(table["rows"], month_keys)),
    ]


class ChecksView(DashboardView):
    """应查必查: the credit checks each department ran, their hits and what it fed back."""

    template_name = "dashboard/checks.html"
    title = gettext_lazy("Credit checks (应查必查)")
    export_name = "checks"

    def sheets(self):
        return checks_sheets(self.scope)

    def _cells(self, row, department="", month=""):
        filters = replace(self.scope.filters, department=department) if department else self.scope.filters
        params = {"month": month} if month else {}
        figures = [_cell(row[c], checks_url(filters, figure=c, **params)) for c in selectors.CHECK_COLUMNS]
        return [*figures, _cell(row["feedback_rate"])]

    def get_context(self):
        table = selectors.checks_table(self.scope)
        departments = table["departments"]
        return {
            "table": {
                "headers": [CHECK_LABELS[c] for c in ["name", *selectors.CHECK_COLUMNS, "feedback_rate"]],
                "rows": [{"code": r["code"], "name": r["name"], "cells": self._cells(r, r["code"])} for r in departments],
                "totals": self._cells(table["totals"]),
            },
            "month_headers": [CHECK_LABELS[c] for c in ["name", "month", *selectors.CHECK_COLUMNS, "feedback_rate"]],
            "month_rows": [{"code": r["code"], "name": r["name"], "month": r["month"], "cells": self._cells(r, r["code"], r["month"])}
                           for r in table["rows"]],
            "charts": {
                "chart-checks": _chart("stacked", [r["name"] for r in departments], [
                    {"name": CHECK_LABELS[c], "data": [r[c] for r in departments], "stack": c} for c in ["checks", "hits", "fed_back"]
                ], horizontal=True),
            },
        }


def _subject_name(check: CreditCheckLog) -> str:
    if check.subject is None:
        return _("No record")
    return mask_person_name(check.subject.name) if check.subject.is_person else check.subject.name


def _identifier(check: CreditCheckLog) -> str:
    # Supervising the checks needs no person's ID: masked, as names are on every drill-down list.
    person = check.subject.is_person if check.subject is not None else is_person_identifier(check.identifier)
    return mask_identifier(check.identifier) if person else check.identifier


def _yes_no(value) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


CHECK_LIST_COLUMNS = [
    (gettext_lazy("Checked at"), lambda c: timezone.localtime(c.created_at).replace(tzinfo=None)),
    (gettext_lazy("Checking department"), lambda c: c.department.display_name if c.department else ""),
    (gettext_lazy("Checked by"), lambda c: c.user.get_username() if c.user else ""),
    (gettext_lazy("Subject"), _subject_name),
    (gettext_lazy("Identifier"), _identifier),
    (gettext_lazy("Purpose"), lambda c: c.purpose),
    (gettext_lazy("Business reference"), lambda c: c.business_reference),
    (gettext_lazy("Channel"), lambda c: c.get_channel_display()),
    (gettext_lazy("Hit"), lambda c: _yes_no(c.hit)),
    (gettext_lazy("Green channel"), lambda c: _yes_no(c.green_channel)),
    (gettext_lazy("Hit fed back at"), lambda c: timezone.localtime(c.fed_back_at).replace(tzinfo=None) if c.fed_back_at else ""),
    (gettext_lazy("Measure applied"), lambda c: _yes_no(c.measure_applied)),
]


class ChecksListView(DashboardView):
    """The checks behind one figure (``figure``, ``month``), with the dashboard's filters."""

    template_name = "dashboard/checks_list.html"
    title = gettext_lazy("Credit checks")
    export_name = "checks_list"

    def dispatch(self, request, *args, **kwargs):
        self.params = {"figure": request.GET.get("figure", ""), "month": request.GET.get("month", "")}
        return super().dispatch(request, *args, **kwargs)

    def extra_params(self):
        return self.params

    def queryset(self):
        try:
            queryset = selectors.check_figure(selectors.check_logs(self.scope), **self.params)
        except (KeyError, ValueError):
            raise Http404("No such list.") from None
        return queryset.select_related("department", "user", "subject").order_by("-created_at", "pk")

    def sheets(self):
        rows = ([value(c) for _label, value in CHECK_LIST_COLUMNS] for c in self.queryset()[:export.MAX_LIST_ROWS].iterator(chunk_size=2000))
        return [Sheet(_("List"), [label for label, _value in CHECK_LIST_COLUMNS], rows)]

    def get_context(self):
        page = Paginator(self.queryset(), LIST_PAGE_SIZE).get_page(self.request.GET.get("page"))
        rows = [{"pk": c.pk, "values": [value(c) for _label, value in CHECK_LIST_COLUMNS]} for c in page.object_list]
        description = []
        if self.params["figure"]:
            description.append(str(CHECK_LABELS[self.params["figure"]]))
        if self.params["month"]:
            description.append(self.params["month"])
        if self.scope.filters.department:
            description.append(self.filter_department_name())
        return {
            "columns": [label for label, _value in CHECK_LIST_COLUMNS], "rows": rows, "page": page, "total": page.paginator.count,
            "page_query": self.scope.filters.query(**self.params), "description": description,
        }


__all__ = ["ChecksListView", "ChecksView", "checks_sheets"]
