import datetime
import re
from contextlib import contextmanager

import pytest
from django.core.management import call_command

from credit_platform import demo
from supervision.simulation import SimulatedClock
from tests.sanctions.conftest import DemoWorld
from tests.rollback import rolled_back

# The simulated activity every figure test reads: built once per test module, rolled back after it.
SIMULATION = {"days": 45, "cases": 30, "seed": 7, "subjects": 12}
LIST_LINK = re.compile(r'<a href="(/dashboard/list/\?[^"]+)">(\d+)</a>')
TOTAL = re.compile(r'data-total="(\d+)"')
ITEM_ROW = re.compile(r'<tr class="item')


@pytest.fixture
def world(db):
    demo.seed()
    return DemoWorld()


@pytest.fixture(scope="module")
def simulated_db(django_db_setup, django_db_blocker):
    """The demo world plus a short simulated activity, shared by the tests of a module."""
    with django_db_blocker.unblock():
        with rolled_back():
            demo.seed()
            call_command("simulate_activity", **SIMULATION, stdout=open("/dev/null", "w"))
            yield


@pytest.fixture
def simulated(simulated_db, db):
    return DemoWorld()


@contextmanager
def on_day(day: datetime.date, hour: int = 10):
    """Run the block with "now" on ``day`` (the simulate_activity clock)."""
    clock = SimulatedClock()
    clock.start_day(day, hour, 0)
    with clock.patched():
        yield clock


def list_links(html: str) -> list[tuple[str, int]]:
    """Every (drill-down link, number shown) of a page."""
    return [(url.replace("&amp;", "&"), int(n)) for url, n in LIST_LINK.findall(html)]


def list_total(html: str) -> tuple[int, int]:
    """(the total a drill-down list states, the rows it shows on its page)."""
    return int(TOTAL.search(html).group(1)), len(ITEM_ROW.findall(html))
