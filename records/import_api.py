"""API of record imports: ``POST /records/import/``, ``GET /record-imports/{id}/`` and its report.

Thin: the file is checked and the batch recorded by ``records.importing``; small files are imported
within the request (200 with the row-by-row report), larger ones by a Celery task (202 with the
status URL).
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
from records import importing
from records.models import RecordImportBatch, RecordType

# Files up to this many rows are imported within the request; larger ones by a Celery task.
SYNC_ROW_LIMIT = 5000
STATUS_NAME, REPORT_NAME = "api:record-import-detail", "api:record-import-report"


class CanImportRecords(CanImportBase):
    """A providing department of some record type, or the credit office; 401 when anonymous."""

    message = gettext_lazy("Only a providing department of a record type (or the credit office) can import records.")
    can_import = staticmethod(importing.can_import)


class RecordImportRequestSerializer(serializers.Serializer):
    file = upload_file_field(
        gettext_lazy(
            "CSV (UTF-8 or GBK) or XLSX: the columns identifier, name, kind, record_type, decision_number, decided_on, "
            "severity, basis, valid_until and one per field of the type; or a 双公示 spreadsheet with the national "
            "Chinese headers and its record_type given with the upload."
        )
    )
    record_type = serializers.SlugRelatedField(
        slug_field="code", queryset=RecordType.objects.filter(is_active=True), required=False, allow_null=True,
        help_text=gettext_lazy("The type of every row (code), for a file without a record_type column."),
    )
    publish = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("Publish the imported records at once."))
    strict = serializers.BooleanField(required=False, default=False, help_text=gettext_lazy("All rows or none."))


class RecordImportBatchSerializer(ImportBatchSerializerBase):
    record_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RecordImportBatch
        fields = [*ImportBatchSerializerBase.FIELDS, "record_type", "publish", "errors", "status_url", "report_url"]
        read_only_fields = fields

    status_name, report_name = STATUS_NAME, REPORT_NAME

    def issues(self, batch, level=None):
        return importing.record_import_issues(batch, level=level)


class RecordImportView(PlatformAPIMixin, APIView):
    """Import credit records: small files in the request, large ones in the background."""

    permission_classes = [CanImportRecords]
    parser_classes = [MultiPartParser, FormParser]

    @import_schema(
        summary="Import credit records (CSV or XLSX)",
        description=(
            "Each row is checked as a record entered one by one (providing department, consent reference, the type's "
            f"fields, dates). Files up to {SYNC_ROW_LIMIT} rows are imported in the request (200, with the row-by-row "
            "report); larger files answer 202 and are imported in the background: follow `status_url`. Re-importing "
            "the same file changes nothing (rows counted `unchanged`). A national 当前状态 2 imports the record removed."
        ),
        tag="records", request=RecordImportRequestSerializer, batch_serializer=RecordImportBatchSerializer,
    )
    def post(self, request):
        data = RecordImportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        options = data.validated_data
        batch, info = importing.record_import_create(
            upload=options["file"], actor=request.user, record_type=options.get("record_type"), publish=options["publish"], strict=options["strict"],
        )
        if info.rows_estimate > SYNC_ROW_LIMIT:
            importing.record_import_enqueue(batch=batch)
            batch.refresh_from_db()
            return accepted(request, batch, RecordImportBatchSerializer)
        batch = importing.record_import_run(batch_id=batch.pk)
        if batch.state == RecordImportBatch.State.FAILED:
            return Response({"file": [batch.message]}, status=status.HTTP_400_BAD_REQUEST)
        return import_result(request, batch, importing.record_import_issues, status_name=STATUS_NAME, report_name=REPORT_NAME)


RecordImportDetailView, RecordImportReportView = import_views(
    serializer=RecordImportBatchSerializer, batches=importing.record_import_batches_for_user, report=importing.record_import_report,
    tag="records", noun="record import",
)
