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
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")
# As in production: with DEBUG on, Django keeps the SQL of the last 9,000 queries in memory.
os.environ.setdefault("DEBUG", "false")

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
DOMAINS = ["judicial", "tax", "environment", "labour", "work_safety", "food_drug", "construction", "market"]
INVALID_KINDS = ["check_digit", "domain", "future_date", "missing_basis"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows in the generated file (default 1,000,000)")
    parser.add_argument("--invalid-every", type=int, default=100, help="every Nth row is invalid (0: none)")
    parser.add_argument("--persons-every", type=int, default=10, help="every Nth row is a natural person")
    parser.add_argument("--chunk-size", type=int, default=None, help="rows per transaction (default lists.importing.batches.CHUNK_SIZE)")
    parser.add_argument("--strict", action="store_true", help="strict mode (any invalid row: nothing imported; use --invalid-every 0)")
    parser.add_argument("--repeat", action="store_true", help="import the same file a second time (every row unchanged) and report it too")
    parser.add_argument("--no-tracemalloc", action="store_true", help="measure speed without tracemalloc's overhead")
    parser.add_argument("--offset", type=int, default=None, help="first identifier number (default: from the clock, so runs do not collide)")
    parser.add_argument("--csv", type=Path, default=None, help="write the generated file here (default: a temporary file, deleted)")
    return parser.parse_args(argv)


def uscc(n: int, division: str = "620702") -> str:
    from credit_platform.identifiers import uscc_check_character

    body = ""
    for _i in range(9):
        n, digit = divmod(n, len(USCC_CHARSET))
        body = USCC_CHARSET[digit] + body
    first17 = f"91{division}{body}"
    return first17 + uscc_check_character(first17)


def citizen_id(n: int, division: str = "620702") -> str:
    from credit_platform.identifiers import citizen_id_check_character

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=(n // 1000) % 15000)
    first17 = f"{division}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + citizen_id_check_character(first17)


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


def maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run_import(path: Path, actor, *, strict: bool, trace: bool) -> dict:
    from django.core.files import File
    from django.db import connection

    from lists import importing
    from lists.models import ImportBatch, ImportRowError

    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    with open(path, "rb") as fh:
        batch, info = importing.import_batch_create(upload=File(fh, name=path.name), actor=actor, strict=strict)
    prepared = time.perf_counter()
    batch = importing.import_run(batch_id=batch.pk, open_cases=False)
    finished = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    rows = batch.rows_total
    result = {
        "state": batch.state,
        "rows": rows,
        "created": batch.created_count,
        "unchanged": batch.unchanged_count,
        "refused": batch.error_count,
        "row_issues_stored": ImportRowError.objects.filter(batch=batch).count(),
        "seconds_prepare": round(prepared - started, 2),  # checksum, stored copy, header check, row count
        "seconds_import": round(finished - prepared, 2),
        "rows_per_sec": round(rows / (finished - prepared), 1) if finished > prepared else None,
        "rows_per_sec_overall": round(rows / (finished - started), 1) if finished > started else None,
        "tracemalloc_peak_mb": round(peak / 1024 / 1024, 1) if peak is not None else None,
        "maxrss_mb_after": maxrss_mb(),
        "database": connection.vendor,
    }
    batch.file.delete(save=False)  # the stored copy of the generated file
    ImportBatch.objects.filter(pk=batch.pk).update(file="")
    return result


def main(argv=None):
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection

    from credit_platform import demo
    from credit_platform.models import User
    from lists.importing import batches

    if args.chunk_size:
        batches.CHUNK_SIZE = args.chunk_size
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
            "chunk_size": batches.CHUNK_SIZE,
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
