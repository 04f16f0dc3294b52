from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("Audit events are append-only.")

    def delete(self):
        raise PermissionDenied("Audit events are append-only.")


class AuditEvent(models.Model):
    """An append-only record of one change, hash-chained within the stream of its object.

    ``hash`` = SHA-256 over the canonical content of the row and ``prev_hash`` (the hash of the
    previous row of the same stream). One stream per audited object, so concurrent transactions on
    different objects never queue behind one chain head. Written only by credit_platform.audit.
    """

    stream = models.CharField(_("stream"), max_length=100, help_text=_("app_label.model:pk of the audited object"))
    seq = models.PositiveIntegerField(_("sequence in stream"))
    content_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64)
    from_state = models.CharField(_("from state"), max_length=32, blank=True)
    to_state = models.CharField(_("to state"), max_length=32, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    reason = models.TextField(_("reason"), blank=True)
    extra = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["stream", "seq"]
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="uniq_audit_stream_seq")]
        indexes = [
            models.Index(fields=["content_type", "object_id", "seq"], name="audit_object_idx"),
            # A department's latest events (the workbench's 已办), newest first.
            models.Index(fields=["department", "created_at"], name="audit_department_time_idx"),
            # audit_chunk_streams_idx (migration 0020, SQL: Django cannot write a GIN operator class on
            # a key): the chunk events of imports by the streams they name, partial on those events.
        ]

    def __str__(self):
        return f"{self.stream}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionDenied("Audit events are append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events are append-only.")


class AuditCheckpoint(models.Model):
    """A daily seal over the heads of every stream changed that day, chained day to day."""

    day = models.DateField(_("day"), unique=True)
    heads = models.JSONField(_("stream heads"), default=dict)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day} {self.hash[:12]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit checkpoints are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit checkpoints are append-only.")
