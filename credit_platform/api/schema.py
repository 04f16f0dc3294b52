"""OpenAPI: the error answers every operation can give, documented once.

``PlatformAutoSchema`` adds to each operation the responses the exception handler and the base
views produce (400 for writes, 401/403 unless the view is public, 404 on object paths, 409 for
transitions and idempotency conflicts, 422 for a reused ``Idempotency-Key``) and the
``Idempotency-Key`` header on every POST. ``@extend_schema(responses=...)`` still wins per code.
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers
from rest_framework.pagination import CursorPagination

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
    422: OpenApiResponse(ErrorSerializer, description=_("Idempotency-Key already used for a different request")),
}


def error_responses(*codes: int) -> dict:
    """For ``@extend_schema(responses={200: X, **error_responses(404, 409)})``."""
    return {code: ERROR_RESPONSES[code] for code in codes}


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_("Any unique string (a UUID); a repeat of the request with the same key returns the first answer."),
)


class PlatformAutoSchema(AutoSchema):
    def _is_public(self) -> bool:
        return all(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())

    def _has_object_in_path(self) -> bool:
        return "{" in self.path

    def _is_filtered_list(self) -> bool:
        # django-filter answers 400 for a filter value it cannot parse (e.g. an unknown kind).
        return self._is_list_view() and getattr(self.view, "filterset_class", None) is not None

    def _is_cursor_list(self) -> bool:
        # CursorPagination answers 404 for a cursor it cannot decode.
        return self._is_list_view() and isinstance(self._get_paginator(), CursorPagination)

    def _error_codes(self) -> list[int]:
        codes = []
        if self.method in ("POST", "PUT", "PATCH") or (self.method == "GET" and self._is_filtered_list()):
            codes.append(400)
        if not self._is_public():
            codes += [401, 403]
        if self._has_object_in_path() or (self.method == "GET" and self._is_cursor_list()):
            codes.append(404)
        if self.method == "POST" and not self._is_public():
            codes += [409, 422]  # illegal transition / key in progress; key reused
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(ERROR_RESPONSES[code], str(code), direction=direction)
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        # Keys are kept per user: anonymous (public) requests are not deduplicated.
        if self.method == "POST" and not self._is_public():
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        return parameters


class PlatformSessionScheme(SessionScheme):
    """Documents ``credit_platform.api.authentication.SessionAuthentication`` (a subclass, which
    drf-spectacular's own extension does not match); the token class is matched as a subclass."""

    target_class = "credit_platform.api.authentication.SessionAuthentication"
