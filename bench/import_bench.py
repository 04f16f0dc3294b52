#!/usr/bin/env python
"""Benchmark of the decided-list importer (lists.importing) against the database in DATABASE_URL.

Generates an N-row CSV (valid rows, and every ``--invalid-every``-th row invalid in one of four ways),
imports it as the demo court, and prints one JSON object: rows per second and peak memory
(``resource.getrusage`` max RSS and ``tracemalloc`` peak). See bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python bench/import_bench.py --rows 100000
"""
import argparse
import csv
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import SURNAMES, citizen_id, maxrss_mb, timed_import, uscc  # noqa: E402 - after the path

DOMAINS = ["judicial", "tax", "environment", "labour", "work_safety", "food_drug", "construction", "market"]
INVALID_KINDS = ["check_digit", "domain", "future_date", "missing_basis"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows in the generated file (default 1,000,000)")
    parser.add_argument("--invalid-every", type=int, default=100, help="every Nth row is invalid (0: none)")
    parser.add_argument("--persons-every", type=int, default=10, help="every Nth row is a natural person")
    parser.add_argument("--chunk-size", type=int, default=None, help="rows per transaction (default credit_platform.importing.runs.CHUNK_SIZE)")
    parser.add_argument("--strict", action="store_true", help="strict mode (any invalid row: nothing imported; use --invalid-every 0)")
    parser.add_argument("--repeat", action="store_true", help="import the same file a second time (every row unchanged) and report it too")
    parser.add_argument("--no-tracemalloc", action="store_true", help="measure speed without tracemalloc's overhead")
    parser.add_argument("--offset", type=int, default=None, help="first identifier number (default: from the clock, so runs do not collide)")
    parser.add_argument("--csv", type=Path, default=None, help="write the generated file here (default: a temporary file, deleted)")
    return parser.parse_args(argv)


def generate(path: Path, args) -> dict:
    """Write the CSV row by row (nothing held in memory); return what it contains."""
    today = datetime.date.today()
    offset = args.offset if args.offset is not None else int(time.time()) % 100_000 * 10_000
    counts = {"valid": 0, "invalid": 0}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["identifier", "name", "kind", "list_type", "severity", "domain", "basis", "decision_number", "decided_on"])
        for i in range(args.rows):
            n = offset + i
            person = args.persons_every and i % args.persons_every == 0
            identifier = citizen_id(n) if person else uscc(n)
            name = f"{SURNAMES[n % len(SURNAMES)]}某{n % 97}" if person else f"示范区测试{n}有限公司"
            decided = today - datetime.timedelta(days=30 + n % 300)
            values = [
                identifier, name, "natural_person" if person else "legal_person", "black", "severe",
                DOMAINS[n % len(DOMAINS)], "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
                f"（2026）甘0702执{n}号", decided.isoformat(),
            ]
            if args.invalid_every and i % args.invalid_every == args.invalid_every - 1:
                kind = INVALID_KINDS[(i // args.invalid_every) % len(INVALID_KINDS)]
                if kind == "check_digit":
                    values[0] = identifier[:-1] + ("1" if identifier[-1] != "1" else "2")
                elif kind == "domain":
                    values[5] = "astrology"
                elif kind == "future_date":
                    values[8] = (today + datetime.timedelta(days=5)).isoformat()
                else:
                    values[6] = ""
                counts["invalid"] += 1
            else:
                counts["valid"] += 1
            writer.writerow(values)
    return {**counts, "offset": offset, "bytes": path.stat().st_size}


def run_import(path: Path, actor, *, strict: bool, trace: bool) -> dict:
    from lists import importing
    from lists.models import ImportRowError

    return timed_import(
        path, create=lambda upload: importing.import_batch_create(upload=upload, actor=actor, strict=strict),
        run=lambda batch_id: importing.import_run(batch_id=batch_id, open_cases=False), error_model=ImportRowError, trace=trace,
    )


def main(argv=None):
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection

    from credit_platform import demo
    from credit_platform.models import User
    from credit_platform.importing import runs

    if args.chunk_size:
        runs.CHUNK_SIZE = args.chunk_size
    demo.seed()  # idempotent: the court and its user
    actor = User.objects.select_related("department").get(username="court")

    owned = args.csv is None
    path = args.csv or Path(tempfile.mkstemp(suffix=".csv", prefix="import-bench-")[1])
    try:
        started = time.perf_counter()
        content = generate(path, args)
        generated = time.perf_counter() - started
        rss_before = maxrss_mb()
        first = run_import(path, actor, strict=args.strict, trace=not args.no_tracemalloc)
        report = {
            "bench": "lists.importing",
            "rows": args.rows,
            "file": {**content, "seconds_to_generate": round(generated, 2)},
            "chunk_size": runs.CHUNK_SIZE,
            "strict": args.strict,
            "maxrss_mb_before_import": rss_before,
            "import": first,
        }
        if args.repeat:
            report["reimport"] = run_import(path, actor, strict=args.strict, trace=not args.no_tracemalloc)
        report["maxrss_mb"] = maxrss_mb()
        report["database_name"] = connection.settings_dict["NAME"]
    finally:
        if owned:
            path.unlink(missing_ok=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
