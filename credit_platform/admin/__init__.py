"""Admin of the platform core; one module per area."""
from . import audit, calendar, core, tokens, webhooks  # noqa: F401
