"""Test settings: PostgreSQL (DATABASE_URL, else the local server), fast hashing, eager tasks."""
import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/credit_platform")

from .base import *  # noqa: E402,F401,F403
from .base import DATABASES, env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Unit tests run tasks in process; the Celery integration tests start a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False  # the login-throttling test turns it back on
LANGUAGE_CODE = "en"  # assertions read English messages; zh-hans is tested explicitly
# TEST_DB_NAME lets several checkouts or agents run the suite at once without sharing a database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DB_NAME", "test_credit_platform")}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "public": None}}  # noqa: F405
# The rate limits count in Redis, as in production (one shared count for every worker); keys carry
# the test database's name so parallel checkouts do not share counts.
CACHES = {
    "default": {
        **env.cache_url("TEST_CACHE_URL", default="redis://127.0.0.1:6379/14"),
        "KEY_PREFIX": DATABASES["default"]["TEST"]["NAME"],
    }
}
# A second alias on the same test database (TEST MIRROR): the replica router's tests route to it
# (tests/credit_platform/test_db_router.py); no router is installed, so nothing else reads there.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
