"""Done-when of issue 16: two live instances of the project on loopback, a district (620702) and its
city (620700), each with its own database, linked by the exchange (docs/exchange.md).

One template database is migrated and seeded once (reused while the digest of the migrations and the
demo fixtures it carries in its comment holds), the two instances' databases are copies of it; the city runs ``runserver``, the district is driven by
``manage.py exchange_sync`` / ``exchange_reconcile`` and ``live_actions.py`` subprocesses.
"""
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import environ
import psycopg
import pytest

from credit_platform.webhooks import sign

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
KEY = "district-620702-shared-key-for-tests"
BASE = os.environ.get("TEST_DB_NAME", "test_credit_platform")
NAMES = {"template": f"{BASE}_xtpl", "district": f"{BASE}_xdistrict", "city": f"{BASE}_xcity"}
SERVER_URL = environ.Env.db_url_config(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/credit_platform"))


def _url(name: str) -> str:
    cfg = SERVER_URL
    auth = cfg["USER"] + (f":{cfg['PASSWORD']}" if cfg["PASSWORD"] else "")
    return f"postgres://{auth}@{cfg['HOST'] or '127.0.0.1'}:{cfg['PORT'] or 5432}/{name}"


def _admin_connection(dbname="postgres"):
    cfg = SERVER_URL
    return psycopg.connect(host=cfg["HOST"] or "127.0.0.1", port=cfg["PORT"] or 5432, user=cfg["USER"] or None,
                           password=cfg["PASSWORD"] or None, dbname=dbname, autocommit=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(db: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EXCHANGE_", "CELERY_", "TEST_"))}
    env.update(DJANGO_SETTINGS_MODULE="credit_platform.settings.base", DATABASE_URL=_url(NAMES[db]), DEBUG="True",  # no collected static files here
               SECRET_KEY="live-exchange-test-" + db, CELERY_BROKER_URL="", LANGUAGE_CODE="en", **extra)
    return env


def _run(args, env, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run([PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _template_digest() -> str:
    """What the template's content follows: the migrations and the demo's loaders and fixtures."""
    paths = sorted([*ROOT.glob("*/migrations/*.py"), *ROOT.glob("*/demo.py"), *ROOT.glob("*/fixtures/*.yaml")])
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _databases():
    """The template migrated and seeded once (kept while its digest holds), the two instances copied from it."""
    digest = _template_digest()
    with _admin_connection() as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [NAMES["template"]]).fetchone()
    if row is None or row[0] != digest:
        env = _env("template")
        with _admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{NAMES["template"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{NAMES["template"]}"')
        _run(["manage.py", "migrate", "--noinput"], env)
        _run(["manage.py", "seed_demo"], env)
        with _admin_connection() as conn:
            conn.execute(f'COMMENT ON DATABASE "{NAMES["template"]}" IS \'{digest}\'')
    with _admin_connection() as conn:
        for name in ("district", "city"):
            conn.execute(f'DROP DATABASE IF EXISTS "{NAMES[name]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{NAMES[name]}" TEMPLATE "{NAMES["template"]}"')


class City:
    """The upper instance: a runserver subprocess on a free loopback port."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = _env("city", EXCHANGE_REGION="620700")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload", "--skip-checks"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/v1/exchange/feed/", timeout=2)
            except urllib.error.HTTPError:
                return  # answering (401: unsigned)
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise AssertionError("the city instance did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def sql(self, query, params=()):
        with _admin_connection(NAMES["city"]) as conn:
            return conn.execute(query, params).fetchall()

    def get(self, path, token):
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"Token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def post_batch(self, body: bytes, headers: dict) -> int:
        request = urllib.request.Request(self.url + "/api/v1/exchange/batches/", data=body, method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


@pytest.fixture(scope="module")
def link():
    _databases()
    city = City()
    # The city's set-up and its server start side by side (two cores: the wait is Django's start-up).
    setup = [
        subprocess.Popen([PYTHON, *args], cwd=ROOT, env=city.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for args in (["manage.py", "seed_demo", "--region", "620700"], ["manage.py", "exchange_region_add", "620702", "示范区", "--key", KEY],
                     ["manage.py", "issue_token", "admin"])
    ]
    city.start()
    outputs = [process.communicate(timeout=300) for process in setup]
    assert [process.returncode for process in setup] == [0, 0, 0], outputs
    token = outputs[2][0].strip()
    district_env = _env("district", EXCHANGE_REGION="620702", EXCHANGE_UPSTREAM_URL=city.url, EXCHANGE_KEY=KEY)
    try:
        yield city, district_env, token
    finally:
        city.stop()


def _district(args, env, check=True):
    return _run(args, env, check=check)


def _action(env, *args) -> dict:
    return json.loads(_run(["tests/exchange/live_actions.py", *args], env).stdout.strip().splitlines()[-1])


def _upstream_ids(city, item_ids):
    rows = city.sql("SELECT id, item_id FROM exchange_upstreamitem WHERE item_id = ANY(%s) ORDER BY id", [list(item_ids)])
    return [item_id for _id, item_id in rows]


def test_two_instances_exchange_entries_both_ways_and_reconcile(link):
    city, district, token = link

    # 1. An entry published in the district is in the city's credit file after one sync, with its region.
    published = _action(district, "publish", "1")
    item_id = f"620702:list_entry:{published['entries'][0]}"
    out = _district(["manage.py", "exchange_sync"], district).stdout
    assert "sent 1, accepted 1, refused 0" in out
    (city_entry_id, subject_id), = city.sql("SELECT id, subject_id FROM lists_listentry WHERE exchange_item_id = %s", [item_id])
    file = city.get(f"/api/v1/subjects/{subject_id}/credit-file/", token)
    shown = [e for e in file["list_entries"] if e["id"] == city_entry_id]
    assert shown and shown[0]["source_region"] == "620702" and shown[0]["state"] == "published"
    # ... and on its public site, with its source region.
    (identifier,), = city.sql("SELECT identifier FROM credit_platform_subject WHERE id = %s", [subject_id])
    with urllib.request.urlopen(f"{city.url}/credit/?q={identifier}", timeout=10) as response:
        page = response.read().decode()
    assert "来源区划" in page and "620702" in page
    # Stored upstream, no case opened there.
    assert city.sql("SELECT count(*) FROM sanctions_jointcase WHERE list_entry_id = %s", [city_entry_id]) == [(0,)]
    # A second run sends nothing again.
    assert "sent 0, accepted 0" in _district(["manage.py", "exchange_sync"], district).stdout

    # 2. A judgement defaulter decided in the city for a district subject arrives published and opens the district's case.
    city_published = _action(city.env, "publish", "1")
    city_item = f"620700:list_entry:{city_published['entries'][0]}"
    out = _district(["manage.py", "exchange_sync"], district).stdout
    assert "applied 1" in out, out
    received = _action(district, "entry", city_item)
    assert received["found"] and received["state"] == "published" and received["source_region"] == "620700"
    assert received["identifying_department"] == "credit_office"
    city_case = _action(city.env, "own_case", str(city_published["entries"][0]))["cases"]
    assert len(received["cases"]) == 1 and received["cases"][0]["initiating_department"] == "credit_office"
    assert received["cases"][0]["measure_departments"] == city_case[0]["measure_departments"]
    assert {"finance", "trading", "gov_service", "finance_office"} <= set(received["cases"][0]["measure_departments"])
    # Applied once: the next sync applies nothing, and the received entry is not uploaded back.
    assert "applied 0" in _district(["manage.py", "exchange_sync"], district).stdout
    assert city.sql("SELECT count(*) FROM exchange_upstreamitem WHERE source_region = '620702' AND item_id LIKE '620700:%%'") == [(0,)]

    # 3. City down: three entries published, nothing lost; back up: all three arrive once, in order.
    city.stop()
    three = _action(district, "publish", "3")
    three_items = [f"620702:list_entry:{pk}" for pk in three["entries"]]
    out = _district(["manage.py", "exchange_sync"], district).stdout
    assert "sent 0" in out and "upload stopped" in out
    city.start()
    out = _district(["manage.py", "exchange_sync"], district).stdout
    assert "sent 3, accepted 3, refused 0" in out, out
    assert _upstream_ids(city, three_items) == three_items
    assert city.sql("SELECT count(*) FROM lists_listentry WHERE exchange_item_id = ANY(%s)", [three_items]) == [(3,)]

    # 4. A tampered signature is refused (401) and nothing is stored.
    before = city.sql("SELECT count(*) FROM exchange_upstreamitem")[0][0], city.sql("SELECT count(*) FROM exchange_receivedbatch")[0][0]
    item = {"item_id": "620702:list_entry:999999", "version": 1, "type": "list_entry", "op": "upsert",
            "data": {"subject": {"identifier": "91620702MAQJWYL7XF", "kind": "legal_person", "name": "x"}}}
    body = json.dumps({"source_region": "620702", "batch_id": "tampered", "items": [item]}).encode()
    stamp = int(time.time())
    headers = {"X-Exchange-Region": "620702", "X-Exchange-Timestamp": str(stamp), "X-Exchange-Signature": sign(KEY, stamp, body)}
    assert city.post_batch(body.replace(b"999999", b"999998"), headers) == 401
    # 5. A district posting another region's data is refused (403), though signed with its own key.
    other = json.dumps({"source_region": "620702", "batch_id": "other", "items": [{**item, "item_id": "620703:list_entry:1"}]}).encode()
    assert city.post_batch(other, {**headers, "X-Exchange-Signature": sign(KEY, stamp, other)}) == 403
    other = json.dumps({"source_region": "620703", "batch_id": "other2", "items": []}).encode()
    assert city.post_batch(other, {**headers, "X-Exchange-Signature": sign(KEY, stamp, other)}) == 403
    after = city.sql("SELECT count(*) FROM exchange_upstreamitem")[0][0], city.sql("SELECT count(*) FROM exchange_receivedbatch")[0][0]
    assert after == before

    # 6. Reconciliation: no difference; then an item deleted upstream is named.
    done = _district(["manage.py", "exchange_reconcile"], district)
    assert "No difference." in done.stdout and done.returncode == 0
    city.sql("DELETE FROM exchange_upstreamitem WHERE item_id = %s RETURNING id", [item_id])
    done = _district(["manage.py", "exchange_reconcile"], district, check=False)
    assert done.returncode != 0 and f"{item_id}: missing on the upper platform" in done.stdout
