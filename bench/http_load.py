"""Whole lifecycles over HTTP: gunicorn on loopback (the bench settings) and locust, headless and
bounded in time, from a separate virtual environment (bench/requirements-bench.txt: LOCUST=path)."""
import csv
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import harness
from bench.harness import emit, note

LOCUST = os.environ.get("LOCUST") or shutil.which("locust") or "/tmp/locust-venv/bin/locust"
GUNICORN = os.environ.get("GUNICORN") or str(Path(sys.executable).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _plan(path: Path, lifecycles: int) -> None:
    from credit_platform.models import Department, Subject
    from sanctions.models import Memorandum

    from bench.scenarios import fresh_subjects

    memorandum = Memorandum.objects.get(code="judgement-defaulters")
    departments = ["court", *Department.objects.filter(measures__memoranda=memorandum).values_list("code", flat=True).distinct()]
    tokens = {code: harness.token(code) for code in departments}
    subjects = fresh_subjects(lifecycles)
    assert Subject.objects.filter(pk__in=subjects).count() == len(subjects)
    path.write_text(json.dumps({"tokens": tokens, "subjects": subjects, "memorandum": memorandum.pk}), encoding="utf-8")


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def run(*, seconds: int = 30, users: int = 8, workers: int = 2) -> dict:
    from django.conf import settings
    from django.db import connection

    if not Path(LOCUST).exists():
        raise SystemExit(f"locust not found at {LOCUST}: python3.11 -m venv /tmp/locust-venv && /tmp/locust-venv/bin/pip install -r bench/requirements-bench.txt")
    work = Path(tempfile.mkdtemp(prefix="bench-http-"))
    plan = work / "plan.json"
    _plan(plan, lifecycles=max(200, seconds * 20))
    connection.close()
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(harness.ROOT), "DEBUG": "false",
           "DATABASE_URL": os.environ["DATABASE_URL"], "BENCH_LOCUST_PLAN": str(plan)}
    server = subprocess.Popen(
        [GUNICORN, "credit_platform.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null", "--log-level", "warning"],
        cwd=harness.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(work / "gunicorn.log", "w"),
    )
    try:
        for _i in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        subprocess.run(
            [LOCUST, "-f", str(harness.ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users), "-r", str(users),
             "-t", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(work / "stats"), "--only-summary",
             "--stop-timeout", "5"],
            env=env, check=False, timeout=seconds + 60, stdout=subprocess.DEVNULL, stderr=open(work / "locust.log", "w"),
        )
        wall = time.monotonic() - started
        after_locust = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        server.terminate()
        server.wait(timeout=30)
    after_server = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows = {row["Name"]: row for row in csv.DictReader(open(work / "stats_stats.csv", encoding="utf-8"))}
    moves = {name: int(rows[name]["Request Count"]) for name in ("create", "initiate", "push", "acknowledge", "feedback") if name in rows}
    failures = int(rows["Aggregated"]["Failure Count"]) if "Aggregated" in rows else None
    transitions = sum(moves.values())
    locust_cpu = _cpu(after_locust) - _cpu(before)
    server_cpu = _cpu(after_server) - _cpu(after_locust)
    cores = os.cpu_count() or 1
    note(f"http: logs in {work}")
    return emit(
        "http.lifecycles", seconds=round(wall, 1), users=users, gunicorn_workers=workers, transitions=transitions, failures=failures,
        transitions_per_sec=round(transitions / wall, 1), per_core=round(transitions / wall / cores, 1), cores=cores,
        per_gunicorn_cpu_second=round(transitions / server_cpu, 1) if server_cpu else None,
        locust_cpu_share=round(locust_cpu / (wall * cores), 3), gunicorn_cpu_share=round(server_cpu / (wall * cores), 3),
        p50_ms={name: rows[name]["50%"] for name in moves}, moves=moves, target_per_core=100,
        note="PostgreSQL shares the same cores (its CPU is in neither share)", database=settings.DATABASES["default"]["NAME"],
    )
