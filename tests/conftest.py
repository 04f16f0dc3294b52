import os

import pytest
from django.core.cache import cache

SQLITE_SMOKE_SETTINGS = "credit_platform.settings.sqlite_smoke"
# The SQLite smoke tests run on their own (make test, after the PostgreSQL suite):
#   pytest --ds=credit_platform.settings.sqlite_smoke tests/sqlite_smoke
collect_ignore = [] if os.environ.get("DJANGO_SETTINGS_MODULE") == SQLITE_SMOKE_SETTINGS else ["sqlite_smoke"]


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _seed_rule_sets():
    import importlib

    from django.apps import apps

    importlib.import_module("credit_platform.migrations.0002_seed_rule_sets").seed_rule_sets(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have been flushed by a transactional test: seed the rule sets again."""
    with django_db_blocker.unblock():
        _seed_rule_sets()


@pytest.fixture
def seeded_rule_sets(transactional_db):
    """Transactional tests flush the database, data migrations included: seed the rule sets again."""
    _seed_rule_sets()


@pytest.fixture(scope="session", autouse=True)
def _empty_cache(django_db_blocker):
    """The rate limits count in Redis (as in production): start each run from no counts."""
    cache.clear()
