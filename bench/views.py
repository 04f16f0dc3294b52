"""The baselines: the stack's own limit for one request behind the project's middleware, its API
authentication (token or session, with the token's user and department) and its department-member
permission, touching one indexed row. Defined here, not in the product."""
from django.db import transaction
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.views import APIView

from credit_platform.api.authentication import API_AUTHENTICATION_CLASSES
from credit_platform.models import Subject
from credit_platform.permissions import IsDepartmentMember


class BareReadView(APIView):
    """SELECT one subject by primary key; answer its identifier and name."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [IsDepartmentMember]

    def get(self, request, pk):
        row = Subject.objects.filter(pk=pk).values("pk", "identifier", "name", "kind").first()
        return Response(row or {})


class BareWriteView(APIView):
    """UPDATE one subject's ``updated_at`` by primary key in its own transaction (as a service
    would: atomic, the row locked by the UPDATE itself)."""

    authentication_classes = API_AUTHENTICATION_CLASSES
    permission_classes = [IsDepartmentMember]

    def post(self, request, pk):
        with transaction.atomic(durable=True):
            changed = Subject.objects.filter(pk=pk).update(updated_at=timezone.now())
        return Response({"updated": changed})
