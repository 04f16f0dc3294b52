"""What every import's API shares: the row-by-row answer (``created``, ``unchanged``, ``errors``
with row numbers and reasons, ``warnings``) and the batch's progress answer."""
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from credit_platform.api.schema import error_responses
from credit_platform.api.views import PlatformAPIMixin
from credit_platform.importing.report import issue_as_dict
from credit_platform.importing.rows import ERROR, WARNING
from credit_platform.permissions import IsDepartmentMember

# Errors listed in the status answer; the downloadable report has them all.
STATUS_ERRORS_SHOWN = 100


class CanImportBase(IsDepartmentMember):
    """An app's importers (``can_import(user)``); 401 when anonymous, 403 for another department."""

    @staticmethod
    def can_import(user) -> bool:
        raise NotImplementedError("each app's import (lists, records) says this")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and self.can_import(request.user)


def upload_file_field(help_text) -> serializers.FileField:
    return serializers.FileField(
        help_text=help_text,
        error_messages={"required": gettext_lazy("Attach the file (CSV or XLSX) as the multipart field “file”."),
                        "empty": gettext_lazy("The file is empty.")},
    )


class RowIssueSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=gettext_lazy("Row number in the file (the header is row 1)."))
    field = serializers.CharField(help_text=gettext_lazy("Column"))
    reason = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    state = serializers.CharField()
    created = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = RowIssueSerializer(many=True)
    warnings = RowIssueSerializer(many=True)
    status_url = serializers.CharField()
    report_url = serializers.CharField()


def absolute_url(request, name: str, batch) -> str:
    url = reverse(name, kwargs={"pk": batch.pk})
    return request.build_absolute_uri(url) if request else url


def import_result(request, batch, issues, *, status_name: str, report_name: str) -> Response:
    """200 with the row-by-row report of a finished batch; ``issues(batch, level=)`` lists its rows."""
    body = {
        "batch": batch.pk,
        "state": batch.state,
        "created": batch.created_count,
        "unchanged": batch.unchanged_count,
        "errors": [issue_as_dict(i) for i in issues(batch, level=ERROR)],
        "warnings": [issue_as_dict(i) for i in issues(batch, level=WARNING)],
        "status_url": absolute_url(request, status_name, batch),
        "report_url": absolute_url(request, report_name, batch),
    }
    return Response(body, status=status.HTTP_200_OK)


class ImportBatchSerializerBase(serializers.ModelSerializer):
    """A batch's progress; the subclass names its model, ``issues`` and the status and report routes."""

    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    created = serializers.IntegerField(source="created_count", read_only=True)
    unchanged = serializers.IntegerField(source="unchanged_count", read_only=True)
    refused = serializers.IntegerField(source="error_count", read_only=True)
    errors = serializers.SerializerMethodField(help_text=gettext_lazy("The first refused rows; the report has them all."))
    status_url = serializers.SerializerMethodField()
    report_url = serializers.SerializerMethodField()

    FIELDS = [
        "id", "file_name", "file_sha256", "department", "uploaded_by", "strict", "state", "rows_total", "rows_done",
        "created", "unchanged", "refused", "message", "created_at", "finished_at",
    ]
    status_name = report_name = ""

    def issues(self, batch, level=None):
        raise NotImplementedError("each app's import (lists, records) says this")

    def get_errors(self, batch) -> list[dict]:
        return [issue_as_dict(i) for i in self.issues(batch, level=ERROR)[:STATUS_ERRORS_SHOWN]]

    def get_status_url(self, batch) -> str:
        return absolute_url(self.context.get("request"), self.status_name, batch)

    def get_report_url(self, batch) -> str:
        return absolute_url(self.context.get("request"), self.report_name, batch)


def import_views(*, serializer, batches, report, tag: str, noun: str):
    """The batch's status view (``GET .../{id}/``) and its report view (``GET .../{id}/report/``):
    ``batches(user)`` the batches the caller may see (404 for the others), ``report(batch)`` the CSV."""

    class DetailView(PlatformAPIMixin, generics.RetrieveAPIView):
        __doc__ = f"A {noun} of the caller's department (any, for the credit office): state, progress, counts, first refused rows."
        serializer_class = serializer

        def get_queryset(self):
            return batches(self.request.user)

        @extend_schema(summary=f"Progress and counts of a {noun}", tags=[tag], responses={200: serializer, **error_responses(401, 404)})
        def get(self, request, *args, **kwargs):
            return super().get(request, *args, **kwargs)

    class ReportView(PlatformAPIMixin, APIView):
        __doc__ = f"The refused rows and warnings of a {noun} as CSV (UTF-8 with BOM), with each row's own columns."

        @extend_schema(
            summary=f"Refused rows of a {noun} (CSV)", tags=[tag],
            responses={(200, "text/csv"): OpenApiResponse(str, description=gettext_lazy("CSV, UTF-8 with BOM")), **error_responses(401, 404)},
        )
        def get(self, request, pk: int):
            return report(get_object_or_404(batches(request.user), pk=pk))

    return DetailView, ReportView


def import_schema(*, summary: str, description: str, tag: str, request, batch_serializer):
    """The OpenAPI description of an import's POST: multipart, 200 with the report or 202 with the batch."""
    return extend_schema(
        summary=summary, description=description, tags=[tag], request={"multipart/form-data": request},
        responses={
            200: ImportResultSerializer,
            202: OpenApiResponse(batch_serializer, description="Accepted: imported in the background."),
            **error_responses(400, 401, 403),
        },
    )


def accepted(request, batch, batch_serializer) -> Response:
    """202 with the batch and its status URL (imported in the background)."""
    body = batch_serializer(batch, context={"request": request}).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})
