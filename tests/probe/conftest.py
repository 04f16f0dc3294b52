"""The probe (issue 12, docs/security.md "The longer run"): the actor matrix, 50-way races on every
transition and the fault scenarios, against the real stack over PostgreSQL.

``make test`` runs a bounded slice (a few users, a few objects, 8-way races: well under a minute).
The longer run sets ``PROBE=1`` (every demo user, every object, 50-way races, the killed worker)::

    PROBE=1 TEST_DB_NAME=test_probe .venv/bin/python -m pytest -s -q --create-db -p no:randomly tests/probe

and writes its figures to ``PROBE_REPORT`` (default ``probe-report.json``) as well as printing them.
"""
import json
import os
import threading


LONG = os.environ.get("PROBE") == "1"
REPORT = os.environ.get("PROBE_REPORT", "probe-report.json")

# How big a run is: the slice in make test, the longer run with PROBE=1.
WIDTH = 50 if LONG else 8  # concurrent calls per transition
# Objects per detail path and admin page, spread over the table (PROBE_OBJECTS bounds the longer run).
OBJECTS_PER_PATH = int(os.environ.get("PROBE_OBJECTS", 40)) if LONG else 3
SIM_CASES, SIM_DAYS = (60, 60) if LONG else (6, 20)  # the simulated district (supervision.simulation)

_figures: dict = {}
_lock = threading.Lock()


def record(section: str, **figures) -> None:
    """Add figures to the report (summed when a section is recorded several times)."""
    with _lock:
        target = _figures.setdefault(section, {})
        for key, value in figures.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                target[key] = target.get(key, 0) + value
            else:
                target[key] = value


def pytest_sessionfinish(session, exitstatus):
    if not _figures:
        return
    print("\nProbe figures:\n" + json.dumps(_figures, indent=2, ensure_ascii=False, default=str))
    if LONG:
        with open(REPORT, "w", encoding="utf-8") as out:
            json.dump(_figures, out, indent=2, ensure_ascii=False, default=str)
