"""Opt-in (STREAMING_REPLICA_TEST=1): the replica router against a real streaming replica.

Makes its own primary (initdb in a temporary folder, its own port) and a streaming replica of it
(pg_basebackup -R), both run as the postgres user, migrates the primary, and runs replica_probe.py
with DATABASE_URL and DATABASE_REPLICA_URL set: a read in replica_reads() is served by the replica
(in recovery: read-only), the write goes to the primary, and the read after it too. Needs the
PostgreSQL server binaries and root (to run them as postgres); takes a minute or two."""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("STREAMING_REPLICA_TEST"), reason="opt-in: STREAMING_REPLICA_TEST=1")
ROOT = Path(__file__).resolve().parent.parent.parent


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*command):
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def streaming_pair():
    bindir = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
    work = Path(tempfile.mkdtemp(prefix="replica-test-"))
    shutil.chown(work, "postgres")
    primary, replica = work / "primary", work / "replica"
    ports = _port(), _port()
    started = []
    try:
        _as_postgres(str(bindir / "initdb"), "-D", str(primary), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(f"port = {ports[0]}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{work}'\n"
                       "wal_level = replica\nmax_wal_senders = 4\nfsync = off\n")
        _as_postgres(str(bindir / "pg_ctl"), "-D", str(primary), "-l", str(work / "primary.log"), "-w", "start")
        started.append(primary)
        _as_postgres(str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres", "-D", str(replica), "-R", "-X", "stream")
        with open(replica / "postgresql.conf", "a") as conf:
            conf.write(f"port = {ports[1]}\n")
        _as_postgres(str(bindir / "pg_ctl"), "-D", str(replica), "-l", str(work / "replica.log"), "-w", "start")
        started.append(replica)
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(ports[0]), "-U", "postgres", "-c", "CREATE DATABASE credit"], check=True, capture_output=True)
        yield f"postgres://postgres@127.0.0.1:{ports[0]}/credit", f"postgres://postgres@127.0.0.1:{ports[1]}/credit"
    finally:
        for data in reversed(started):
            subprocess.run(["runuser", "-u", "postgres", "--", str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def test_reads_of_a_read_only_block_are_served_by_the_streaming_replica(streaming_pair):
    primary, replica = streaming_pair
    env = {**os.environ, "DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica, "DJANGO_SETTINGS_MODULE": "credit_platform.settings.base",
           "DEBUG": "false", "SECRET_KEY": "replica-test"}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=900)
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("replica_probe.py"))], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["replica_in_recovery"] is True and report["primary_in_recovery"] is False
    assert report["read_only_name"] == "流复制测试有限公司"
    assert report["read_only_queries"] == [0, 1]  # the read went to the replica alone
    assert report["after_write_name"] == "改名"  # the write and the read after it: the primary
    assert report["plain_name"] == "改名"
    assert report["queries"]["replica"] == 1
