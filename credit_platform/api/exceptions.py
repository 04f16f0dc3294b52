"""One mapping from domain errors to HTTP answers (``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

- Django ``ValidationError`` → 400 ``{field: [messages]}`` (non-field: ``{"non_field_errors": [...]}``)
- ``ApplicationError`` → 400 ``{"detail": message, **extra}``
- not authenticated → 401, ``PermissionDenied`` → 403
- ``Http404`` / ``ObjectDoesNotExist`` → 404 ``{"detail": ...}``
- django-fsm ``TransitionNotAllowed`` and ``IllegalTransition`` → 409 ``{"detail", "state", "allowed"}``
- django-fsm ``ConcurrentTransition`` → 409 ``{"detail"}``

A user's mistake is never a 500.
"""
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from credit_platform.exceptions import ApplicationError, IllegalTransition, transition_error


def illegal_transition_from_fsm(exc: TransitionNotAllowed) -> IllegalTransition:
    """Turn django-fsm's error (which knows the object and the method) into the documented 409."""
    obj = exc.object
    method = exc.method
    if obj is None:
        return IllegalTransition(str(exc.args[0]) if exc.args else _("This change is not possible now."), state="")
    field = getattr(getattr(method, "_django_fsm", None), "field", "state")
    field_name = field if isinstance(field, str) else field.name
    return transition_error(obj, field_name, attempted=getattr(method, "__name__", ""))


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, TransitionNotAllowed):
        exc = illegal_transition_from_fsm(exc)
    elif isinstance(exc, ConcurrentTransition):
        set_rollback()
        return Response(
            {"detail": _("Someone else changed this record at the same moment. Reload it and try again.")},
            status=status.HTTP_409_CONFLICT,
        )

    if isinstance(exc, IllegalTransition):
        set_rollback()
        return Response(
            {"detail": str(exc.detail), "state": exc.state, "allowed": list(exc.allowed)},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response({"detail": str(exc.message), **exc.extra}, status=status.HTTP_400_BAD_REQUEST)
    # DRF's own handler covers its APIExceptions, Http404 and django.core PermissionDenied.
    return drf_exception_handler(exc, context)


def page_not_found(request, exception):
    """``handler404``: a JSON 404 under ``/api/`` (``/api/v1/cases/abc/`` matches no route: the ids
    are integers), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(_("Not found."))}, status=404)
    return defaults.page_not_found(request, exception)
