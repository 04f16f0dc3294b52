import pytest
from django.core.cache import cache

from tests.lists.conftest import api, world  # noqa: F401 - the demo district with list entry short-hands, API clients


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
