"""The information catalogue (信用信息目录) and the credit records departments provide under it.

``RecordType``: one item of the catalogue — its kind, the departments that provide it, whether the
public site shows it, the extra fields its records carry, whether a record needs written consent.
``CreditRecord``: one decision or fact about one subject, by its providing department. Licensing and
penalty records are published within 7 working days of the decision (双公示) and end by themselves
(``publication_ends_on``). Records are never deleted: they are removed with a reason and kept.
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from credit_platform.domains import Domain, Severity
from credit_platform.permissions import department_of, is_credit_office, is_department_member
from records import catalogue


class RecordKind(models.TextChoices):
    BASIC = "basic", _("basic information")
    LICENSING = "licensing", _("administrative licensing")
    PENALTY = "penalty", _("administrative penalty")
    COMMITMENT = "commitment", _("credit commitment")
    HONOUR = "honour", _("honours and awards")
    DISHONESTY = "dishonesty", _("dishonesty")

    @classmethod
    def published_by_deadline(cls):
        """The kinds 双公示 publishes within its working days: licensing and penalty decisions."""
        return [cls.LICENSING, cls.PENALTY]


class RecordType(models.Model):
    """An item of the information catalogue, managed by the credit office."""

    code = models.SlugField(_("code"), max_length=64, unique=True, help_text=_("Stable code used by the API and the imports."))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=RecordKind.choices)
    departments = models.ManyToManyField(
        "credit_platform.Department", verbose_name=_("providing departments"), related_name="record_types", blank=True,
    )
    public = models.BooleanField(_("public"), default=False, help_text=_("Its published records are shown on the credit website."))
    fields = models.JSONField(
        _("fields"), default=list, blank=True,
        help_text=_("The extra fields a record carries: a list of {\"name\", \"label\", \"required\"}."),
    )
    needs_consent = models.BooleanField(
        _("needs consent"), default=False, help_text=_("A record needs the reference of the subject's written consent."),
    )
    domain = models.CharField(
        _("default domain"), max_length=32, choices=Domain.choices, blank=True,
        help_text=_("The domain of its penalty and dishonesty records when a record gives none."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("record type")
        verbose_name_plural = _("information catalogue")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        errors = catalogue.fields_errors(self.fields, needs_consent=self.needs_consent)
        for value in (self.name,):
            category = catalogue.forbidden_category(value)
            if category:
                raise ValidationError({"name": [catalogue.forbidden_message(value, category)]})
        if errors:
            raise ValidationError({"fields": errors})

    @property
    def field_names(self) -> list[str]:
        return [field["name"] for field in self.fields or []]


class RecordState(models.TextChoices):
    DRAFT = "draft", _("draft")  # recorded, not yet published
    PUBLISHED = "published", _("published")  # on the credit website (public types) and shared
    SUSPENDED = "suspended", _("suspended (objection being verified)")  # the clock stops
    REMOVED = "removed", _("removed")  # ended (expired, repaired, revoked, corrected); kept


class RecordRemovalReason(models.TextChoices):
    EXPIRED = "expired", _("publication period ended")
    REPAIRED = "repaired", _("credit repaired")
    REVOKED = "revoked", _("revoked")
    CORRECTED = "corrected", _("corrected")


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("entered by the department")
    IMPORT = "import", _("imported")


def may_manage_record(record, user) -> bool:
    """Publish, remove: the providing department and the credit office. The transitions' ``permission``
    and ``records.access.can_manage_record``'s answer."""
    if is_credit_office(user):
        return True
    if not is_department_member(user):
        return False
    department = department_of(user)
    return department is not None and department.pk == record.department_id


SYSTEM = {"admin": False}

# The longest legal basis and consent reference accepted.
BASIS_MAX_LENGTH = 10_000


def publication_refusal(record, today=None) -> str:
    """Why ``record`` cannot be published on ``today`` (default: today), or "" when it can: its
    publication period has already ended. The publish transition's condition; the service's 409."""
    today = today or timezone.localdate()
    if record.publication_ends_on is not None and record.publication_ends_on < today:
        return gettext("The publication period of this decision ended on %(end)s.") % {"end": record.publication_ends_on.isoformat()}
    return ""


def _may_publish_now(instance) -> bool:
    return not publication_refusal(instance)


class CreditRecord(ConcurrentTransitionMixin, models.Model):
    """One credit record of one subject under one catalogue item, by its providing department."""

    subject = models.ForeignKey("credit_platform.Subject", verbose_name=_("subject"), on_delete=models.PROTECT, related_name="credit_records")
    record_type = models.ForeignKey(RecordType, verbose_name=_("record type"), on_delete=models.PROTECT, related_name="records")
    department = models.ForeignKey(
        "credit_platform.Department", verbose_name=_("providing department"), on_delete=models.PROTECT, related_name="credit_records",
    )
    decision_number = models.CharField(_("decision number"), max_length=200)
    decided_on = models.DateField(_("decision date"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, blank=True, help_text=_("Penalties: minor, general or severe."))
    domain = models.CharField(_("domain"), max_length=32, choices=Domain.choices, blank=True)
    basis = models.TextField(_("legal basis"), blank=True)
    content = models.JSONField(_("content"), default=dict, blank=True, help_text=_("The record type's fields."))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Licensing: 2099-12-31 means until removed; empty, 3 years."))
    consent_reference = models.CharField(_("consent reference"), max_length=200, blank=True)
    rule_set = models.ForeignKey(
        "credit_platform.RuleSet", verbose_name=_("rule set applied"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    source = models.CharField(_("source"), max_length=16, choices=RecordSource.choices, default=RecordSource.MANUAL)
    # Decided in another region and received through the exchange (docs/exchange.md): its region,
    # its item and the version last applied (``records.services.received``); never reported again.
    source_region = models.CharField(_("source region"), max_length=6, blank=True)
    exchange_item_id = models.CharField(_("exchange item"), max_length=120, blank=True)
    exchange_version = models.PositiveIntegerField(_("exchange version"), default=0)

    state = FSMField(_("state"), default=RecordState.DRAFT, choices=RecordState.choices, protected=True)
    # 双公示: licensing and penalty decisions (not minor penalties) are published within the rule
    # set's working days (7) of their date; whether they were is fixed when they are.
    publication_due = models.DateField(_("publish by (双公示)"), null=True, blank=True)
    publication_due_provisional = models.BooleanField(
        _("publication date provisional"), default=False,
        help_text=_("Computed through a year whose official calendar was not yet known; recomputed when it is."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_on_time = models.BooleanField(_("published on time"), null=True, blank=True)
    publication_ends_on = models.DateField(_("publication ends on"), null=True, blank=True)
    repair_possible_from = models.DateField(_("repair possible from (minimum period)"), null=True, blank=True)
    # While an accepted objection verifies the record its clock stops: the working days held move
    # the publication end and the repair date on when it resumes.
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)
    held_working_days = models.PositiveIntegerField(_("working days held by objections"), default=0)
    removal_reason = models.CharField(_("reason for removal"), max_length=16, choices=RecordRemovalReason.choices, blank=True)
    removal_note = models.TextField(_("removal note"), blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-id"]
        constraints = [
            # Entering or importing the same decision twice never duplicates it.
            models.UniqueConstraint(fields=["record_type", "department", "decision_number", "subject"], name="uniq_credit_record_decision"),
            # A received item is held once.
            models.UniqueConstraint(fields=["exchange_item_id"], condition=~models.Q(exchange_item_id=""), name="uniq_credit_record_exchange_item"),
        ]
        indexes = [
            # The public 双公示 query (published, newest decisions first) and a subject's records.
            models.Index(fields=["state", "-decided_on"], name="record_state_decided_idx"),
            models.Index(fields=["subject", "state"], name="record_subject_state_idx"),
            # A department's records, and its workbench.
            models.Index(fields=["department", "state"], name="record_dept_state_idx"),
            # The overdue scan: drafts past their 双公示 date.
            models.Index(
                fields=["publication_due", "department"], name="record_draft_due_idx",
                condition=models.Q(state="draft", publication_due__isnull=False),
            ),
            # The expiry scan: published records whose publication has ended.
            models.Index(fields=["publication_ends_on"], name="record_published_end_idx", condition=models.Q(state="published")),
        ]

    def __str__(self):
        return f"{self.record_type.name} · {self.subject.name} · {self.decision_number}"

    @property
    def kind(self) -> str:
        return self.record_type.kind

    @transition(field=state, source=RecordState.DRAFT, target=RecordState.PUBLISHED, permission=may_manage_record,
                conditions=[_may_publish_now], custom={"label": _("Publish")})
    def publish(self, *, at, publication_ends_on=None):
        self.published_at, self.published_on = at, timezone.localdate(at)
        if self.publication_due is not None:
            self.published_on_time = self.published_on <= self.publication_due
        if publication_ends_on is not None:
            self.publication_ends_on = publication_ends_on

    @transition(field=state, source=[RecordState.DRAFT, RecordState.PUBLISHED, RecordState.SUSPENDED], target=RecordState.REMOVED,
                permission=may_manage_record, custom={"label": _("Remove")})
    def remove(self, *, at, reason, note=""):
        self.removed_at, self.removal_reason, self.removal_note = at, reason, note

    @transition(field=state, source=RecordState.PUBLISHED, target=RecordState.SUSPENDED, custom=SYSTEM)
    def suspend(self, *, on):
        self.suspended_on = on

    @transition(field=state, source=RecordState.SUSPENDED, target=RecordState.PUBLISHED, custom=SYSTEM)
    def resume(self, *, held, publication_ends_on, repair_possible_from):
        self.suspended_on = None
        self.held_working_days += held
        self.publication_ends_on, self.repair_possible_from = publication_ends_on, repair_possible_from


# The record imports' batches and refused rows (records/import_models.py).
from records.import_models import RecordImportBatch, RecordImportRowError  # noqa: E402,F401
# Credit commitments (records/commitment_models.py).
from records.commitment_models import Commitment, CommitmentKind, CommitmentState  # noqa: E402,F401
