"""What the import benchmarks share: Django set up against DATABASE_URL, valid identifiers, peak
memory, and one timed import through an app's own create and run functions."""
import datetime
import os
import resource
import sys
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


def maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed_import(path: Path, *, create, run, error_model, trace: bool) -> dict:
    """Import ``path``: ``create(File)`` records the batch, ``run(batch_id)`` imports it; the figures."""
    from django.core.files import File
    from django.db import connection

    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    started = time.perf_counter()
    with open(path, "rb") as fh:
        batch, _info = create(File(fh, name=path.name))
    prepared = time.perf_counter()
    batch = run(batch.pk)
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
        "row_issues_stored": error_model.objects.filter(batch=batch).count(),
        "seconds_prepare": round(prepared - started, 2),  # checksum, stored copy, header check, row count
        "seconds_import": round(finished - prepared, 2),
        "rows_per_sec": round(rows / (finished - prepared), 1) if finished > prepared else None,
        "rows_per_sec_overall": round(rows / (finished - started), 1) if finished > started else None,
        "tracemalloc_peak_mb": round(peak / 1024 / 1024, 1) if peak is not None else None,
        "maxrss_mb_after": maxrss_mb(),
        "database": connection.vendor,
    }
    batch.file.delete(save=False)  # the stored copy of the generated file
    type(batch).objects.filter(pk=batch.pk).update(file="")
    return result
