"""Admin of joint cases, assignments, the catalogue and bulk pushes; one module per area."""
from . import assignments, bulk, cases, catalogue  # noqa: F401
