"""Bench-only settings: the project's own, with the bare baseline views mounted beside the product's
URLs (bench/urls.py). Never used by the product or its tests."""
from credit_platform.settings.base import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["*"]
# The bench's own client sends no CSRF token with its token-authenticated requests; the product's
# middleware stays as it is otherwise (the baseline pays what every request pays).
# django-axes records each login with its client address; the test client's force_login has none.
AXES_ENABLED = False
# Pages render without collectstatic having run (the manifest storage needs its manifest).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Persistent connections as production should run them (docs/scaling.md): BENCH_CONN_MAX_AGE=0 to
# measure a new connection per request (the default of settings.base, used by the demo and tests).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("BENCH_CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
