#!/usr/bin/env python
"""Benchmark of the supervision dashboard's queries at scale (not a test).

    createdb -h 127.0.0.1 -U postgres bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash .venv/bin/python bench/dashboard_bench.py --migrate --cases 200000

Loads the demo world, then bulk-generates ``--cases`` joint cases (default 1,000,000) with their
assignments (5 to 10 executing departments each), object-permission rows, feedback records,
objections, list entries and repair applications with PostgreSQL COPY (it bypasses the services:
this measures reads, not writes). Then it times each figure group of the dashboard, through the
same selectors the pages use, for the leadership office, an executing department (finance) and an
initiating department (court), without and with filters, and prints JSON: seconds per query (the
best of ``--repeat`` runs), rows returned, and the table sizes.

Use a scratch database: the generated rows are not removed (``--reset`` truncates the generated
tables before loading). Refuses to run on anything but PostgreSQL.
"""
import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.utils import timezone  # noqa: E402

STATES = [  # (case state, share): a platform a few years into production
    ("draft", 0.01), ("initiated", 0.02), ("pushed", 0.06), ("executing", 0.20), ("feedback_complete", 0.35),
    ("suspended", 0.01), ("repaired", 0.05), ("expired", 0.27), ("revoked", 0.03),
]
CHUNK = 20_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=3 * 365, help="Cases are spread over this many days up to today.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--migrate", action="store_true", help="Run migrate first.")
    parser.add_argument("--reset", action="store_true", help="Truncate the generated tables first.")
    parser.add_argument("--skip-load", action="store_true", help="Only time the queries (data already loaded).")
    parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE of the leader's scorecard to stderr.")
    parser.add_argument("--jit", choices=["on", "off", "server"], default="server",
                        help="PostgreSQL JIT for the timed queries (its compile time dominates sub-second aggregates).")
    parser.add_argument("--vacuum", action="store_true", help="VACUUM ANALYZE before timing (with --skip-load).")
    return parser.parse_args()


# --- loading ---------------------------------------------------------------------------------------


def copy_rows(model, rows) -> int:
    """COPY dict rows into the model's table; missing columns get the field's default (the id only if given)."""
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return 0
    concrete = [f for f in model._meta.concrete_fields if not f.primary_key or "id" in rows[0]]
    columns = [f.attname for f in concrete]
    defaults = {}
    for f in concrete:
        if f.has_default():
            default = f.get_default()
            defaults[f.attname] = json.dumps(default) if f.get_internal_type() == "JSONField" else default
        else:
            defaults[f.attname] = None if f.null else ""
    sql = f'COPY {model._meta.db_table} ({", ".join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN'
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(c, defaults[c]) for c in columns])
    return len(rows)


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def fix_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")


def load(args) -> dict:
    from credit_platform import demo
    from credit_platform.models import Department, RuleSet, Subject, User
    from lists.models import ListEntry
    from objections.models import Objection
    from repair.models import RepairApplication
    from sanctions import access
    from sanctions.models import (
        Assignment, AssignmentGroupObjectPermission, JointCase, JointCaseGroupObjectPermission, Measure, MeasureFeedback, Memorandum,
    )
    from supervision import tallies

    rng = random.Random(args.seed)
    demo.seed()
    today = timezone.localdate()
    admin = User.objects.get(username="admin")
    rule_set = RuleSet.objects.order_by("-effective_from").first()
    memoranda = []
    for memorandum in Memorandum.objects.prefetch_related("initiators", "measures").order_by("code"):
        departments = sorted({m.department_id for m in memorandum.measures.all()})
        memoranda.append((memorandum.pk, memorandum.kind, [d.pk for d in memorandum.initiators.all()], departments))
    groups = dict(Department.objects.values_list("pk", "group_id"))
    measure_of = {}
    for measure in Measure.objects.order_by("code"):
        measure_of.setdefault(measure.department_id, measure.pk)
    work_perm = access.permission_id(Assignment, "work_assignment")
    manage_perm = access.permission_id(JointCase, "manage_jointcase")
    view_perm = access.permission_id(JointCase, "view_jointcase")

    # The dashboard tallies' triggers would run once per generated row: switch the session's
    # triggers off for the COPYs (generated rows are consistent, foreign keys included) and
    # rebuild the tallies in one pass afterwards, as the migration that installs them does.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    started = time.monotonic()
    subject_range = getattr(args, "subject_range", None)  # (first id, count): subjects generated already (bench/generate.py)
    if subject_range:
        first_subject, n_subjects = subject_range
    else:
        n_subjects = max(args.cases // 20, 100)
        first_subject = next_id(Subject)
        copy_rows(Subject, (
            {"id": first_subject + i, "kind": "legal_person", "name": f"基准测试企业{i}", "identifier": f"BENCH{args.seed:02d}{first_subject + i:011d}"[:18],
             "created_at": timezone.now(), "updated_at": timezone.now()}
            for i in range(n_subjects)
        ))
        fix_sequence(Subject)

    states = [s for s, _ in STATES]
    weights = [w for _, w in STATES]
    first_case, first_assignment = next_id(JointCase), next_id(Assignment)
    start_day = today - datetime.timedelta(days=args.days)
    cases, case_perms, assignments, assignment_perms, feedback, objections = [], [], [], [], [], []
    totals = {"cases": 0, "assignments": 0, "feedback": 0, "objections": 0}
    assignment_id = first_assignment

    def flush():
        totals["cases"] += copy_rows(JointCase, cases)
        copy_rows(JointCaseGroupObjectPermission, case_perms)
        totals["assignments"] += copy_rows(Assignment, assignments)
        copy_rows(AssignmentGroupObjectPermission, assignment_perms)
        totals["feedback"] += copy_rows(MeasureFeedback, feedback)
        totals["objections"] += copy_rows(Objection, objections)
        for batch in (cases, case_perms, assignments, assignment_perms, feedback, objections):
            batch.clear()

    for i in range(args.cases):
        case_id = first_case + i
        memorandum_id, kind, initiators, executing = rng.choice(memoranda)
        initiator = rng.choice(initiators)
        state = rng.choices(states, weights)[0]
        created = start_day + datetime.timedelta(days=rng.randrange(args.days))
        created_at = timezone.make_aware(datetime.datetime.combine(created, datetime.time(9))) + datetime.timedelta(seconds=rng.randrange(28800))
        pushed = state not in ("draft", "initiated")
        ended = state in ("repaired", "expired", "revoked")
        ended_at = created_at + datetime.timedelta(days=rng.randint(30, 700)) if ended else None
        if ended_at and ended_at > timezone.now():
            ended_at = timezone.now()
        cases.append({
            "id": case_id, "number": f"LJ-B{args.seed}-{case_id:09d}", "kind": kind, "subject_id": first_subject + rng.randrange(n_subjects),
            "basis": "bench", "memorandum_id": memorandum_id, "initiating_department_id": initiator, "created_by_id": admin.pk,
            "rule_set_id": rule_set.pk, "period_start": created, "period_end": created + datetime.timedelta(days=730), "state": state,
            "created_at": created_at, "initiated_at": created_at if state != "draft" else None, "pushed_at": created_at if pushed else None,
            "completed_at": created_at + datetime.timedelta(days=7) if state in ("feedback_complete", "repaired", "expired") else None,
            "ended_at": ended_at,
        })
        case_perms.append({"content_object_id": case_id, "group_id": groups[initiator], "permission_id": manage_perm})
        if not pushed:
            continue
        chosen = rng.sample(executing, min(len(executing), rng.randint(5, 10)))
        for department in chosen:
            on_time = rng.random() < 0.85
            sign_days = rng.choice([0, 1]) if on_time else rng.randint(2, 5)
            never = rng.random() < 0.04
            feedback_days = None if never else (rng.randint(max(sign_days, 2), 5) if rng.random() < 0.85 else rng.randint(6, 12))
            asg_state = {"pushed": "pending", "executing": "acknowledged", "suspended": "suspended"}.get(state, "fed_back")
            if ended:
                asg_state = "lifted" if rng.random() < 0.9 else "lifting"
            elif asg_state == "fed_back" and never:
                asg_state = "acknowledged"
            if state == "executing" and rng.random() < 0.5 and not never:
                asg_state = "fed_back"
            signed = asg_state != "pending"
            fed = asg_state in ("fed_back", "lifting", "lifted") and feedback_days is not None
            lift_opened = ended_at.date() if ended else None
            assignments.append({
                "id": assignment_id, "case_id": case_id, "department_id": department, "target_id": cases[-1]["subject_id"], "state": asg_state,
                "pushed_on": created, "sign_for_due": created + datetime.timedelta(days=1), "feedback_due": created + datetime.timedelta(days=7),
                "lift_opened_on": lift_opened, "lift_due": lift_opened + datetime.timedelta(days=4) if lift_opened else None,
                "acknowledged_at": created_at if signed else None, "fed_back_at": created_at if fed else None,
                "lifted_at": ended_at if asg_state == "lifted" else None,
                "sign_for_working_days": sign_days if signed else None, "signed_for_on_time": on_time if signed else None,
                "feedback_working_days": feedback_days if fed else None, "fed_back_on_time": (feedback_days <= 5) if fed else None,
                "lift_confirmed_on_time": (rng.random() < 0.9) if asg_state == "lifted" else None,
                "urge_count": 1 if rng.random() < 0.01 else 0, "created_at": created_at,
            })
            assignment_perms.append({"content_object_id": assignment_id, "group_id": groups[department], "permission_id": work_perm})
            if department != initiator:
                case_perms.append({"content_object_id": case_id, "group_id": groups[department], "permission_id": view_perm})
            if fed:
                feedback.append({"assignment_id": assignment_id, "measure_id": measure_of.get(department) or next(iter(measure_of.values())),
                                 "outcome": "applied", "occurred_on": created, "recorded_by_id": admin.pk, "created_at": created_at,
                                 "source": "later" if rng.random() < 0.05 else "feedback"})
            assignment_id += 1
        if rng.random() < 0.01:
            objections.append({
                "receipt_number": f"YYB{case_id:011d}", "channel": "public", "subject_id": cases[-1]["subject_id"], "case_id": case_id,
                "provider_department_id": initiator, "applicant_name": "bench", "contact": "bench", "grounds": "bench", "rule_set_id": rule_set.pk,
                "state": rng.choice(["submitted", "verifying", "dismissed", "upheld", "refused"]), "accept_due": created + datetime.timedelta(days=1),
                "verify_due": created + datetime.timedelta(days=7), "created_at": created_at,
            })
        if len(assignments) >= CHUNK:
            flush()
            print(f"  loaded {totals['cases'] + len(cases)} cases …", file=sys.stderr, end="\r")
    flush()

    # List entries and repair applications (a few per thousand cases).
    n_repairs = max(args.cases // 500, 10)
    first_entry = next_id(ListEntry)
    black = [(m.pk, m.initiators.order_by("pk").first().pk, m.domain) for m in Memorandum.objects.filter(list_type="black")]
    entries, repairs = [], []
    for i in range(n_repairs):
        _memo, department, domain = rng.choice(black)
        decided = start_day + datetime.timedelta(days=rng.randrange(args.days))
        entries.append({"id": first_entry + i, "subject_id": first_subject + rng.randrange(n_subjects), "list_type": "black", "severity": "general",
                        "domain": domain, "basis": "bench", "decision_number": f"B{args.seed}-{first_entry + i}", "decided_on": decided,
                        "identifying_department_id": department, "rule_set_id": rule_set.pk, "repair_possible_from": decided + datetime.timedelta(days=90),
                        "publication_ends_on": decided + datetime.timedelta(days=365), "state": "published",
                        "created_at": timezone.now(), "updated_at": timezone.now()})
        repairs.append({"receipt_number": f"XFB{first_entry + i:011d}", "channel": "public", "subject_id": entries[-1]["subject_id"],
                        "list_entry_id": first_entry + i, "deciding_department_id": department, "applicant_name": "bench", "contact": "bench",
                        "evidence": "bench", "rule_set_id": rule_set.pk, "state": rng.choice(["submitted", "reviewing", "approved", "rejected"]),
                        "answer_due": decided + datetime.timedelta(days=100), "decide_due": decided + datetime.timedelta(days=104),
                        "created_at": timezone.make_aware(datetime.datetime.combine(decided + datetime.timedelta(days=91), datetime.time(10)))})
    copy_rows(ListEntry, entries)
    totals["repairs"] = copy_rows(RepairApplication, repairs)
    for model in (JointCase, Assignment, JointCaseGroupObjectPermission, AssignmentGroupObjectPermission, MeasureFeedback, Objection, ListEntry,
                  RepairApplication):
        fix_sequence(model)
    totals["load_seconds"] = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("RESET session_replication_role")
    rebuild_started = time.monotonic()
    totals["tally_rows"] = tallies.rebuild()
    totals["tally_rebuild_seconds"] = round(time.monotonic() - rebuild_started, 1)
    started += totals["tally_rebuild_seconds"]
    # What autovacuum would have done by the time anyone looks: statistics and the visibility map
    # (index-only scans of the permission tables need it).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    totals["vacuum_seconds"] = round(time.monotonic() - started - totals["load_seconds"], 1)
    return totals


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE sanctions_measurefeedback, sanctions_assignment_measures, sanctions_assignmentgroupobjectpermission, "
            "sanctions_jointcasegroupobjectpermission, credit_platform_urge, repair_repairapplication, objections_objection, "
            "sanctions_assignment, sanctions_jointcase_measures, sanctions_jointcase, lists_listentry, "
            "credit_platform_assignmenttally, credit_platform_casetally CASCADE"
        )


# --- timing ------------------------------------------------------------------------------------------


def timed(func, repeat: int):
    best, result = None, None
    for _ in range(repeat):
        reset_queries()
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return round(best, 4), result


def rows_of(result) -> int:
    if isinstance(result, dict):
        if "rows" in result:
            return len(result["rows"])
        if "departments" in result:
            return len(result["departments"])
        return len(result)
    if isinstance(result, (list, tuple)):
        return len(result)
    return int(result) if isinstance(result, int) else 1


def list_count(scope, figure: str) -> int:
    from supervision import selectors

    known = selectors.drilldown_count(scope, kind="assignments", figure=figure)
    return known if known is not None else selectors.drilldown(scope, kind="assignments", figure=figure).count()


def measure(args) -> dict:
    from credit_platform.models import User
    from supervision import selectors

    today = timezone.localdate()
    last_month = selectors.Filters(date_from=today - datetime.timedelta(days=30), date_to=today)
    results = {}
    for username in ("leader", "finance", "court"):
        user = User.objects.get(username=username)
        for label, filters in (("all", selectors.Filters()), ("last30d", last_month), ("dept", selectors.Filters(department="finance"))):
            if username != "leader" and label == "dept":
                continue
            scope = selectors.scope_for(user=user, filters=filters)
            groups = {
                "summary": lambda s=scope: selectors.summary(s),
                "scorecard": lambda s=scope: selectors.scorecard(s),
                "case_breakdown": lambda s=scope: selectors.case_breakdown(s),
                "cases_by_month": lambda s=scope: selectors.cases_by_month(s),
                "initiators": lambda s=scope: selectors.initiators(s),
                "objections_repairs": lambda s=scope: selectors.objections_and_repairs(s),
                # The drill-down page's total: from the tallies where they hold the list (as the page does).
                "overdue_list_count": lambda s=scope: list_count(s, "overdue_now"),
                "received_list_count": lambda s=scope: list_count(s, "received"),
                "overdue_list_page": lambda s=scope: len(list(selectors.drilldown(s, kind="assignments", figure="overdue_now")[:200])),
            }
            for name, func in groups.items():
                seconds, result = timed(func, args.repeat)
                results[f"{username}.{label}.{name}"] = {"seconds": seconds, "rows": rows_of(result)}
    if args.explain:
        from django.db.models import Count

        for username in ("leader", "finance"):
            scope = selectors.scope_for(user=User.objects.get(username=username))
            queryset = selectors.assignments(scope).values("department_id").annotate(n=Count("pk")).order_by()
            print(f"-- {username}: pushes per department", queryset.explain(analyze=True), sep="\n", file=sys.stderr)
    return results


PAGES = [
    "/dashboard/", "/dashboard/scorecard/", "/dashboard/initiators/", "/dashboard/objections-repairs/",
    "/dashboard/list/?kind=assignments&figure=overdue_now", "/dashboard/list/?kind=assignments&figure=received",
    "/dashboard/list/?kind=cases",
]


def measure_pages(args) -> dict:
    """Whole pages as a browser gets them (Django test client: middleware, queries, templates)."""
    from django.test import Client

    from credit_platform.models import User

    from django.conf import settings
    from django.test.utils import override_settings

    # Static URLs without the manifest (collectstatic is a deployment step, not the bench's).
    plain_static = override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}})
    plain_static.enable()
    results = {}
    for username in ("leader", "finance"):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in PAGES:
            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return len(response.content)

            seconds, size = timed(get, args.repeat)
            results[f"{username} {url}"] = {"seconds": seconds, "bytes": size}
    plain_static.disable()
    return results


def table_sizes() -> dict:
    tables = ["sanctions_jointcase", "sanctions_assignment", "sanctions_assignmentgroupobjectpermission", "sanctions_jointcasegroupobjectpermission",
              "sanctions_measurefeedback", "objections_objection", "repair_repairapplication"]
    sizes = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}")
            count, size = cursor.fetchone()
            sizes[table] = {"rows": count, "size": size}
    return sizes


def main():
    args = parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    if args.migrate:
        call_command("migrate", verbosity=0)
    if args.reset:
        reset()
    loaded = {} if args.skip_load else load(args)
    if args.vacuum and args.skip_load:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if args.jit != "server":
        with connection.cursor() as cursor:
            cursor.execute(f"SET jit = {args.jit}")
    report = {
        "database": connection.settings_dict["NAME"],
        "postgresql": connection.cursor().connection.info.server_version,
        "loaded": loaded,
        "jit": args.jit,
        "tables": table_sizes(),
        "queries": measure(args),
        "pages": measure_pages(args),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
