"""Settings shared by every environment. Everything that varies is read from the environment here.

The embedded default (no variables set) is the demo: an SQLite file and Celery tasks run eagerly in
process, so `make run` needs no server. Production and the test suite set DATABASE_URL (PostgreSQL)
and CELERY_BROKER_URL (Redis).
"""
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from credit_platform import task_queues

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=True)
# The demo key is only ever used with DEBUG on; production.py requires SECRET_KEY.
DEMO_SECRET_KEY = "insecure-demo-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEMO_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    # The demo key is public: with DEBUG off it would sign real sessions and tokens.
    raise ImproperlyConfigured("DEBUG is off but SECRET_KEY is the public demo key: set SECRET_KEY.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "credit_platform.admin_apps.CreditAdminConfig",  # django.contrib.admin with the menus by task
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "credit_platform",
    "lists",
    "records",
    "sanctions",
    "objections",
    "repair",
    "complaints",
    "checks",
    "exchange",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "credit_platform.middleware.RequestSizeLimitMiddleware",
    "credit_platform.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "credit_platform.middleware.SessionIdleMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "credit_platform.middleware.RequestContextMiddleware",
    "credit_platform.middleware.RejectNulBytesMiddleware",
    "credit_platform.middleware.DatabaseUnavailableMiddleware",
    "credit_platform.db_router.ReplicaReadsMiddleware",  # a no-op without DATABASE_REPLICA_URL
    # Axes last: it turns locked-out logins into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "credit_platform.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "credit_platform.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "credit_platform.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE avoids most "database is locked" errors of the embedded demo database.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# A streaming replica for the read-only pages (credit_platform/db_router.py, docs/scaling.md): the
# public credit site, the credit check's reads and the dashboards read there; everything else, every
# write and every read after a write, on the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASE_ROUTERS = ["credit_platform.db_router.ReplicaRouter"]
REPLICA_READ_PATHS = ["/credit/", "/api/v1/public/", "/api/v1/credit-check/", "/dashboard/", "/api/v1/dashboard/"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "credit_platform.User"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese by default, English available (LocaleMiddleware, ?language / Accept-Language).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

LOGIN_URL = "admin:login"

# How many reverse proxies stand in front of the application and append to X-Forwarded-For. 0 (the
# default): REMOTE_ADDR is the client. Every limit and log reads the address through
# credit_platform.clients.client_address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# The rate limits (DRF throttles, the public pages' per-address limits) count in this cache: shared
# by every worker in production (CACHE_URL=redis://...), in process for the demo.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# The public credit website's address as printed on credit reports (their verification URL), e.g.
# https://credit.example.gov.cn; empty: the address the report was downloaded from.
CREDIT_SITE_URL = env.str("CREDIT_SITE_URL", default="")

# Largest request body accepted, checked on Content-Length before anything is read (413 beyond).
# Staff imports are the largest legitimate bodies; the public forms take a few evidence files.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=100 * 1024 * 1024)
MAX_ANONYMOUS_REQUEST_BODY_BYTES = env.int("MAX_ANONYMOUS_REQUEST_BODY_BYTES", default=30 * 1024 * 1024)

# --- Django REST framework -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "credit_platform.api.authentication.SessionAuthentication",
        "credit_platform.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["credit_platform.permissions.IsDepartmentMember"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "credit_platform.api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "credit_platform.api.schema.PlatformAutoSchema",
    "EXCEPTION_HANDLER": "credit_platform.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min", "public": "30/min"},
    "DEFAULT_PARSER_CLASSES": [
        "credit_platform.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The client's address behind the trusted proxies only (credit_platform.clients): a forged
    # X-Forwarded-For lifts no throttle.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API tokens (credit_platform.tokens): valid this many days unless issued for fewer; never more than the maximum.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=365)
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=3 * 365)
SPECTACULAR_SETTINGS = {
    "TITLE": "Joint reward and punishment engine API",
    "DESCRIPTION": "守信联合激励和失信联合惩戒 — the contract departmental systems build against.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "credit_platform.api.schema.integer_path_ids",
    ],
    # Several models name their choices "state" or "kind": give each set its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "SubjectKindEnum": "credit_platform.models.subjects.SubjectKind",
        "MeasureKindEnum": "credit_platform.domains.MeasureKind",
        "ListTypeEnum": "credit_platform.domains.ListType",
        "DomainEnum": "credit_platform.domains.Domain",
        "CaseStateEnum": "sanctions.models.CaseState",
        "AssignmentStateEnum": "sanctions.models.AssignmentState",
        "BulkPushJobStateEnum": "sanctions.models.BulkPushJob.State",
        "BulkPushJobKindEnum": "sanctions.models.BulkPushJob.Kind",
        "DepartmentLevelEnum": "credit_platform.models.departments.DepartmentLevel",
        "OutcomeEnum": "sanctions.models.Outcome",
        "EntryStateEnum": "lists.models.EntryState",
        "SeverityEnum": "credit_platform.domains.Severity",
        "RemovalReasonEnum": "lists.models.RemovalReason",
        "ImportBatchStateEnum": "lists.models.ImportBatch.State",
        "ObjectionStateEnum": "objections.models.ObjectionState",
        "RepairStateEnum": "repair.models.RepairState",
        "ObjectionChannelEnum": "objections.models.Objection.Channel",
        "RepairChannelEnum": "repair.models.RepairApplication.Channel",
        "RepairDocumentKindEnum": "repair.models.RepairDocument.Kind",
        "ComplaintStateEnum": "complaints.models.ComplaintState",
        "ComplaintActionEnum": "complaints.models.ComplaintAction",
        "RecordKindEnum": "records.models.RecordKind",
        "RecordStateEnum": "records.models.RecordState",
        "CommitmentKindEnum": "records.commitment_models.CommitmentKind",
        "CommitmentStateEnum": "records.commitment_models.CommitmentState",
    },
}

# --- Exchange with the upper platform (DESIGN.md "Exchange", docs/exchange.md) ------------------
# This instance's region (GB/T 2260 code, e.g. 620702); empty: the instance takes no part (no outbox).
EXCHANGE_REGION = env.str("EXCHANGE_REGION", default="")
# The upper instance's base URL (https://city.example.cn) and the key it registered for this region.
EXCHANGE_UPSTREAM_URL = env.str("EXCHANGE_UPSTREAM_URL", default="")
EXCHANGE_KEY = env.str("EXCHANGE_KEY", default="")
# Accepted clock difference of a signed request, in seconds.
EXCHANGE_SIGNATURE_WINDOW_SECONDS = env.int("EXCHANGE_SIGNATURE_WINDOW_SECONDS", default=300)
EXCHANGE_BATCH_SIZE = env.int("EXCHANGE_BATCH_SIZE", default=500)
EXCHANGE_TIMEOUT_SECONDS = env.int("EXCHANGE_TIMEOUT_SECONDS", default=30)

# --- Celery ----------------------------------------------------------------------------------
# No broker configured: tasks run eagerly in process (the embedded demo needs no server).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With the broker down, publishing gives up within a few seconds (the default retries held every
# notifying request ~19 s); what must run is kept in the database and swept (webhooks, imports).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2, "socket_timeout": 2, "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
# A worker process that grew past this (KiB) is replaced after its task: one import cannot keep a
# worker's memory for good.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1_000_000)
LIST_IMPORT_TIME_LIMIT_SECONDS = env.int("LIST_IMPORT_TIME_LIMIT_SECONDS", default=3600)
# Queues by kind of work (credit_platform/task_queues.py); on, every queue needs a worker (README.md).
CELERY_SPLIT_QUEUES = env.bool("CELERY_SPLIT_QUEUES", default=False)
CELERY_TASK_ROUTES = task_queues.task_routes(CELERY_SPLIT_QUEUES)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Exactly one beat process runs these (`celery -A credit_platform beat`).
CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint": {"task": "credit_platform.tasks.audit_checkpoint_task", "schedule": crontab(hour=0, minute=30)},
    # Outgoing webhooks whose task never ran (broker down at commit) or whose retry is due.
    "webhooks-sweep": {"task": "credit_platform.tasks.webhooks_sweep_task", "schedule": crontab(minute="*/5")},
    # Entries first: removing an expired entry ends its cases with it (reason: the entry expired).
    # Imports whose run was lost (broker down at commit, worker killed mid-file) are sent again.
    "bulk-push-sweep": {"task": "sanctions.tasks.bulk_push_sweep_task", "schedule": crontab(minute="*/5")},
    "imports-sweep": {"task": "lists.import_tasks.imports_sweep_task", "schedule": crontab(minute="*/5")},
    "record-imports-sweep": {"task": "records.import_tasks.record_imports_sweep_task", "schedule": crontab(minute="*/5")},
    # Cases an import left unopened (task lost, worker or background thread stopped): opened, once tried.
    "import-cases-sweep": {"task": "lists.import_tasks.import_cases_sweep_task", "schedule": crontab(minute="*/5")},
    "list-entries-expire": {"task": "lists.tasks.entries_expire_task", "schedule": crontab(hour=0, minute=5)},
    "entries-publication-overdue": {"task": "lists.tasks.entries_publication_overdue_task", "schedule": crontab(hour=8, minute=5)},
    "records-expire": {"task": "records.tasks.records_expire_task", "schedule": crontab(hour=0, minute=7)},
    "records-publication-overdue": {"task": "records.tasks.records_publication_overdue_task", "schedule": crontab(hour=8, minute=6)},
    "cases-expire": {"task": "sanctions.tasks.cases_expire_task", "schedule": crontab(hour=0, minute=10)},
    "deadlines-scan": {"task": "sanctions.tasks.deadlines_scan_task", "schedule": crontab(hour=8, minute=0)},
    # Overdue objections (accept/verify) and repair applications (answer/decide): urge the deciding
    # departments and tell the leadership office, before the dashboard's escalation.
    "objections-urge": {"task": "objections.tasks.objections_urge_task", "schedule": crontab(hour=8, minute=10)},
    "repairs-urge": {"task": "repair.tasks.repairs_urge_task", "schedule": crontab(hour=8, minute=15)},
    # Supervision dashboard: escalation after the morning deadline scan, the day's overdue counts
    # just before midnight, the previous month's report on the first day of each month.
    "dashboard-escalate": {"task": "supervision.tasks.overdue_escalate_task", "schedule": crontab(hour=8, minute=30)},
    "dashboard-snapshot": {"task": "supervision.tasks.scorecard_snapshot_task", "schedule": crontab(hour=23, minute=50)},
    # The tallies behind the all-time figures: fold the deltas the triggers appended (tallies.py).
    "dashboard-tallies-compact": {"task": "supervision.tasks.tallies_compact_task", "schedule": crontab(minute=7)},
    "dashboard-tallies-check": {"task": "supervision.tasks.tallies_check_task", "schedule": crontab(day_of_week=0, hour=3, minute=30)},
    "dashboard-monthly-report": {"task": "supervision.tasks.monthly_report_task", "schedule": crontab(day_of_month=1, hour=1, minute=0)},
    # Exchange with the upper platform (docs/exchange.md): the outbox uploaded, the feed applied.
    "exchange-upload": {"task": "exchange.tasks.exchange_upload_task", "schedule": crontab(minute="*")},
    "exchange-download": {"task": "exchange.tasks.exchange_download_task", "schedule": crontab(minute="*/5")},
}
# Work overdue by more than this many working days is escalated to the leadership office and the
# department's parent department (once per item per day).
DASHBOARD_ESCALATE_AFTER_WORKING_DAYS = env.int("DASHBOARD_ESCALATE_AFTER_WORKING_DAYS", default=3)
# The open-work index INCLUDEs columns for index-only scans on PostgreSQL; SQLite (the demo) builds
# it without them, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
# Read the all-time figures from the trigger-kept tallies (PostgreSQL); off: aggregate the tables.
DASHBOARD_TALLIES = env.bool("DASHBOARD_TALLIES", default=True)

# --- Security --------------------------------------------------------------------------------
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: the public never holds object permissions
AXES_CLIENT_IP_CALLABLE = "credit_platform.clients.axes_client_address"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Personal credit data on every staff page: a session idles out after 30 minutes without a request
# (credit_platform.middleware.SessionIdleMiddleware moves the expiry on, once a minute) and ends
# with the browser.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Content-Security-Policy (django-csp): nothing loads from another origin and no inline script runs
# (the project serves every asset itself). Inline styles stay allowed: ECharts and Redoc set them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each rendering step at INFO ("Step 2 - Fetching and parsing CSS"), from its import on.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint.progress": {"level": "WARNING"}},
}
