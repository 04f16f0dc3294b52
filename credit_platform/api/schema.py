"""OpenAPI: the error answers every operation can give, documented once.

``PlatformAutoSchema`` adds to each operation the responses the exception handler and the base
views produce (400 for any operation, 401/403 unless the view is public, 404 on object paths, 409 for
transitions and idempotency conflicts, 422 for a reused ``Idempotency-Key``, 429 where a throttle
counts, 414 for a request line longer than the server takes) and the ``Idempotency-Key`` header on
every POST. ``@extend_schema(responses=...)`` still wins per code.

It also keeps the schema equal to the answers: a read-only field whose model column is nullable is
``nullable``, one whose model choices may be blank admits ``""``; a request body without files is
advertised as JSON only (a generated client then sends JSON, which nested bodies need).
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

from credit_platform.api import idempotency


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))


class IllegalTransitionSerializer(serializers.Serializer):
    detail = serializers.CharField()
    state = serializers.CharField(required=False, help_text=_("The object's current state."))
    allowed = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("The transitions open from the current state.")
    )


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "{field: [messages]}; errors not tied to one field under non_field_errors; "
    "domain refusals as {detail, ...facts}.",
    "additionalProperties": {},
}

ERROR_RESPONSES = {
    400: OpenApiResponse(VALIDATION_ERROR_SCHEMA, description=_("Invalid input")),
    401: OpenApiResponse(ErrorSerializer, description=_("Not authenticated")),
    403: OpenApiResponse(ErrorSerializer, description=_("Not allowed")),
    404: OpenApiResponse(ErrorSerializer, description=_("Does not exist, or not visible to the caller")),
    409: OpenApiResponse(
        IllegalTransitionSerializer,
        description=_("Illegal transition from the current state, or a request with this Idempotency-Key in progress"),
    ),
    414: OpenApiResponse(description=_("Request line too long for the server (a query string of several kilobytes)")),
    422: OpenApiResponse(ErrorSerializer, description=_("Idempotency-Key already used for a different request")),
    429: OpenApiResponse(ErrorSerializer, description=_("Too many requests from this address: wait and try again")),
}


def error_responses(*codes: int) -> dict:
    """For ``@extend_schema(responses={200: X, **error_responses(404, 409)})``."""
    return {code: ERROR_RESPONSES[code] for code in codes}


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY_LENGTH, "pattern": "^[!-~]+$"},
    OpenApiParameter.HEADER,
    required=False,
    description=_("Any unique string (a UUID); a repeat of the request with the same key returns the first answer."),
)


def _takes_files(field) -> bool:
    """Whether a request serializer (or field) takes an uploaded file anywhere inside it."""
    if isinstance(field, serializers.FileField):
        return True
    if isinstance(field, serializers.ListSerializer):
        return _takes_files(field.child)
    if isinstance(field, serializers.Serializer):
        return any(_takes_files(f) for f in field.fields.values())
    child = getattr(field, "child", None)
    return child is not None and _takes_files(child)


class PlatformAutoSchema(AutoSchema):
    def _is_public(self) -> bool:
        return all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _has_object_in_path(self) -> bool:
        return "{" in self.path

    def _is_cursor_list(self) -> bool:
        # CursorPagination answers 404 for a cursor it cannot decode, page numbers for a page past the end.
        return self._is_list_view() and self._get_paginator() is not None

    def _error_codes(self) -> list[int]:
        # 400 for any operation: invalid input, or a NUL character in the path or the query
        # (credit_platform.middleware.RejectNulBytesMiddleware answers before any view).
        codes = [400]
        if not self._is_public():
            codes += [401, 403]
        if self._has_object_in_path() or (self.method == "GET" and self._is_cursor_list()):
            codes.append(404)
        if (self.method == "POST" and not self._is_public()) or self._is_idempotent():
            codes += [409, 422]  # illegal transition / key in progress; key reused
        if self._is_throttled():
            codes.append(429)
        codes.append(414)  # the server's request-line limit (gunicorn: 4094 bytes), for any operation
        return codes

    def _is_idempotent(self) -> bool:
        return self.method in idempotency.METHODS and isinstance(self.view, idempotency.IdempotentMixin)

    def _is_throttled(self) -> bool:
        return bool(self.view.get_throttles())

    def _model_field(self, field):
        model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
        if model is None or not isinstance(getattr(field, "source", None), str) or "." in field.source:
            return None
        try:
            model_field = model._meta.get_field(field.source)
        except Exception:  # noqa: BLE001 - a method, a property: nothing to learn from the model
            return None
        return model_field if model_field.concrete else None

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        # Read-only model fields lose allow_null / allow_blank in DRF's ModelSerializer: take them
        # back from the model so that the schema admits the null and "" the API answers.
        if field.read_only:
            model_field = self._model_field(field)
            if model_field is not None:
                if model_field.null and not field.allow_null:
                    field.allow_null = True
                if model_field.blank and isinstance(field, serializers.ChoiceField) and not field.allow_blank:
                    field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def map_parsers(self):
        media_types = super().map_parsers()
        if "application/json" not in media_types:
            return media_types
        if self._request_takes_files():  # JSON, or multipart with the files (a form body carries none)
            return [m for m in media_types if m != "application/x-www-form-urlencoded"]
        return ["application/json"]

    def _request_takes_files(self) -> bool:
        serializer = self.get_request_serializer()
        if serializer is None or isinstance(serializer, dict):
            return serializer is not None
        return _takes_files(force_instance(serializer))

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(ERROR_RESPONSES[code], str(code), direction=direction)
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        # Keys are kept per user, or per client address on the public filings.
        if (self.method == "POST" and not self._is_public()) or self._is_idempotent():
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        # Rows naming natural persons (credit_platform.api.persons): masked without a reason.
        reason = getattr(self.view, "person_reason_parameter", None)
        if self.method == "GET" and reason is not None and getattr(self.view, "action", None) in ("list", "retrieve") and not any(getattr(p, "name", None) == reason.name for p in parameters):
            parameters.append(reason)
        return parameters


class PlatformSessionScheme(SessionScheme):
    """Documents ``credit_platform.api.authentication.SessionAuthentication`` (a subclass, which
    drf-spectacular's own extension does not match); the token class is matched as a subclass."""

    target_class = "credit_platform.api.authentication.SessionAuthentication"


def integer_path_ids(result, generator, request, public):
    """Postprocessing hook: a path id matched by ``\\d+`` (``lookup_value_regex``) is an ``integer``,
    not a string with a pattern (a generated client then takes an int)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "string" and schema.get("pattern") in (r"^\d+$", r"\d+"):
                    parameter["schema"] = {"type": "integer"}
    return result
