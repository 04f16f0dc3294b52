"""Domain errors that services raise; ``credit_platform.api.exceptions`` maps them to HTTP answers.

Services also raise Django's ``ValidationError`` (400, keyed by field), ``PermissionDenied`` (403)
and django-fsm's ``TransitionNotAllowed`` (409); these two add what those cannot say.
"""
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A request the domain refuses for a reason the caller can fix: 400 ``{"detail": message, **extra}``.

    ``extra`` carries machine-readable facts, e.g. ``{"eligible_from": "2026-05-01"}``.
    """

    def __init__(self, message, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class IllegalTransition(Exception):
    """A move the object's current state does not allow: 409 ``{"detail", "state", "allowed"}``."""

    def __init__(self, detail, state: str, allowed: list[str] | tuple[str, ...] = ()):
        super().__init__(detail)
        self.detail = detail
        self.state = state
        self.allowed = sorted(allowed)


def available_transitions(obj, field_name: str = "state") -> list[str]:
    """Names of the transitions open from ``obj``'s current state (conditions met), sorted."""
    getter = getattr(obj, f"get_available_{field_name}_transitions", None)
    if getter is None:
        return []
    # Moves only the platform makes (custom admin False) are not the caller's to choose; a method
    # named ``return_`` (a Python keyword) is the ``return`` action of the API.
    names = {transition.name.rstrip("_") for transition in getter() if transition.custom.get("admin", True)}
    # Actions that are not transitions but that the state opens (a model names them).
    besides = getattr(obj, "actions_besides_transitions", None)
    return sorted(names | set(besides() if besides else ()))


def transition_error(obj, field_name: str | None = "state", attempted: str = "") -> IllegalTransition:
    """Build the 409 for a refused move of ``obj`` (from a django-fsm ``TransitionNotAllowed``).

    Usage in a service::

        try:
            case.push(by=actor)
        except TransitionNotAllowed:
            raise transition_error(case, "state", "push") from None
    """
    field_name = field_name or "state"  # every workflow model names its FSM field "state"
    state = str(getattr(obj, field_name, "") or "")
    if attempted:
        detail = _("“%(transition)s” is not possible while the %(model)s is “%(state)s”.") % {
            "transition": attempted,
            "model": obj._meta.verbose_name,
            "state": state,
        }
    else:
        detail = _("This change is not possible while the %(model)s is “%(state)s”.") % {
            "model": obj._meta.verbose_name,
            "state": state,
        }
    return IllegalTransition(detail, state=state, allowed=available_transitions(obj, field_name))
