"""The API shape shared by what a department decides on someone's application (objections, credit
repairs): list and detail through the app's access selector, filing (``create``), and decisions
(``accept``, ``refuse`` ...) that each call one service.

A decision fetches the object through the access selector (404 when the caller may not see it),
checks that the caller decides it (403, before any input is read), validates the body with the
action's serializer (400), calls the service (409 for a move the state does not allow) and answers
with the detail. Its subject, a natural person, is masked unless the request gives a ``reason``
(``PersonsMaskedMixin``).
"""
import abc

from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from credit_platform.api.pagination import LargeTablePagination
from credit_platform.api.persons import PersonsMaskedMixin
from credit_platform.api.views import PlatformReadOnlyViewSet


class DepartmentDecidedViewSet(PersonsMaskedMixin, mixins.CreateModelMixin, PlatformReadOnlyViewSet, metaclass=abc.ABCMeta):
    pagination_class = LargeTablePagination
    lookup_value_regex = r"\d+"
    list_serializer_class = None
    detail_serializer_class = None
    create_serializer_class = None
    service_argument = ""  # the services' keyword for the object: "objection", "application"
    not_decider_message = ""

    @abc.abstractmethod
    def get_for_user(self, pk, queryset=None):
        """The object ``pk`` as the caller may see it, or Http404 (the app's access selector)."""

    @abc.abstractmethod
    def can_decide(self, obj) -> bool:
        """Whether the caller's department decides ``obj`` (the app's access rule)."""

    def get_serializer_class(self):
        if self.action == "create":
            return self.create_serializer_class
        return self.list_serializer_class if self.action == "list" else self.detail_serializer_class

    def _detail(self, pk, status_code=status.HTTP_200_OK) -> Response:
        obj = self.get_for_user(pk, queryset=self.get_queryset())
        self.log_persons([obj])
        return Response(self.detail_serializer_class(obj, context=self.get_serializer_context()).data, status=status_code)

    def _decidable(self, pk):
        """The object (404 when unseen), if the caller may decide it (403 before any input is read)."""
        obj = self.get_for_user(pk)
        if not self.can_decide(obj):
            raise PermissionDenied(self.not_decider_message)
        return obj

    def _decide(self, pk, service, body_serializer=None) -> Response:
        """Run one decision: ``service(<service_argument>=obj, actor=..., **validated body)``."""
        obj = self._decidable(pk)
        values = {}
        if body_serializer is not None:
            data = body_serializer(data=self.request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
        service(**{self.service_argument: obj}, actor=self.request.user, **values)
        return self._detail(pk)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(kwargs["pk"])
