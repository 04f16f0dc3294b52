"""Admin of the platform core; one module per area."""
from . import audit, calendar, core, webhooks  # noqa: F401
