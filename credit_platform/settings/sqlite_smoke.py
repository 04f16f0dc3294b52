"""The SQLite smoke tests (``tests/sqlite_smoke/``): the embedded default ``make run`` uses (an SQLite
database, tasks run in process, the cache in memory), whatever DATABASE_URL the environment sets,
plus only what makes tests quick (fast hashing, files in memory)."""
from .base import *  # noqa: F401,F403
from .base import env

DATABASES = {"default": env.db_url_config("sqlite:///:memory:")}
DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}  # as base.py sets for SQLite
DATABASES["default"]["TEST"] = {"NAME": None}  # a fresh in-memory database, migrated at the start
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
CELERY_RESULT_BACKEND = None
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = False
LANGUAGE_CODE = "en"
