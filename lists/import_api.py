"""API of imports: ``POST /list-entries/import/``, ``GET /imports/{id}/`` and its refused-rows report.

Thin: the file is checked and the batch recorded by ``lists.importing``; small files are imported
within the request (200 with the report), larger ones by a Celery task (202 with the status URL).
"""
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from credit_platform.api.imports import (
    CanImportBase,
    ImportBatchSerializerBase,
    accepted,
    import_result,
    import_schema,
    import_views,
    upload_file_field,
)
from credit_platform.api.views import PlatformAPIMixin
from lists import importing
from lists.models import ImportBatch

# Files up to this many rows are imported within the request; larger ones by a Celery task.
SYNC_ROW_LIMIT = 5000


class CanImport(CanImportBase):
    """Initiating departments and the credit office (as for proposing entries); 401 when anonymous."""

    message = gettext_lazy("Only an initiating department or the credit office can import list entries.")
    can_import = staticmethod(importing.can_import)


class ImportRequestSerializer(serializers.Serializer):
    file = upload_file_field(
        gettext_lazy(
            "CSV (UTF-8 or GBK) or XLSX with the header row: identifier, name, kind, list_type, severity, domain, basis, "
            "decision_number, decided_on (YYYY-MM-DD)."
        )
    )
    strict = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("All rows or none."))
    open_cases = serializers.BooleanField(
        required=False, default=True, help_text=gettext_lazy("Open the joint cases of imported black and red entries.")
    )


class ImportBatchSerializer(ImportBatchSerializerBase):
    cases_opening = serializers.BooleanField(
        read_only=True, help_text=gettext_lazy("The joint cases of the imported entries are still being opened.")
    )
    cases_total = serializers.SerializerMethodField(help_text=gettext_lazy("Imported black and red entries that open a joint case."))
    cases_opened = serializers.SerializerMethodField(help_text=gettext_lazy("Of those, the entries whose case is open."))

    class Meta:
        model = ImportBatch
        fields = [
            *ImportBatchSerializerBase.FIELDS, "open_cases", "cases_opening", "cases_total", "cases_opened", "errors", "status_url", "report_url",
        ]
        read_only_fields = fields

    status_name, report_name = "api:import-batch-detail", "api:import-batch-report"

    def issues(self, batch, level=None):
        return importing.batch_issues(batch, level=level)

    def get_cases_total(self, batch) -> int:
        return importing.batch_case_counts(batch)[0]

    def get_cases_opened(self, batch) -> int:
        return importing.batch_case_counts(batch)[1]


class ListEntryImportView(PlatformAPIMixin, APIView):
    """Import a decided list: small files in the request, large ones in the background."""

    permission_classes = [CanImport]
    parser_classes = [MultiPartParser, FormParser]

    @import_schema(
        summary="Import decided list entries (CSV or XLSX)",
        description=(
            "Entries already decided by an authoritative source (e.g. the court's judgement-defaulter list) are created "
            f"`published`. Files up to {SYNC_ROW_LIMIT} rows are imported in the request (200, with the "
            "row-by-row report); larger files answer 202 and are imported in the background: follow `status_url`. "
            "Without a task broker the entries are imported in the request and, when there are many, their joint "
            "cases are opened after the answer: 202 with the batch, `cases_opening` true until they are. "
            "Re-importing the same file changes nothing (rows counted `unchanged`)."
        ),
        tag="list entries", request=ImportRequestSerializer, batch_serializer=ImportBatchSerializer,
    )
    def post(self, request):
        data = ImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = data.validated_data
        batch, info = importing.import_batch_create(upload=options["file"], actor=request.user, strict=options["strict"])
        if info.rows_estimate > SYNC_ROW_LIMIT:
            importing.import_batch_enqueue(batch=batch, open_cases=options["open_cases"])
            batch.refresh_from_db()
            return self._accepted(request, batch)
        batch = importing.import_run(batch_id=batch.pk, open_cases=options["open_cases"])
        if batch.state == ImportBatch.State.FAILED:
            return Response({"file": [batch.message]}, status=status.HTTP_400_BAD_REQUEST)
        if batch.cases_opening:
            # No broker and many entries: imported, their cases opened after this answer.
            return self._accepted(request, batch)
        return import_result(request, batch, importing.batch_issues, status_name="api:import-batch-detail", report_name="api:import-batch-report")

    @staticmethod
    def _accepted(request, batch) -> Response:
        return accepted(request, batch, ImportBatchSerializer)


ImportBatchDetailView, ImportBatchReportView = import_views(
    serializer=ImportBatchSerializer, batches=importing.import_batches_for_user, report=importing.report_response,
    tag="list entries", noun="import",
)
