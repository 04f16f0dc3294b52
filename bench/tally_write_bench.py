#!/usr/bin/env python
"""What the dashboard tallies' triggers cost the writers (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dash .venv/bin/python bench/tally_write_bench.py --cases 200

Opens ``--cases`` cases through the real services (create, initiate, push to every executing
department, each push signed for), once with the tally triggers switched off and once with them
on, each run in a transaction rolled back at the end (nothing is kept; the after-commit side
effects never run, so the figures are the database work alone). Prints seconds per run, pushes
written and the triggers' share. Run it on the scratch database of ``dashboard_bench.py`` to
write into tables of realistic size. Needs ALTER TABLE rights (it disables triggers inside the
rolled-back transaction).
"""
import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

TRIGGERS = [
    ("sanctions_assignment", "dashboard_tally_assignment_ins_del"), ("sanctions_assignment", "dashboard_tally_assignment_upd"),
    ("sanctions_measurefeedback", "dashboard_tally_feedback_ins_del"), ("sanctions_measurefeedback", "dashboard_tally_feedback_upd"),
    ("sanctions_jointcase", "dashboard_tally_case_ins_del"), ("sanctions_jointcase", "dashboard_tally_case_upd"),
]


def run(cases: int, *, triggers: bool) -> dict:
    from credit_platform import demo
    from credit_platform.models import Subject, SubjectKind, User
    from sanctions import services
    from sanctions.models import Memorandum

    demo.seed()
    court = User.objects.select_related("department").get(username="court")
    memorandum = Memorandum.objects.get(code="judgement-defaulters")
    subjects = list(Subject.objects.filter(kind=SubjectKind.LEGAL_PERSON).order_by("-pk")[:cases])
    users = {}
    pushes = 0
    with transaction.atomic():
        if not triggers:
            with connection.cursor() as cursor:
                for table, trigger in TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        started = time.perf_counter()
        for subject in subjects:
            case = services.case_create(
                actor=court, subject=subject, kind="punishment", memorandum=memorandum, basis="bench", basis_document="bench",
                period_start=datetime.date.today(), period_end=datetime.date.today() + datetime.timedelta(days=3 * 365),
            )
            services.case_initiate(case=case, actor=court)
            case = services.case_push(case=case, actor=court)
            for assignment in case.assignments.select_related("department").order_by("pk"):
                code = assignment.department.code
                actor = users.get(code) or users.setdefault(code, User.objects.select_related("department").get(username=code))
                services.assignment_acknowledge(assignment=assignment, actor=actor)
                pushes += 1
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"cases": len(subjects), "pushes": pushes, "seconds": round(seconds, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    off = run(args.cases, triggers=False)
    on = run(args.cases, triggers=True)
    off_again = run(args.cases, triggers=False)  # the first run warms caches: take the better "off"
    best_off = min(off["seconds"], off_again["seconds"])
    print(json.dumps({
        "triggers_off": {**off, "seconds": best_off},
        "triggers_on": on,
        "overhead_percent": round(100 * (on["seconds"] - best_off) / best_off, 1) if best_off else None,
        "ms_per_push_off": round(1000 * best_off / max(off["pushes"], 1), 2),
        "ms_per_push_on": round(1000 * on["seconds"] / max(on["pushes"], 1), 2),
    }, indent=2))


if __name__ == "__main__":
    main()
