#!/usr/bin/env python
"""Benchmark of the credit-record importer (records.importing) against the database in DATABASE_URL.

Generates an N-row CSV in the English columns (penalties and licences of the demo market bureau, new
subjects, every ``--invalid-every``-th row invalid in one of four ways), imports it as the market
bureau, and prints one JSON object: rows per second and peak memory. See bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python bench/records_import_bench.py --rows 100000
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

HEADER = ["identifier", "name", "kind", "record_type", "decision_number", "decided_on", "severity", "basis", "valid_until",
          "violation_type", "facts", "penalty_content", "fine_amount", "licence_name", "licence_content"]
INVALID_KINDS = ["check_digit", "record_type", "future_date", "missing_basis"]
BASIS = "《中华人民共和国食品安全法》第一百二十四条"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows in the generated file (default 100,000)")
    parser.add_argument("--invalid-every", type=int, default=100, help="every Nth row is invalid (0: none)")
    parser.add_argument("--persons-every", type=int, default=10, help="every Nth row is about a natural person")
    parser.add_argument("--repeat", action="store_true", help="import the same file a second time (every row unchanged) and report it too")
    parser.add_argument("--no-tracemalloc", action="store_true", help="measure speed without tracemalloc's overhead")
    parser.add_argument("--offset", type=int, default=None, help="first identifier number (default: from the clock, so runs do not collide)")
    return parser.parse_args(argv)


def generate(path: Path, args) -> dict:
    """Write the CSV row by row (nothing held in memory); half penalties, half licences."""
    today = datetime.date.today()
    offset = args.offset if args.offset is not None else int(time.time()) % 100_000 * 10_000 + 5_000_000
    counts = {"valid": 0, "invalid": 0}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(args.rows):
            n = offset + i
            person = args.persons_every and i % args.persons_every == 0
            identifier = citizen_id(n) if person else uscc(n)
            name = f"{SURNAMES[n % len(SURNAMES)]}某{n % 97}" if person else f"示范区测试{n}有限公司"
            decided = (today - datetime.timedelta(days=1 + n % 30)).isoformat()
            kind = "natural_person" if person else "legal_person"
            if i % 2:
                values = [identifier, name, kind, "administrative-penalty", f"甘示市监罚〔2026〕{n}号", decided, "general", BASIS, "",
                          "超范围使用食品添加剂", "抽检不合格", "罚款人民币五万元", "5", "", ""]
            else:
                values = [identifier, name, kind, "administrative-licensing", f"甘示市监许〔2026〕{n}号", decided, "", "", "",
                          "", "", "", "", "食品经营许可证", "预包装食品销售"]
            if args.invalid_every and i % args.invalid_every == args.invalid_every - 1:
                bad = INVALID_KINDS[(i // args.invalid_every) % len(INVALID_KINDS)]
                if bad == "check_digit":
                    values[0] = identifier[:-1] + ("1" if identifier[-1] != "1" else "2")
                elif bad == "record_type":
                    values[3] = "astrology"
                elif bad == "future_date":
                    values[5] = (today + datetime.timedelta(days=5)).isoformat()
                else:
                    values[3], values[7] = "administrative-penalty", ""
                counts["invalid"] += 1
            else:
                counts["valid"] += 1
            writer.writerow(values)
    return {**counts, "offset": offset, "bytes": path.stat().st_size}


def run_import(path: Path, actor, *, trace: bool) -> dict:
    from records import importing
    from records.models import RecordImportRowError

    return timed_import(
        path, create=lambda upload: importing.record_import_create(upload=upload, actor=actor),
        run=lambda batch_id: importing.record_import_run(batch_id=batch_id), error_model=RecordImportRowError, trace=trace,
    )


def main(argv=None):
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection

    from credit_platform import demo
    from credit_platform.importing import runs
    from credit_platform.models import User

    demo.seed()  # idempotent: the market bureau, its user and the information catalogue
    actor = User.objects.select_related("department").get(username="market")
    path = Path(tempfile.mkstemp(suffix=".csv", prefix="records-import-bench-")[1])
    try:
        started = time.perf_counter()
        content = generate(path, args)
        generated = time.perf_counter() - started
        rss_before = maxrss_mb()
        report = {
            "bench": "records.importing",
            "rows": args.rows,
            "file": {**content, "seconds_to_generate": round(generated, 2)},
            "chunk_size": runs.CHUNK_SIZE,
            "maxrss_mb_before_import": rss_before,
            "import": run_import(path, actor, trace=not args.no_tracemalloc),
        }
        if args.repeat:
            report["reimport"] = run_import(path, actor, trace=not args.no_tracemalloc)
        report["maxrss_mb"] = maxrss_mb()
        report["database_name"] = connection.settings_dict["NAME"]
    finally:
        path.unlink(missing_ok=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
