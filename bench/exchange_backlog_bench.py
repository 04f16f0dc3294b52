#!/usr/bin/env python
"""Draining the lower side's outbox after an outage (docs/exchange.md), at size (not a test).

    createdb -h 127.0.0.1 -U postgres bench_exchange
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_exchange .venv/bin/python bench/exchange_backlog_bench.py --migrate --items 100000

Writes ``--items`` pending outbox rows (record items of region 620702, as a day-long outage leaves them),
then runs ``upload_round`` against an upper side living in the same database: the HTTP call is replaced
by ``batch_receive`` run on another connection (a thread), so the figures are the two sides' database
work without the network. Meanwhile a "clerk" thread writes ``--clerk-writes`` outbox rows, one every
50 ms, each in its own transaction, and the longest of those writes is reported: the drain must not make
the clerks wait.
Prints JSON.
"""
import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")
os.environ.setdefault("EXCHANGE_REGION", "620702")
os.environ.setdefault("EXCHANGE_UPSTREAM_URL", "http://upper.bench")
os.environ.setdefault("EXCHANGE_KEY", "bench-exchange-key-620702-000000")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from credit_platform import demo, exchange_outbox  # noqa: E402
from credit_platform.models import ExchangeItem  # noqa: E402
from exchange import services  # noqa: E402
from exchange.services import lower  # noqa: E402


def upper_side(link):
    def post(path, payload):
        answer = {}

        def receive():
            try:
                answer.update(services.batch_receive(link=link, body=json.loads(json.dumps(payload))))
            finally:
                connection.close()

        thread = threading.Thread(target=receive)
        thread.start()
        thread.join()
        return answer

    return post


def clerk(count: int, waits: list):
    try:
        for n in range(count):
            started = time.perf_counter()
            with transaction.atomic():
                exchange_outbox.record(type="record", local_id=f"clerk{n}", op="upsert", data={"n": n})
            waits.append(time.perf_counter() - started)
            time.sleep(0.05)
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--migrate", action="store_true")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--clerk-writes", type=int, default=200, help="outbox rows a clerk writes during the drain, one every 50 ms")
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0)
        demo.seed()
    link = services.region_register(code="620702", name="示范区", key=os.environ["EXCHANGE_KEY"])
    run = str(int(time.time()))
    ExchangeItem.objects.bulk_create(
        [ExchangeItem(item_id=f"620702:record:{run}-{i}", type="record", op="upsert", version=1,
                      data={"subject": {"identifier": "91620702MAQJWYL7XF", "kind": "legal_person", "name": "x"}, "n": i})
         for i in range(args.items)], batch_size=5000,
    )
    lower.post_upstream = upper_side(link)
    waits = []
    writer = threading.Thread(target=clerk, args=(args.clerk_writes, waits))
    writer.start()
    started = time.perf_counter()
    report = services.upload_round(batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    writer.join()
    print(json.dumps({
        "items": args.items, "batch_size": args.batch_size, "seconds": round(seconds, 1),
        "items_per_second": round(report.sent / seconds) if seconds else None, "sent": report.sent, "accepted": report.accepted,
        "batches": report.batches, "error": report.error,
        "clerk_writes": len(waits), "clerk_longest_write_ms": round(max(waits) * 1000, 1) if waits else None,
    }, indent=2))


if __name__ == "__main__":
    main()
