"""Run by test_streaming_replica.py in a child process whose DATABASE_URL is a scratch primary and
DATABASE_REPLICA_URL its streaming replica: writes a subject, waits until the replica has replayed
it, reads it in and out of ``replica_reads()``, and prints what each connection did as JSON."""
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit_platform.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from credit_platform import db_router  # noqa: E402
from credit_platform.models import Subject  # noqa: E402


def scalar(alias, sql):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


subject = Subject.objects.create(kind="legal_person", name="流复制测试有限公司", identifier="91620702MAUCCP508N")
target = scalar("default", "SELECT pg_current_wal_lsn()::text")
for _i in range(100):
    if scalar("replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
        break
    time.sleep(0.1)
report = {"replica_in_recovery": scalar("replica", "SELECT pg_is_in_recovery()"),
          "primary_in_recovery": scalar("default", "SELECT pg_is_in_recovery()")}
with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
    with db_router.replica_reads():
        report["read_only_name"] = Subject.objects.get(pk=subject.pk).name
        report["read_only_queries"] = [len(primary), len(replica)]
        Subject.objects.filter(pk=subject.pk).update(name="改名")
        report["after_write_name"] = Subject.objects.get(pk=subject.pk).name
    report["plain_name"] = Subject.objects.get(pk=subject.pk).name
report["queries"] = {"primary": len(primary), "replica": len(replica)}
print(json.dumps(report, ensure_ascii=False))
