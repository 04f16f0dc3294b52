"""Admin of the platform core; one module per area."""
from . import audit, calendar, core, idempotency, tokens, webhooks  # noqa: F401
