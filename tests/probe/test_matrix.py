"""The actor matrix (issue 12): every GET operation of the API (walked from the served OpenAPI schema)
and every admin list and change page, as every demo department's user and as the anonymous public,
over a district with months of simulated work. For each object the oracle says, from the rows alone
(not from the apps' access code), which departments may see it; an object answered to anyone else
is a leak. Another department's object must be 404 on the API and must not be shown in the admin
(its "does not exist" redirect, or 403/404)."""
import datetime
import io
import re
from collections import defaultdict

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from credit_platform import services
from credit_platform.models import Department, Subject, SubjectKind, User
from lists.models import EntryState, ImportBatch, ListEntry
from objections.models import Objection
from repair.models import RepairApplication
from sanctions.models import Assignment, BulkPushJob, JointCase
from tests.factories import make_citizen_id
from tests.probe.conftest import LONG, OBJECTS_PER_PATH, SIM_CASES, SIM_DAYS, record

REASON = "probe: actor matrix"
SLICE_USERS = ["court", "finance", "leadership_office"]
ON_THE_LIST = {EntryState.PUBLISHED, EntryState.SUSPENDED}
PATH_MODEL = {  # the first segment of an API path -> the model its {id} names
    "cases": JointCase, "assignments": Assignment, "list-entries": ListEntry, "objections": Objection,
    "repairs": RepairApplication, "bulk-push-jobs": BulkPushJob, "imports": ImportBatch, "subjects": Subject,
}


class Oracle:
    """Who may see what, from the rows: department ids per object id, per model (``ALL``: everyone)."""

    ALL = "all"

    def __init__(self):
        departments = list(Department.objects.all())
        self.everything = {d.pk for d in departments if d.is_credit_office or d.is_leadership_office}
        self.credit_office = {d.pk for d in departments if d.is_credit_office}
        seen: dict = defaultdict(lambda: defaultdict(set))
        work: dict = defaultdict(set)  # subject id -> departments with work about it
        for pk, department, subject in JointCase.objects.values_list("pk", "initiating_department_id", "subject_id"):
            seen[JointCase][pk].add(department)
            work[subject].add(department)
        for pk, case, department, initiator, subject, target in Assignment.objects.values_list(
            "pk", "case_id", "department_id", "case__initiating_department_id", "case__subject_id", "target_id"
        ):
            seen[JointCase][case].add(department)
            seen[Assignment][pk] |= {department, initiator}
            work[subject].add(department)
            work[target].add(department)
        for pk, state, department, subject in ListEntry.objects.values_list("pk", "state", "identifying_department_id", "subject_id"):
            seen[ListEntry][pk] = self.ALL if state in ON_THE_LIST else {department}
            work[subject].add(department)
        for model, fields in ((Objection, ("provider_department_id", "filing_department_id")),
                              (RepairApplication, ("deciding_department_id", "filing_department_id"))):
            for pk, subject, *deps in model.objects.values_list("pk", "subject_id", *fields):
                seen[model][pk] = {d for d in deps if d}
                work[subject] |= seen[model][pk]
        for pk, department in BulkPushJob.objects.values_list("pk", "requested_by__department_id"):
            seen[BulkPushJob][pk] = {department}
        for pk, department in ImportBatch.objects.values_list("pk", "department_id"):
            seen[ImportBatch][pk] = {department}
        for pk, kind, registrant in Subject.objects.values_list("pk", "kind", "registered_by_id"):
            seen[Subject][pk] = (work[pk] | {registrant}) if kind == SubjectKind.NATURAL_PERSON else self.ALL
        self.seen = seen

    def may_see(self, model, pk, department_id) -> bool:
        offices = self.credit_office if model in (BulkPushJob, ImportBatch) else self.everything
        if department_id in offices:
            return True
        who = self.seen[model].get(int(pk), set())
        return who == self.ALL or department_id in who

    def objects(self, model):
        ids = sorted(self.seen[model])
        if OBJECTS_PER_PATH is None or len(ids) <= OBJECTS_PER_PATH:
            return ids
        step = len(ids) / OBJECTS_PER_PATH  # spread over the table: every department's objects
        return [ids[int(i * step)] for i in range(OBJECTS_PER_PATH)]


class Tally:
    def __init__(self, section):
        self.section, self.cells, self.leaks, self.refused, self.errors = section, 0, [], [], []

    def note(self, who, what, status, *, visible=None):
        self.cells += 1
        if status >= 500:
            self.errors.append((who, what, status))
        elif visible is False and status == 200:
            self.leaks.append((who, what))
        elif visible is True and status in (403, 404):
            self.refused.append((who, what, status))

    def report(self):
        record(self.section, cells=self.cells, leaks=len(self.leaks), server_errors=len(self.errors),
               refused_though_visible=len(self.refused))
        return self


def _world():
    call_command("simulate_activity", days=SIM_DAYS, cases=SIM_CASES, subjects=20, stdout=io.StringIO())
    # A person a department registered (a registration is work about them).
    identifier = make_citizen_id(4711, birth=datetime.date(1985, 3, 2), division="620702")
    services.subject_create(kind="natural_person", identifier=identifier, name="赵志强", actor=User.objects.get(username="tax"))


def _clients(users):
    clients = {}
    for user in users:
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        clients[user.username if user else "anonymous"] = (client, user.department_id if user else None)
    return clients


def _results_ids(client, path, limit_pages):
    """The ids a list answers, following its cursor; the first page's status."""
    ids, url, params, pages = [], path, {"page_size": 500, "reason": REASON}, 0
    while url and pages < limit_pages:
        response = client.get(url, params)
        params = None  # the next links carry the query
        if response.status_code != 200 or not response.headers.get("Content-Type", "").startswith("application/json"):
            return response.status_code, ids
        body = response.json()
        rows = body.get("results", body) if isinstance(body, dict) else body
        ids += [row["id"] for row in rows if isinstance(row, dict) and "id" in row]
        url = body.get("next") if isinstance(body, dict) else None
        pages += 1
    return 200, ids


@pytest.fixture
def matrix(db):
    _world()
    users = User.objects.filter(is_active=True, department__isnull=False).select_related("department").order_by("username")
    users = list(users if LONG else users.filter(username__in=SLICE_USERS))
    return Oracle(), _clients([*users, None])


def test_each_object_is_shown_only_to_who_may_see_it(matrix):
    """The API, then the admin, over one simulated district (built once: it is the slow part)."""
    api, site = _api_matrix(*matrix), _admin_matrix(*matrix)
    for tally in (api, site):
        assert tally.errors == [] and tally.leaks == [], (tally.section, tally.errors[:20], tally.leaks[:20])
        assert tally.refused == [], (tally.section, tally.refused[:20])


def _api_matrix(oracle, clients) -> Tally:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    tally = Tally("matrix_api")
    operations = 0
    for path, methods in schema["paths"].items():
        if "get" not in methods or path.endswith("/export/") or "/notice/" in path:
            continue
        operations += 1
        segment = path.removeprefix("/api/v1/").split("/")[0]
        model = PATH_MODEL.get(segment)
        reason = {"reason": REASON}
        if "{" not in path:
            for who, (client, department) in clients.items():
                if model is not None and department is not None:
                    status, ids = _results_ids(client, path, 20 if LONG else 3)
                    for pk in ids:
                        tally.note(who, f"{path} lists {pk}", status, visible=oracle.may_see(model, pk, department))
                    tally.note(who, path, status)
                else:
                    tally.note(who, path, client.get(path).status_code)
            continue
        if model is None:  # a code or a receipt number: nothing to leak, no 5xx
            target = re.sub(r"\{[^}]+\}", "probe-0", path) if "receipt" in path else re.sub(r"\{[^}]+\}", "1", path)
            for who, (client, _department) in clients.items():
                tally.note(who, target, client.get(target).status_code)
            continue
        for pk in oracle.objects(model):
            url = re.sub(r"\{[^}]+\}", str(pk), path)
            for who, (client, department) in clients.items():
                status = client.get(url, reason).status_code
                if department is None:
                    visible = None if path.startswith("/api/v1/public/") else False
                    tally.note(who, url, status, visible=visible)
                else:
                    tally.note(who, url, status, visible=oracle.may_see(model, pk, department))
    record("matrix_api", operations=operations, users=len(clients))
    return tally.report()


ADMIN_MODELS = {JointCase, Assignment, ListEntry, Objection, RepairApplication, BulkPushJob, ImportBatch, Subject}


def _admin_matrix(oracle, clients) -> Tally:
    tally = Tally("matrix_admin")
    pages = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        try:
            changelist = reverse("admin:%s_%s_changelist" % info)
        except NoReverseMatch:
            continue
        pages += 1
        for who, (client, _department) in clients.items():
            tally.note(who, changelist, client.get(changelist).status_code)
        if model in ADMIN_MODELS:
            ids = oracle.objects(model)
        else:
            ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[: 2 if not LONG else 5])
        for pk in ids:
            url = reverse("admin:%s_%s_change" % info, args=[pk])
            for who, (client, department) in clients.items():
                response = client.get(url, {"reason": REASON} if model is Subject else {})
                if department is None:
                    visible = False
                elif model in ADMIN_MODELS:
                    visible = oracle.may_see(model, pk, department)
                else:
                    visible = None  # the catalogue, the calendar, the system pages: no 5xx
                tally.note(who, url, response.status_code, visible=visible)
    record("matrix_admin", pages=pages, users=len(clients))
    return tally.report()
