"""The in-process scenarios: each prints its figures with the baseline timed in the same run."""
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

from bench import harness
from bench.harness import emit, note, ratio, summary, timed

API = "/api/v1"


def views(n: int = 300) -> dict:
    read, write = harness.baseline("read", n), harness.baseline("write", n)
    emit("baseline.read", **read, note="bare DRF view, token auth, SELECT one row by pk")
    emit("baseline.write", **write, note="bare DRF view, token auth, UPDATE one row by pk in a durable transaction")
    return {"read": read, "write": write}


# --- the credit check --------------------------------------------------------------------------------


def credit_check(n: int = 500, subjects: int = 0) -> dict:
    """GET /credit-check/ on random subjects (a tenth of them on a list) against the bare read."""
    from credit_platform.models import Subject

    if subjects:
        have = Subject.objects.filter(name__startswith="基准测试企业").count()
        if have < subjects:
            from bench import generate

            generate.subjects_and_entries(subjects - have, 10, seed=2)
    identifiers = list(Subject.objects.filter(name__startswith="基准测试企业").order_by("?").values_list("identifier", flat=True)[:n])
    if not identifiers:
        identifiers = list(Subject.objects.values_list("identifier", flat=True)[:n])
    base = harness.Interleaved("read")
    web = harness.client("finance")
    for identifier in identifiers[:20]:
        timed(lambda i=identifier: web.get(f"{API}/credit-check/", {"identifier": i, "purpose": "bench"}))
    times, queries = [], []
    for identifier in identifiers:
        ms, q = timed(lambda i=identifier: web.get(f"{API}/credit-check/", {"identifier": i, "purpose": "bench"}))
        times.append(ms)
        queries.append(q)
        base.tick()
    got = summary(times, queries)
    base = {"p50_ms": base.p50()}
    total = Subject.objects.count()
    return emit("credit_check", **got, subjects=total, baseline_read_p50_ms=base["p50_ms"], ratio=ratio(base["p50_ms"], got["p50_ms"]),
                target_ratio=0.5, target_queries=4, note="queries include auth token lookup and the check's log write")


# --- transitions ---------------------------------------------------------------------------------------


def fresh_subjects(count: int, seed: int = 3) -> list[int]:
    """Ids of generated subjects without a case (more generated when short)."""
    from credit_platform.models import Subject

    def free():
        return list(Subject.objects.filter(name__startswith="基准测试企业", cases__isnull=True).order_by("-pk").values_list("pk", flat=True)[:count])

    ids = free()
    if len(ids) < count:
        from bench import generate

        generate.subjects_and_entries(count, 0, seed=seed)
        ids = free()
    return ids


def _add_responsible_persons(subject_ids: list[int], persons: int) -> None:
    """``persons`` directly responsible persons for each organisation (落实到人: their pushes fan out)."""
    from django.utils import timezone

    from bench import dashboard_bench as loader
    from bench.common import citizen_id
    from credit_platform.models import ResponsiblePerson, Subject

    first = loader.next_id(Subject)
    now = timezone.now()
    rows = [{"id": first + i, "kind": "natural_person", "name": f"责任人{first + i}", "identifier": citizen_id(first + i),
             "created_at": now, "updated_at": now} for i in range(len(subject_ids) * persons)]
    loader.copy_rows(Subject, rows)
    loader.fix_sequence(Subject)
    ResponsiblePerson.objects.bulk_create([
        ResponsiblePerson(organisation_id=organisation, person_id=first + n * persons + k, role="directly_responsible")
        for n, organisation in enumerate(subject_ids) for k in range(persons)
    ])


def _draft_cases(count: int, seed: int = 3, persons: int = 0) -> list[int]:
    """Draft court cases on generated subjects (through the service: not timed)."""
    from credit_platform.models import Subject, User
    from sanctions import services
    from sanctions.models import Memorandum

    court = User.objects.select_related("department").get(username="court")
    memorandum = Memorandum.objects.get(code="judgement-defaulters")
    today = datetime.date.today()
    subject_ids = fresh_subjects(count, seed)
    if persons:
        _add_responsible_persons(subject_ids, persons)
    return [
        services.case_create(actor=court, subject=s, kind="punishment", memorandum=memorandum, basis="bench", basis_document="bench",
                             period_start=today, period_end=today + datetime.timedelta(days=700)).pk
        for s in Subject.objects.filter(pk__in=subject_ids)
    ]


def transitions(cases: int = 30) -> dict:
    """initiate, push (court), sign-for and feedback (one push per case, by its department) over the API."""
    from sanctions.models import Assignment

    drafts = _draft_cases(cases)
    bare = harness.Interleaved("write")
    court = harness.client("court")
    figures = {name: ([], []) for name in ("initiate", "push", "acknowledge", "feedback")}
    for case_id in drafts:
        bare.tick(4)  # one bare write per move
        for name in ("initiate", "push"):
            ms, q = timed(lambda n=name: court.post(f"{API}/cases/{case_id}/{n}/"))
            figures[name][0].append(ms)
            figures[name][1].append(q)
        assignment = Assignment.objects.filter(case_id=case_id).select_related("department").order_by("pk").first()
        web = harness.client(assignment.department.code)
        ms, q = timed(lambda a=assignment: web.post(f"{API}/assignments/{a.pk}/acknowledge/"))
        figures["acknowledge"][0].append(ms)
        figures["acknowledge"][1].append(q)
        items = [{"measure": m, "outcome": "applied"} for m in assignment.measures.values_list("pk", flat=True)]
        ms, q = timed(lambda a=assignment: web.post(f"{API}/assignments/{a.pk}/feedback/", {"items": items}, content_type="application/json"))
        figures["feedback"][0].append(ms)
        figures["feedback"][1].append(q)
    base = {"p50_ms": bare.p50()}
    out = {}
    for name, (times, queries) in figures.items():
        got = summary(times, queries)
        out[name] = emit(f"transition.{name}", **got, median_queries=statistics.median(queries), baseline_write_p50_ms=base["p50_ms"],
                         ratio=ratio(base["p50_ms"], got["p50_ms"]), target_ratio=0.33)
    medians = [statistics.median(f[0]) for f in figures.values()]
    emit("transition.median_of_four", p50_ms=round(statistics.median(medians), 2), baseline_write_p50_ms=base["p50_ms"],
         ratio=ratio(base["p50_ms"], statistics.median(medians)), target_ratio=0.33)
    return out


# --- push fan-out against the naive loop ------------------------------------------------------------------


def fanout(cases: int = 20, persons: int = 0) -> dict:
    """The push service (bulk rows, audit, notifications) per push row, against the loop a typical team
    writes: one ``save()`` and one ``assign_perm`` per row (no audit at all). Both rolled back. With
    ``persons``, each company has that many directly responsible persons, and each measure that
    reaches them is pushed once per person: a wide fan-out."""
    from django.db import transaction
    from guardian.shortcuts import assign_perm

    from credit_platform.models import Department, User
    from sanctions import services
    from sanctions.models import Assignment, JointCase

    court = User.objects.select_related("department").get(username="court")
    drafts = _draft_cases(cases, seed=4 + persons, persons=persons)
    for case_id in drafts:
        services.case_initiate(case=JointCase.objects.get(pk=case_id), actor=court)
    groups = dict(Department.objects.values_list("pk", "group_id"))
    rows = 0
    with transaction.atomic():
        started = time.perf_counter()
        for case_id in drafts:
            services.case_push_in_transaction(case=JointCase(pk=case_id), actor=court)
        bulk_s = time.perf_counter() - started
        plan = list(Assignment.objects.filter(case_id__in=drafts).values("case_id", "department_id", "target_id", "target_role",
                                                                       "pushed_on", "sign_for_due", "feedback_due"))
        rows = len(plan)
        transaction.set_rollback(True)
    from django.contrib.auth.models import Group

    group_objects = {g.pk: g for g in Group.objects.all()}
    with transaction.atomic():
        started = time.perf_counter()
        for row in plan:
            assignment = Assignment(**row)
            assignment.save()
            assign_perm("sanctions.work_assignment", group_objects[groups[row["department_id"]]], assignment)
        naive_s = time.perf_counter() - started
        transaction.set_rollback(True)
    per_bulk, per_naive = bulk_s * 1000 / rows, naive_s * 1000 / rows
    return emit("push.fanout" + (f".persons{persons}" if persons else ""), rows=rows, cases=len(drafts), persons_per_company=persons, push_ms_per_row=round(per_bulk, 3), naive_ms_per_row=round(per_naive, 3),
                ratio=round(per_naive / per_bulk, 2), target_ratio=20,
                note="push: the service with its audit events and notifications; naive: save() + assign_perm per row, no audit")


# --- dashboard, deadline scan, import ----------------------------------------------------------------------


def dashboard(repeat: int = 5) -> dict:
    from credit_platform.models import User
    from sanctions.models import JointCase

    base = harness.baseline("read", 200, username="leader")
    web = harness.client("leader")
    out = {}
    # The pages are HTML behind the session login: the client logs in as the leader.
    web.force_login(User.objects.get(username="leader"))
    for url in ("/dashboard/", "/dashboard/scorecard/"):
        timed(lambda u=url: web.get(u))
        times = [timed(lambda u=url: web.get(u))[0] for _i in range(repeat)]
        got = summary(times)
        out[url] = emit("dashboard." + (url.strip("/").split("/")[-1] if url != "/dashboard/" else "home"), **got, best_ms=round(min(times), 1),
                        cases=JointCase.objects.count(), baseline_read_p50_ms=base["p50_ms"], target_ms=300)
    return out


def deadline_scan() -> dict:
    from django.db import transaction

    from django.utils import timezone

    from credit_platform.models import Notification
    from sanctions import services
    from sanctions.models import Assignment

    assignments = Assignment.objects.count()
    # A scratch database: today's digests of earlier runs go, so the first scan has something to tell.
    Notification.objects.filter(verb="assignments_overdue", created_at__date=timezone.localdate()).delete()
    before = Notification.objects.count()
    started = time.perf_counter()
    with transaction.atomic():
        first = services.deadlines_notify_overdue()
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        second = services.deadlines_notify_overdue()
    second_s = time.perf_counter() - started
    after = Notification.objects.count()
    return emit("deadline_scan", assignments=assignments, seconds=round(first_s, 3), departments_told=first, second_run_told=second,
                second_run_seconds=round(second_s, 3), notifications_written=after - before, target_seconds_at_2m=10,
                target_second_run_told=0)


def import_(rows: int = 20_000) -> dict:
    """bench/import_bench.py in a child process (a fresh interpreter, its own peak memory)."""
    from django.conf import settings
    from django.db import connection

    base = _copy_baseline(rows)
    command = [sys.executable, str(harness.ROOT / "bench" / "import_bench.py"), "--rows", str(rows), "--no-tracemalloc"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "credit_platform.settings.base"}
    note(f"import: {' '.join(command)} on {settings.DATABASES['default']['NAME']}")
    connection.close()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    figures = result.get("import", result)
    rate = figures.get("rows_per_sec")
    return emit("import.list", rows=rows, rows_per_sec=rate, maxrss_mb=result.get("maxrss_mb") or figures.get("maxrss_mb_after"),
                predicted_seconds_1m=round(1_000_000 / rate) if rate else None, target_seconds_1m=60,
                baseline_copy_rows_per_sec=base, ratio=round(rate / base, 3) if rate and base else None)


def _copy_baseline(rows: int) -> float:
    """COPY of ``rows`` narrow rows into a temporary table: the database's own bulk limit on this machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS bench_copy (id bigint primary key, identifier text, name text, decided_on date)")
        cursor.execute("TRUNCATE bench_copy")
        started = time.perf_counter()
        with cursor.copy("COPY bench_copy FROM STDIN") as copy:
            for i in range(rows):
                copy.write_row((i, f"91620702{i:010d}", f"企业{i}", datetime.date(2026, 1, 1)))
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return round(rows / seconds)

