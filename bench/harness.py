"""What every scenario shares: Django set up on the bench settings, the demo world, API tokens,
timing of in-process requests (the WSGI handler with the whole middleware stack, through Django's
test client) with their query counts, and one JSON line per figure."""
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS", "bench.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-not-secret")
os.environ.setdefault("MEDIA_ROOT", "/tmp/bench-media")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

DATE = time.strftime("%Y-%m-%d", time.gmtime())


def emit(figure: str, **fields) -> dict:
    """One figure: its value, the baseline of the same run, their ratio and the target."""
    line = {"figure": figure, "date": DATE, **fields}
    print(json.dumps(line, ensure_ascii=False, default=str), flush=True)
    return line


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("The bench runs on PostgreSQL only: set DATABASE_URL to a scratch database.")
    name = settings.DATABASES["default"]["NAME"]
    if not (name.startswith("bench") or os.environ.get("BENCH_ANY_DATABASE")):
        raise SystemExit(f"Refusing database {name!r}: the bench writes; use a scratch database named bench* (or BENCH_ANY_DATABASE=1).")


def prepare() -> None:
    """Migrations applied and the demo world seeded (both idempotent)."""
    from django.core.management import call_command

    from credit_platform import demo

    require_postgres()
    call_command("migrate", interactive=False, verbosity=0)
    demo.seed()


_TOKENS: dict[str, str] = {}


def token(username: str) -> str:
    from credit_platform import tokens
    from credit_platform.models import User

    if username not in _TOKENS:
        _token, key = tokens.api_token_issue(user=User.objects.get(username=username), actor=None, name="bench", replace=True)
        _TOKENS[username] = key
    return _TOKENS[username]


def client(username: str) -> Client:
    """A client that authenticates every request with the user's API token (the product's path)."""
    return Client(HTTP_AUTHORIZATION=f"Token {token(username)}")


def timed(call, expect=(200,)) -> tuple[float, int]:
    """One call: milliseconds and queries; fails loudly on an unexpected status."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - started) * 1000
    if getattr(response, "status_code", 200) not in expect:
        raise RuntimeError(f"{response.status_code}: {response.content[:500]!r}")
    return elapsed, len(queries)


def percentile(values, p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary(times: list[float], queries: list[int] | None = None) -> dict:
    out = {"n": len(times), "p50_ms": round(statistics.median(times), 2), "p99_ms": round(percentile(times, 99), 2)}
    if queries:
        out["queries"] = max(queries)
    return out


def bare_subject_id() -> int:
    from credit_platform.models import Subject

    return Subject.objects.order_by("pk").values_list("pk", flat=True).first()


def baseline(kind: str, n: int = 300, username: str = "finance") -> dict:
    """The bare read (GET one row) or write (POST: UPDATE one row) view, timed ``n`` times after a warm-up."""
    web = client(username)
    pk = bare_subject_id()
    url = f"/bench/{kind}/{pk}/"
    call = (lambda: web.get(url)) if kind == "read" else (lambda: web.post(url))
    for _i in range(20):
        timed(call)
    times, queries = [], []
    for _i in range(n):
        ms, q = timed(call)
        times.append(ms)
        queries.append(q)
    return summary(times, queries)


class Interleaved:
    """The bare view timed between the figure's own requests, so both see the same machine load
    (other work on a shared machine comes and goes within a run)."""

    def __init__(self, kind: str, username: str = "finance"):
        self.web = client(username)
        url = f"/bench/{kind}/{bare_subject_id()}/"
        self.call = (lambda: self.web.get(url)) if kind == "read" else (lambda: self.web.post(url))
        self.times: list[float] = []
        for _i in range(10):
            timed(self.call)

    def tick(self, n: int = 1) -> None:
        for _i in range(n):
            self.times.append(timed(self.call)[0])

    def p50(self) -> float:
        return round(statistics.median(self.times), 2)


def ratio(baseline_ms: float, figure_ms: float) -> float:
    """Throughput relative to the baseline: 1.0 is as fast as the bare view, 0.5 half as fast."""
    return round(baseline_ms / figure_ms, 3) if figure_ms else None
