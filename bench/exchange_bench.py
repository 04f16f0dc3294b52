#!/usr/bin/env python
"""The upper side receiving a lower region's batch (docs/exchange.md), at size (not a test).

    createdb -h 127.0.0.1 -U postgres bench_exchange
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_exchange .venv/bin/python bench/exchange_bench.py --migrate --entries 1000 --records 10000

Registers region 620702, then times ``batch_receive`` for one batch of ``--entries`` list entries of
unknown subjects (each stored, its subject registered and the entry materialised as a published
entry with its source region: the worst case) and one of ``--records`` record items (stored only),
then the same batches again (answered from the stored batch) and under new batch ids (every version
already stored: accepted, nothing changed). Prints JSON: seconds and items per second.
"""
import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from credit_platform import demo, identifiers  # noqa: E402
from exchange import services  # noqa: E402

KEY = "bench-exchange-key-620702-000000"


def uscc(n: int) -> str:
    charset = identifiers.USCC_CHARSET
    body = ""
    for _i in range(9):
        n, digit = divmod(n, len(charset))
        body = charset[digit] + body
    first17 = f"91620702{body}"
    return first17 + identifiers.uscc_check_character(first17)


def entry_items(n: int, run: str) -> list[dict]:
    return [{"item_id": f"620702:list_entry:{run}{i}", "version": 1, "type": "list_entry", "op": "upsert", "data": {
        "subject": {"identifier": uscc(10_000_000 + i + hash(run) % 1_000_000 * 1000), "kind": "legal_person", "name": f"基准企业{run}{i}有限公司"},
        "list_type": "black", "severity": "severe", "domain": "judicial", "basis": "依据", "decision_number": f"(2026)执{run}{i}号",
        "decided_on": "2026-10-01", "state": "published", "published_at": "2026-10-09T08:00:00+08:00"}} for i in range(n)]


def record_items(n: int, run: str) -> list[dict]:
    return [{"item_id": f"620702:record:{run}{i}", "version": 1, "type": "record", "op": "upsert", "data": {
        "subject": {"identifier": uscc(20_000_000 + i), "kind": "legal_person", "name": "x"}, "decision_number": f"R{i}"}} for i in range(n)]


def timed(link, items) -> dict:
    body = {"source_region": "620702", "batch_id": uuid.uuid4().hex, "items": items}
    figures = {}
    for label in ("first", "same batch again", "new batch, same versions"):
        started = time.perf_counter()
        answer = services.batch_receive(link=link, body=body)
        seconds = time.perf_counter() - started
        figures[label] = {"seconds": round(seconds, 2), "items_per_second": round(len(items) / seconds) if seconds else None,
                          "accepted": sum(1 for r in answer["results"] if r["status"] == "accepted")}
        if label == "same batch again":
            body = {**body, "batch_id": uuid.uuid4().hex}
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--migrate", action="store_true")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0)
        demo.seed()
    link = services.region_register(code="620702", name="示范区", key=KEY)
    run = uuid.uuid4().hex[:6]
    print(json.dumps({"entries": {"items": args.entries, **timed(link, entry_items(args.entries, run))},
                      "records": {"items": args.records, **timed(link, record_items(args.records, run))}}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
