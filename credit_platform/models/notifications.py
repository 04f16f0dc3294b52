from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about (its ``verb``; also the ``X-Credit-Event`` of its webhook)."""

    ASSIGNMENT_PUSHED = "assignment_pushed", _("measures pushed to the department")
    ASSIGNMENTS_OVERDUE = "assignments_overdue", _("pushes overdue")
    ASSIGNMENT_RETURNED = "assignment_returned", _("push returned: not competent")
    ASSIGNMENT_SUSPENDED = "assignment_suspended", _("measures held: objection being verified")
    ASSIGNMENT_RESUMED = "assignment_resumed", _("measures resumed")
    ASSIGNMENT_LIFTING = "assignment_lifting", _("lift the measures")
    CASE_FEEDBACK_COMPLETE = "case_feedback_complete", _("every department fed back")
    URGED = "urged", _("urged by the leadership office")
    OVERDUE_ESCALATED = "overdue_escalated", _("overdue work escalated")
    DASHBOARD_TALLIES_CORRECTED = "dashboard_tallies_corrected", _("dashboard figures corrected")
    ENTRY_WITHOUT_MEMORANDUM = "entry_without_memorandum", _("entry without a memorandum")
    ENTRY_CASE_INITIATED = "entry_case_initiated", _("case opened from an entry")
    ENTRY_CASE_FAILED = "entry_case_failed", _("case from an entry could not be opened")
    ENTRY_BLACK_PROPOSED = "entry_black_proposed", _("black list proposed")
    ENTRY_EXPIRED = "entry_expired", _("entry expired")
    ENTRIES_PUBLICATION_OVERDUE = "entries_publication_overdue", _("entries past their publication date (双公示)")
    SUBJECT_WATCH_FLAGGED = "subject_watch_flagged", _("subject on the watch list")
    OBJECTION_FILED = "objection_filed", _("objection filed")
    OBJECTION_OVERDUE = "objection_overdue", _("objection overdue")
    OBJECTIONS_OVERDUE = "objections_overdue", _("objections overdue")
    REPUTATION_RESTORED = "reputation_restored", _("record revoked: restore the reputation")
    REPAIR_FILED = "repair_filed", _("credit repair filed")
    REPAIR_OVERDUE = "repair_overdue", _("credit repair overdue")
    REPAIRS_OVERDUE = "repairs_overdue", _("credit repairs overdue")


class Notification(models.Model):
    """An in-app message to a department (and optionally one of its users)."""

    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    verb = models.CharField(_("kind"), max_length=64, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "read_at", "-created_at"], name="notification_inbox_idx")]

    def __str__(self):
        return self.title
