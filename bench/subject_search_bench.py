#!/usr/bin/env python
"""Subject name search (admin search boxes, public list query) at scale (not a test).

    createdb -h 127.0.0.1 -U postgres bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_search .venv/bin/python bench/subject_search_bench.py --migrate --subjects 1000000

Adds ``--subjects`` generated organisations (Chinese names built from a few hundred syllables, so
a search term matches a realistic handful) unless ``--skip-load``, then times the query Django
makes for ``name__icontains`` (first 100 rows and the count) for a few terms, with the trigram
index (migration credit_platform 0008) and without it (dropped inside a transaction that is rolled
back). Prints JSON: seconds (best of ``--repeat``), rows matched.
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

PLACES = "金川永昌河西武威张掖酒泉嘉峪兰州天水平凉庆阳定西陇南临夏甘南白银敦煌玉门"
WORDS = "建筑工程贸易商贸物流科技信息农业牧业矿业化工能源电力水务交通运输餐饮酒店医药食品纺织机械电子"
TERMS = ["金川建筑", "永昌物流有限", "敦煌", "酒泉科技信息", "不存在的名字"]


def load(n: int) -> int:
    """INSERT … SELECT generate_series: names like 金川建筑工程物流有限公司 + a number."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM credit_platform_subject")
        start = cursor.fetchone()[0] + 1
        cursor.execute(
            """
            INSERT INTO credit_platform_subject (kind, name, identifier, birth_date, is_watch_flagged, created_at, updated_at)
            SELECT 'legal_person',
                   substr(%(places)s, 1 + (i * 7 %% (length(%(places)s) / 2)) * 2, 2)
                   || substr(%(words)s, 1 + (i * 13 %% (length(%(words)s) / 2)) * 2, 2)
                   || substr(%(words)s, 1 + (i * 31 %% (length(%(words)s) / 2)) * 2, 2)
                   || '有限公司' || i::text,
                   'BENCH' || lpad(i::text, 13, '0'), NULL, false, now(), now()
            FROM generate_series(%(start)s, %(end)s) AS i
            """,
            {"places": PLACES, "words": WORDS, "start": start, "end": start + n - 1},
        )
        cursor.execute("ANALYZE credit_platform_subject")
        return cursor.rowcount if cursor.rowcount > 0 else n


def timed(func, repeat: int):
    best, result = None, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return round(best, 4), result


def measure(repeat: int) -> dict:
    from credit_platform.models import Subject

    results = {}
    for term in TERMS:
        queryset = Subject.objects.filter(name__icontains=term)
        page_seconds, _ = timed(lambda: list(queryset.order_by()[:100]), repeat)
        count_seconds, count = timed(queryset.count, repeat)
        results[term] = {"first_100": page_seconds, "count": count_seconds, "matched": count}
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--migrate", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    if args.migrate:
        call_command("migrate", verbosity=0)
    loaded = 0 if args.skip_load else load(args.subjects)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM credit_platform_subject")
        total = cursor.fetchone()[0]
    with_index = measure(args.repeat)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS subject_name_trgm_idx")
        without_index = measure(args.repeat)
        transaction.set_rollback(True)
    print(json.dumps({"loaded": loaded, "subjects": total, "with_trigram_index": with_index, "without": without_index},
                     indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
